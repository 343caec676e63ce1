package whatif

import (
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

func TestWhatIf(t *testing.T) {
	prices := pricing.Default()
	r := storetest.Sample()
	r.Build()
	mini, err := Model(r, prices, "gpt-4o-mini")
	if err != nil {
		t.Fatal(err)
	}
	// gpt-4o-mini: $0.15/M input, $0.60/M output over 10,940 input and 143 output tokens.
	if mini.Before != r.TotalCost() || mini.After.String() != "0.0017268" || mini.Unchanged != 0 {
		t.Errorf("model: before %s after %s unchanged %d", mini.Before, mini.After, mini.Unchanged)
	}
	batch := Batch(r, prices)
	if batch.After*2 != batch.Before {
		t.Errorf("batch: before %s after %s", batch.Before, batch.After)
	}
	// A stable 1,024-token prefix shared by calls #1 and #3 (gpt-4o, cache read $1.25/M vs $2.50/M).
	cache := Cache(r, prices, []run.Finding{{Type: run.CacheMiss, Calls: []int{1, 3}, RemovableTokens: 1024}})
	if d := cache.Before - cache.After; d != 1024*1_250_000 {
		t.Errorf("cache saves %s, want 0.00128", d)
	}
	if l := cache.Lines[2]; l.CachedTokens != 1024 || l.Note != "" {
		t.Errorf("call #3: %+v", l)
	}
	for _, bad := range []string{"gpt-9-ultra", "text-embedding-3-small"} {
		if _, err := Model(r, prices, bad); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	r.Calls[1].RequestModel, r.Calls[1].ResponseModel = "in-house-llm", ""
	if res, _ := Model(r, prices, "gpt-4o-mini"); res.Unchanged != 1 || res.Lines[1].Before != r.Calls[1].Cost {
		t.Errorf("unknown model: %+v", res.Lines[1])
	}
}
