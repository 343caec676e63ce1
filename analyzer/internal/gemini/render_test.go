package gemini

import (
	"strconv"
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
)

func TestRenderMarkers(t *testing.T) {
	r := storetest.Sample()
	r.Build()
	text := Render(r, RenderOptions{})
	for _, want := range []string{
		"RUN trace=" + storetest.SampleTrace, "invoke_workflow checkout", "  invoke_agent researcher", "#4 chat claude-sonnet-4-5",
		"[[B1]] You are the research agent", "[[block B1: first seen in call #1]]", "[[elided ",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("render lacks %q", want)
		}
	}
	if strings.Count(text, "You are the research agent") != 1 {
		t.Error("repeated system prompt written twice")
	}
}

func TestRenderBudget(t *testing.T) {
	r := storetest.Synthetic("0af7651916cd43dd8448eb211c80319c", 200, 2048)
	r.Build()
	for _, budget := range []int{120_000, 50_000} {
		text := Render(r, RenderOptions{BudgetChars: budget})
		if len(text) > budget {
			t.Errorf("budget %d: rendered %d chars", budget, len(text))
		}
		for _, c := range r.Calls {
			if !strings.Contains(text, "\n#"+itoa(c.Number)+" span=") {
				t.Fatalf("budget %d: call #%d missing", budget, c.Number)
			}
		}
	}
	if text := Render(r, RenderOptions{BudgetChars: 50_000}); !strings.Contains(text, "[[content omitted: budget]]") {
		t.Error("tight budget should omit content explicitly")
	}
}

func TestRequestSizeRatio(t *testing.T) {
	for _, n := range []int{100, 1000} {
		r := storetest.Synthetic("0af7651916cd43dd8448eb211c80319c", n, 2048)
		r.Build()
		ratio, err := RequestRatio(r, nil)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d calls: request/naive JSON = %.3f", n, ratio)
		if ratio > 0.35 {
			t.Errorf("%d calls: ratio %.3f > 0.35", n, ratio)
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// BenchmarkRequestRatio reports the Gemini request size over the naive JSON
// dump of the same run (target ≤ 0.35) for runs with 2 KB content per call.
func BenchmarkRequestRatio(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run("calls="+strconv.Itoa(n), func(b *testing.B) {
			r := storetest.Synthetic("0af7651916cd43dd8448eb211c80319c", n, 2048)
			r.Build()
			var ratio float64
			for i := 0; i < b.N; i++ {
				var err error
				if ratio, err = RequestRatio(r, nil); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(ratio, "request/naive")
		})
	}
}
