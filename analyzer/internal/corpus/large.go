package corpus

import (
	"fmt"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Large builds one run of n calls with about contentBytes of prompt
// content each, spread over eight agents and several providers, for
// benchmarks: every 25th call repeats an earlier request (redundant) and
// every 40th is a truncated call redone, so the detectors have work to do.
func Large(seed uint64, n, contentBytes int, prices *pricing.Table) *run.Run {
	if prices == nil {
		prices = pricing.Default()
	}
	g := newGen(seed)
	b := newBuilder(g, prices, "bulk", time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC))
	models := append(append([][2]string{}, expensive...), cheap...)
	var last spec
	for i := 0; i < n; i++ {
		if i > 0 && i%25 == 0 {
			b.add(last)
			continue
		}
		t := g.topic()
		pm := models[i%len(models)]
		doc := g.document(t, max(contentBytes-250, 64))
		s := spec{agent: fmt.Sprintf("agent-%d", i%8), provider: pm[0], model: pm[1],
			system: "You are a helpful analyst. Answer from the reference.",
			input:  []msg{user(doc, g.question(t))}, output: g.answerFrom(t, doc, 2), gap: 100 * time.Millisecond}
		if i%40 == 39 {
			s.finish = "length"
			b.add(s)
			s.finish = ""
			i++
		}
		b.add(s)
		last = s
	}
	return b.finish()
}
