package fingerprint

// bitCounter counts, for each of 64 bit positions, how many added values
// had the bit set. The counts are kept bit-sliced: plane k holds bit k of
// all 64 counters, so a count is Σ planes[k]·2^k per bit position. Values
// are added sixteen at a time by a Harley–Seal carry-save tree (add16,
// about five logic operations per value, no branches), the rest one at a
// time by a ripple carry (add).
type bitCounter struct {
	planes [32]uint64
	n      uint64
}

// csa is a carry-save adder: per bit, a+b+c = 2·hi + lo.
func csa(a, b, c uint64) (hi, lo uint64) {
	u := a ^ b
	return a&b | u&c, u ^ c
}

// add16 adds sixteen values. Planes 0–3 are the Harley–Seal accumulators
// (ones, twos, fours, eights); each call yields one "sixteens" word that
// is ripple-added from plane 4 up.
func (b *bitCounter) add16(d *[16]uint64) {
	ones, twos, fours, eights := b.planes[0], b.planes[1], b.planes[2], b.planes[3]
	var twosA, twosB, foursA, foursB, eightsA, eightsB, sixteens uint64
	twosA, ones = csa(ones, d[0], d[1])
	twosB, ones = csa(ones, d[2], d[3])
	foursA, twos = csa(twos, twosA, twosB)
	twosA, ones = csa(ones, d[4], d[5])
	twosB, ones = csa(ones, d[6], d[7])
	foursB, twos = csa(twos, twosA, twosB)
	eightsA, fours = csa(fours, foursA, foursB)
	twosA, ones = csa(ones, d[8], d[9])
	twosB, ones = csa(ones, d[10], d[11])
	foursA, twos = csa(twos, twosA, twosB)
	twosA, ones = csa(ones, d[12], d[13])
	twosB, ones = csa(ones, d[14], d[15])
	foursB, twos = csa(twos, twosA, twosB)
	eightsB, fours = csa(fours, foursA, foursB)
	sixteens, eights = csa(eights, eightsA, eightsB)
	b.planes[0], b.planes[1], b.planes[2], b.planes[3] = ones, twos, fours, eights
	b.n += 16
	b.ripple(4, sixteens)
}

// add adds one value.
func (b *bitCounter) add(h uint64) {
	b.n++
	b.ripple(0, h)
}

// ripple adds carry·2^k to the counters.
func (b *bitCounter) ripple(k int, carry uint64) {
	for ; carry != 0 && k < len(b.planes); k++ {
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
