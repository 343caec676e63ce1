package corpus

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Label is one planted instance of waste: its type and the calls involved
// (for redundant calls and loops the first is the one to keep, for retry
// waste the last is the successful redo).
type Label struct {
	Type  run.Type `json:"type"`
	Calls []int    `json:"calls"`
	// Waste is the planted waste in dollars, when the generator knows it
	// (the held-out corpus does; the frozen first corpus predates it).
	Waste pricing.USD `json:"waste_usd,omitempty"`
	// Semantic marks waste only a semantic judge can see (the same
	// question asked again in other words): offline recall and dollars
	// leave it out, and a finding on it is still a true positive.
	Semantic bool `json:"semantic,omitempty"`
}

// Case is one labeled run. A clean run has no labels.
type Case struct {
	// Name lists the scenarios the run was built from.
	Name   string   `json:"name"`
	Run    *run.Run `json:"-"`
	Labels []Label  `json:"labels"`
}

// Version identifies the generator's output format and scenarios; bump it
// when a change is meant to alter the frozen corpus.
const Version = 2

// DefaultSeed and DefaultRuns produce the frozen corpus in testdata.
const (
	DefaultSeed = 20250601
	DefaultRuns = 60
)

// cleanEvery makes every n-th run clean (near-misses only).
const cleanEvery = 6

// Generate builds n labeled runs from seed, deterministically: the same
// seed and n always give the same runs, byte for byte once encoded. Run i
// plants scenario i mod len(planted) (and a second one on odd runs) and
// adds two near-misses; every sixth run is clean; every tenth run has its
// content dropped (fingerprints only, as with content policy "none") and
// plants only waste visible without content; every fourth run has no
// processor fingerprints (the detectors recompute them). Costs are priced with
// prices (nil: pricing.Default()).
func Generate(seed uint64, n int, prices *pricing.Table) []Case {
	if prices == nil {
		prices = pricing.Default()
	}
	start := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	out := make([]Case, 0, n)
	for i := 0; i < n; i++ {
		g := newGen(seed*1_000_003 + uint64(i))
		b := newBuilder(g, prices, fmt.Sprintf("support-flow-%d", i%7), start.Add(time.Duration(i)*time.Hour))
		b.noFingerprints = i%4 == 2
		contentless := i%10 == 9
		var steps []scenario
		switch {
		case contentless:
			steps = append(steps, fingerprintOnly[i%len(fingerprintOnly)], nearMisses[len(nearMisses)-1])
		case i%cleanEvery != cleanEvery-1:
			steps = append(steps, planted[i%len(planted)])
			if i%2 == 1 {
				steps = append(steps, planted[(i*7+3)%len(planted)])
			}
			fallthrough
		default:
			steps = append(steps, nearMisses[g.r.IntN(len(nearMisses))], nearMisses[g.r.IntN(len(nearMisses))])
		}
		g.r.Shuffle(len(steps), func(a, c int) { steps[a], steps[c] = steps[c], steps[a] })
		c := Case{}
		for k, s := range steps {
			if k > 0 {
				c.Name += "+"
			}
			c.Name += s.name
			c.Labels = append(c.Labels, s.fn(b)...)
		}
		if contentless {
			b.dropContent()
		}
		c.Run = b.finish()
		out = append(out, c)
	}
	return out
}

// fileCase is the serialized form of a Case.
type fileCase struct {
	Name   string  `json:"name"`
	Labels []Label `json:"labels"`
	Run    fileRun `json:"run"`
}

type fileRun struct {
	TraceID  string      `json:"trace_id"`
	Workflow string      `json:"workflow"`
	Service  string      `json:"service"`
	Spans    []fileSpan  `json:"spans"`
	Calls    []*run.Call `json:"calls"`
}

type fileSpan struct {
	SpanID       string        `json:"span_id"`
	ParentSpanID string        `json:"parent_span_id"`
	Name         string        `json:"name"`
	Operation    string        `json:"operation"`
	Service      string        `json:"service"`
	Start        time.Time     `json:"start"`
	Duration     time.Duration `json:"duration"`
	StatusCode   string        `json:"status_code"`
}

type file struct {
	Version int        `json:"version"`
	Cases   []fileCase `json:"cases"`
}

// Encode serializes cases as indented JSON (stable: same cases, same bytes).
func Encode(cases []Case) ([]byte, error) {
	f := file{Version: Version}
	for _, c := range cases {
		fr := fileRun{TraceID: c.Run.TraceID, Workflow: c.Run.Workflow, Service: c.Run.Service, Calls: c.Run.Calls}
		for _, s := range c.Run.Spans {
			if s.Call != nil {
				continue // rebuilt from the call
			}
			fr.Spans = append(fr.Spans, fileSpan{s.SpanID, s.ParentSpanID, s.Name, s.Operation, s.Service, s.Start.UTC(), s.Duration, s.StatusCode})
		}
		f.Cases = append(f.Cases, fileCase{Name: c.Name, Labels: c.Labels, Run: fr})
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", " ")
	if err := enc.Encode(f); err != nil {
		return nil, fmt.Errorf("encode corpus: %w", err)
	}
	return buf.Bytes(), nil
}

// Decode reads cases written by Encode and rebuilds each run's tree.
func Decode(data []byte) ([]Case, error) {
	var f file
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("decode corpus: %w", err)
	}
	if f.Version != Version {
		return nil, fmt.Errorf("decode corpus: version %d, this generator writes %d (regenerate with -update)", f.Version, Version)
	}
	out := make([]Case, 0, len(f.Cases))
	for _, fc := range f.Cases {
		r := &run.Run{TraceID: fc.Run.TraceID, Workflow: fc.Run.Workflow, Service: fc.Run.Service, Calls: fc.Run.Calls}
		for _, s := range fc.Run.Spans {
			r.Spans = append(r.Spans, &run.Span{SpanID: s.SpanID, ParentSpanID: s.ParentSpanID, Name: s.Name,
				Operation: s.Operation, Service: s.Service, Start: s.Start, Duration: s.Duration, StatusCode: s.StatusCode})
		}
		r.Build()
		out = append(out, Case{Name: fc.Name, Run: r, Labels: fc.Labels})
	}
	return out, nil
}
