package run

import (
	"slices"
	"testing"
	"time"
)

func TestBuildDropsWrapperCalls(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name      string
		spans     []*Span
		calls     []*Call
		wantCalls []string
		dropped   []string
	}{
		{
			name:  "sdk span wraps transport span",
			spans: []*Span{{SpanID: "w", Name: "invoke_workflow x", Start: t0}},
			calls: []*Call{
				{SpanID: "sdk", ParentSpanID: "w", Timestamp: t0.Add(time.Millisecond)},
				{SpanID: "http", ParentSpanID: "sdk", Timestamp: t0.Add(2 * time.Millisecond)},
			},
			wantCalls: []string{"http"},
			dropped:   []string{"sdk"},
		},
		{
			name:  "wrapper two levels up",
			spans: []*Span{{SpanID: "mid", ParentSpanID: "sdk", Start: t0}},
			calls: []*Call{
				{SpanID: "sdk", Timestamp: t0},
				{SpanID: "http", ParentSpanID: "mid", Timestamp: t0.Add(time.Millisecond)},
			},
			wantCalls: []string{"http"},
			dropped:   []string{"sdk"},
		},
		{
			name:  "siblings are both calls",
			spans: []*Span{{SpanID: "a", Start: t0}},
			calls: []*Call{
				{SpanID: "c1", ParentSpanID: "a", Timestamp: t0},
				{SpanID: "c2", ParentSpanID: "a", Timestamp: t0.Add(time.Millisecond)},
			},
			wantCalls: []string{"c1", "c2"},
		},
		{
			name:      "parent cycle terminates",
			spans:     []*Span{{SpanID: "x", ParentSpanID: "y"}, {SpanID: "y", ParentSpanID: "x"}},
			calls:     []*Call{{SpanID: "c", ParentSpanID: "x", Timestamp: t0}},
			wantCalls: []string{"c"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &Run{Spans: tt.spans, Calls: tt.calls}
			dropped := (&Run{Spans: tt.spans, Calls: slices.Clone(tt.calls)}).DropWrappers()
			if !slices.Equal(dropped, tt.dropped) {
				t.Errorf("dropped = %v, want %v", dropped, tt.dropped)
			}
			r.Build()
			var got []string
			for i, c := range r.Calls {
				got = append(got, c.SpanID)
				if c.Number != i+1 {
					t.Errorf("call %s numbered %d, want %d", c.SpanID, c.Number, i+1)
				}
			}
			if !slices.Equal(got, tt.wantCalls) {
				t.Errorf("calls = %v, want %v", got, tt.wantCalls)
			}
		})
	}
}
