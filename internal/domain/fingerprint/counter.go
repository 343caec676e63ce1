package fingerprint

// bitCounter counts, for each of 64 bit positions, how many added values
// had the bit set. The counts are bit-sliced (plane k holds bit k of all 64
// counters) because 64 separate vote increments per shingle alone would
// exceed the processor's 100k GenAI spans per CPU-second target (issue 4).
type bitCounter struct {
	planes [32]uint64
	n      uint64
}

// add adds one value: a ripple carry over the planes.
func (b *bitCounter) add(h uint64) {
	b.n++
	carry := h
	for k := 0; carry != 0 && k < len(b.planes); k++ {
		b.planes[k], carry = b.planes[k]^carry, b.planes[k]&carry
	}
}

// majority sets bit i when more than half of the added values had bit i set
// (a SimHash vote sum > 0): counter i > n/2, compared for all 64 counters at
// once on the bit planes, from the most significant plane down.
func (b *bitCounter) majority() uint64 {
	t := b.n / 2 // counter > n/2  <=>  counter > floor(n/2)
	if t>>len(b.planes) != 0 {
		return 0 // no counter can exceed t
	}
	var gt uint64
	eq := ^uint64(0)
	for k := len(b.planes) - 1; k >= 0; k-- {
		if t>>uint(k)&1 == 0 {
			gt |= eq & b.planes[k]
			eq &^= b.planes[k]
		} else {
			eq &= b.planes[k]
		}
	}
	return gt
}
