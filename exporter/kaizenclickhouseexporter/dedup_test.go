package kaizenclickhouseexporter

import (
	"context"
	"fmt"
	"testing"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// TestRetryDoesNotDuplicate pushes the same batch three times, as the
// retry sender and a persistent queue replay do after an unacknowledged
// success: each table keeps one copy of each row. The spans are fresh, so
// the token alone is tested (the replay filter checks only older spans).
func TestRetryDoesNotDuplicate(t *testing.T) {
	for _, async := range []bool{false, true} {
		t.Run(fmt.Sprintf("async_insert=%t", async), func(t *testing.T) {
			db := chtest.NewDatabase(t)
			cfg := testConfig(db)
			cfg.AsyncInsert = async
			exp := startExporter(t, cfg, nopSettings())
			td := freshen(workflowTraces())
			for i := range 3 {
				if err := exp.ConsumeTraces(context.Background(), td); err != nil {
					t.Fatalf("push %d: %v", i, err)
				}
			}
			assertCount(t, db, "otel_traces", 8)
			assertCount(t, db, "llm_calls", 4)

			// A different batch is not mistaken for a repeat.
			other := freshen(workflowTraces())
			other.ResourceSpans().At(1).ScopeSpans().At(0).Spans().At(0).SetSpanID(spanID(99))
			if err := exp.ConsumeTraces(context.Background(), other); err != nil {
				t.Fatalf("push other: %v", err)
			}
			assertCount(t, db, "otel_traces", 16)
			assertCount(t, db, "llm_calls", 8)
		})
	}
}

func assertCount(t *testing.T, db, table string, want int) {
	t.Helper()
	got := chtest.Scalar(t, fmt.Sprintf("SELECT count() FROM %s.%s", db, table))
	if got != fmt.Sprint(want) {
		t.Errorf("%s: %s rows, want %d", table, got, want)
	}
}
