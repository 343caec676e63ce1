package store

import (
	"context"
	"reflect"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// TestHostileTokenCounts stores counts a buggy or hostile instrumentation
// could write (a wrapped -1, 2^63, just above MaxTokens) next to normal
// ones: each bad count reads as 0 and is flagged, totals never wrap.
func TestHostileTokenCounts(t *testing.T) {
	const trace = "0123456789abcdef0123456789abcdef"
	tests := []struct {
		span    string
		in, out string // UInt64 literals
		wantIn  int64
		wantOut int64
		bad     []string
	}{
		{"s1", "100", "20", 100, 20, nil},
		{"s2", "18446744073709551615", "5", 0, 5, []string{"InputTokens"}},
		{"s3", "9223372036854775808", "9223372036854775808", 0, 0, []string{"InputTokens", "OutputTokens"}},
		{"s4", "1000000000000", "1000000000001", run.MaxTokens, 0, []string{"OutputTokens"}},
	}
	s, dsn := openStore(t)
	db := dbOf(dsn)
	for i, tt := range tests {
		chtest.Exec(t, "INSERT INTO "+db+".llm_calls (Timestamp, TraceId, SpanId, Workflow, RequestModel, InputTokens, OutputTokens, CacheReadTokens) VALUES "+
			"(toDateTime64('2025-06-01 10:00:0"+string(rune('0'+i))+"', 9), '"+trace+"', '"+tt.span+"', 'wf', 'gpt-4o', "+tt.in+", "+tt.out+", 0)")
	}
	ctx := context.Background()
	r, err := s.LoadRun(ctx, trace)
	if err != nil {
		t.Fatal(err)
	}
	for i, tt := range tests {
		c := r.Calls[i]
		if c.SpanID != tt.span || c.Usage.InputTokens != tt.wantIn || c.Usage.OutputTokens != tt.wantOut || !reflect.DeepEqual(c.BadTokenCounts, tt.bad) {
			t.Errorf("call %s: in %d out %d bad %v, want %d %d %v", c.SpanID, c.Usage.InputTokens, c.Usage.OutputTokens, c.BadTokenCounts, tt.wantIn, tt.wantOut, tt.bad)
		}
	}
	if got := r.BadTokenCounts(); got != 4 {
		t.Errorf("run bad counts = %d, want 4", got)
	}
	runs, err := s.ListRuns(ctx, Filter{Since: storetest.Epoch.Add(-1)})
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 1 || runs[0].Tokens != 100+20+5+run.MaxTokens || runs[0].BadTokenCounts != 4 {
		t.Errorf("run summary: %+v, want tokens %d and 4 bad counts", runs, 125+run.MaxTokens)
	}
}
