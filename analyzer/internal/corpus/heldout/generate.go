package heldout

import (
	"fmt"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/corpus"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// DefaultSeed and DefaultRuns give the corpus TestAccuracy reports.
const (
	DefaultSeed = 7_140_014
	DefaultRuns = 72
)

// Generate builds n labeled runs from seed, deterministically. Every
// fourth run is clean (two near-misses only); the others plant one waste
// shape in turn — and a second one on every third run — among one or two
// near-misses. The second run of every four then asks one question again
// in other words (semantic redundant_call waste, see corpus.Label); the
// third of every four and every other clean run ask two different
// questions over the same material instead. Runs alternate between
// semconv content and the shapes the processor stores for OpenInference
// and OpenLLMetry spans; every fifth run carries no processor
// fingerprints. Costs are priced with prices (nil: pricing.Default()).
func Generate(seed uint64, n int, prices *pricing.Table) []corpus.Case {
	if prices == nil {
		prices = pricing.Default()
	}
	start := time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)
	out := make([]corpus.Case, 0, n)
	k := 0            // planted scenarios so far
	sem, near := 0, 0 // paraphrase scenarios so far
	for i := 0; i < n; i++ {
		g := newRNG(seed ^ uint64(i+1)*0x9E3779B97F4A7C15)
		b := newBuilder(g, prices, fmt.Sprintf("crew-%c", 'a'+rune(i%5)), start.Add(time.Duration(i)*37*time.Minute), Dialect(i%3))
		b.noFP = i%5 == 4
		var steps []scenario
		if i%4 != 3 {
			steps = append(steps, planted[k%len(planted)])
			k++
			if i%3 == 0 {
				steps = append(steps, planted[(k*5+2)%len(planted)])
			}
			steps = append(steps, nearMisses[g.n(len(nearMisses))])
		} else {
			steps = append(steps, nearMisses[g.n(len(nearMisses))], nearMisses[g.n(len(nearMisses))])
		}
		g.shuffle(len(steps), func(a, c int) { steps[a], steps[c] = steps[c], steps[a] })
		c := corpus.Case{Name: fmt.Sprintf("h%02d:", i)}
		for j, s := range steps {
			if j > 0 {
				c.Name += "+"
			}
			c.Name += s.name
			c.Labels = append(c.Labels, s.fn(b)...)
		}
		// Paraphrases come last and from their own stream: the calls above
		// stay those the generator made before it had them.
		if s, ok := paraphraseStep(i, &sem, &near); ok {
			b.g = newRNG(seed ^ uint64(i+1)*0xD1B54A32D192ED03)
			c.Name += "+" + s.name
			c.Labels = append(c.Labels, s.fn(b)...)
		}
		c.Run = b.finish()
		out = append(out, c)
	}
	return out
}

// paraphraseStep returns the paraphrase scenario run i ends with, if any,
// counting semantic and near-miss scenarios in turn.
func paraphraseStep(i int, sem, near *int) (scenario, bool) {
	switch {
	case i%4 == 1:
		*sem++
		return semantic[(*sem-1)%len(semantic)], true
	case i%4 == 2, i%8 == 7:
		*near++
		return nearSemantic[(*near-1)%len(nearSemantic)], true
	}
	return scenario{}, false
}
