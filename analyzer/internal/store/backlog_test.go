package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// TestBacklogLifecycle walks one run through every reason it can be due and
// the states in which it is not.
func TestBacklogLifecycle(t *testing.T) {
	s, dsn := openStore(t)
	ctx := context.Background()
	r := storetest.Sample()
	storetest.InsertRun(t, dsn, r)
	now := time.Now()
	b := Backlog{Since: storetest.Epoch.Add(-time.Hour), SettledBefore: now, Version: "v1", StaleBefore: now.Add(-time.Minute),
		RetryBefore: now.Add(-time.Minute), MaxAttempts: 2, Shards: 1}
	due := func(want string) {
		t.Helper()
		got, err := s.Backlog(ctx, b)
		if err != nil {
			t.Fatal(err)
		}
		reason := ""
		if len(got) > 1 {
			t.Fatalf("backlog %v", got)
		}
		if len(got) == 1 {
			reason = got[0].Reason
			if got[0].TraceID != r.TraceID || got[0].Cost != r.TotalCost() {
				t.Errorf("due %+v, want trace %s cost %s", got[0], r.TraceID, r.TotalCost())
			}
		}
		if reason != want {
			t.Errorf("reason %q, want %q", reason, want)
		}
	}
	due("new")

	settled := b.SettledBefore
	b.SettledBefore = storetest.Epoch // the run has not settled yet
	due("")
	b.SettledBefore = settled

	loaded, err := s.LoadRun(ctx, r.TraceID)
	if err != nil {
		t.Fatal(err)
	}
	loaded.Build()
	a := NewAnalysis(r.TraceID, r.Workflow, now)
	a.AnalyzerVersion, a.RunSpans, a.RunEnd = "v1", len(loaded.Spans), loaded.End
	if err := s.SaveAnalysis(ctx, a, StatusAnalyzing); err != nil {
		t.Fatal(err)
	}
	due("") // being analyzed, and fresh
	b.StaleBefore = now.Add(time.Minute)
	due("abandoned")
	b.StaleBefore = now.Add(-time.Minute)
	if err := s.SaveAnalysis(ctx, a, StatusAnalyzed); err != nil {
		t.Fatal(err)
	}
	due("")
	b.Version = "v2"
	due("version")
	b.Version = "v1"

	for i := 0; i < 2; i++ {
		f := NewAnalysis(r.TraceID, r.Workflow, time.Now())
		f.AnalyzerVersion, f.RunSpans, f.RunEnd, f.Error = "v1", len(loaded.Spans), loaded.End, "boom"
		if err := s.SaveAnalysis(ctx, f, StatusFailed); err != nil {
			t.Fatal(err)
		}
		due("") // failed just now
		b.RetryBefore = time.Now().Add(time.Minute)
		if i == 0 {
			due("retry")
		} else {
			due("") // MaxAttempts failures: given up until the run changes
		}
		b.RetryBefore = now.Add(-time.Minute)
	}

	// A span arriving late, ending after the analyzed extent, makes the run due again.
	end := loaded.End.Add(time.Second).UTC().Format("2006-01-02 15:04:05.000000000")
	chtest.Exec(t, fmt.Sprintf("INSERT INTO %s.otel_traces (Timestamp, TraceId, SpanId, SpanName, Duration) VALUES ('%s', '%s', 'ffffffffffffffff', 'late tool', 0)",
		dbOf(dsn), end, r.TraceID))
	due("grown")

	for _, bad := range []Backlog{{Shards: 0}, {Shard: 2, Shards: 2}, {Shard: -1, Shards: 1}} {
		if _, err := s.Backlog(ctx, bad); err == nil {
			t.Errorf("%+v: no error", bad)
		}
	}
}

// TestBacklogShardsPartition checks that shards split runs with none lost
// and none shared.
func TestBacklogShardsPartition(t *testing.T) {
	s, dsn := openStore(t)
	ctx := context.Background()
	const runs = 12
	for i := 0; i < runs; i++ {
		r := storetest.Sample()
		r.TraceID = fmt.Sprintf("%032x", i+1)
		storetest.InsertRun(t, dsn, storetest.Build(r.TraceID, "checkout", []storetest.CallSpec{{Agent: "a", Provider: "openai", Model: "gpt-4o", User: "q", Answer: "a", In: 10 * int64(i+1), Out: 1}}))
	}
	seen := map[string]int{}
	for shard := 0; shard < 3; shard++ {
		got, err := s.Backlog(ctx, Backlog{Since: storetest.Epoch.Add(-time.Hour), SettledBefore: time.Now(), Version: "v1", Shard: shard, Shards: 3})
		if err != nil {
			t.Fatal(err)
		}
		for i, d := range got {
			seen[d.TraceID]++
			if i > 0 && got[i-1].Cost < d.Cost {
				t.Errorf("shard %d: not the most expensive first: %v", shard, got)
			}
		}
	}
	if len(seen) != runs {
		t.Errorf("%d runs seen over 3 shards, want %d", len(seen), runs)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("run %s in %d shards", id, n)
		}
	}
}
