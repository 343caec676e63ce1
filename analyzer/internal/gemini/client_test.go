package gemini

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/gemini/geminitest"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
)

func newClient(t *testing.T, srv *geminitest.Server, opts ...Option) *Client {
	t.Helper()
	opts = append([]Option{WithAPIKey("test-key"), WithBaseURL(srv.URL), WithRetry(3, 10*time.Millisecond, 2*time.Second),
		WithTimeout(5 * time.Second)}, opts...)
	c, err := New(context.Background(), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

var validAnswer = geminitest.Findings(
	map[string]any{"type": "redundant_call", "calls": []int{1, 3}, "severity": "high", "confidence": 0.9,
		"title": "Calls #1 and #3 ask the same thing", "explanation": "identical question", "recommendation": "cache #1",
		"claimed_savings_usd": 999.0},
	map[string]any{"type": "model_overkill", "calls": []int{2}, "severity": "MEDIUM", "confidence": 1.7,
		"title": "gpt-4o translates one word", "explanation": "trivial", "recommendation": "use gpt-4o-mini",
		"suggested_model": "gpt-4o-mini"},
	map[string]any{"type": "not_a_type", "calls": []int{42}, "severity": "low", "confidence": 0.2,
		"title": "bogus", "explanation": "x", "recommendation": "y"},
)

func TestAnalyzeRequestAndFindings(t *testing.T) {
	srv := geminitest.New(t, geminitest.Reply{Text: validAnswer, PromptTokens: 10_000, OutputTokens: 500})
	c := newClient(t, srv)
	r := storetest.Sample()
	r.Build()
	hints := []run.Finding{{Type: run.Redundant, Calls: []int{1, 3}, Confidence: 1, Title: "exact duplicate prompt"}}
	res, err := c.Analyze(context.Background(), r, hints)
	if err != nil {
		t.Fatal(err)
	}
	reqs := srv.Requests()
	if len(reqs) != 1 || !strings.HasSuffix(reqs[0].Path, "/models/gemini-2.5-pro:generateContent") || reqs[0].APIKey != "test-key" {
		t.Fatalf("requests: %+v", reqs)
	}
	body := reqs[0].Body
	sys := fmt.Sprint(body["systemInstruction"])
	for _, ty := range run.Types {
		if !strings.Contains(sys, string(ty)) {
			t.Errorf("system instruction lacks %s", ty)
		}
	}
	gc, _ := body["generationConfig"].(map[string]any)
	if gc["responseMimeType"] != "application/json" {
		t.Errorf("generationConfig: %v", gc)
	}
	schema := fmt.Sprint(gc["responseSchema"])
	for _, want := range []string{"findings", "removable_tokens", "suggested_model", "claimed_savings_usd", "cache_opportunity"} {
		if !strings.Contains(schema, want) {
			t.Errorf("response schema lacks %s: %s", want, schema)
		}
	}
	user := fmt.Sprint(body["contents"])
	for _, c := range r.Calls {
		if !strings.Contains(user, fmt.Sprintf("#%d span=%s", c.Number, c.SpanID)) {
			t.Errorf("request lacks call #%d", c.Number)
		}
	}
	if !strings.Contains(user, "H1 redundant_call calls=#1,#3") || !strings.Contains(user, "[[block B") {
		t.Errorf("request lacks hints or block references:\n%s", user)
	}
	if len(res.Findings) != 3 || res.Attempts != 1 {
		t.Fatalf("result: %+v", res)
	}
	f := res.Findings[1]
	if f.Source != run.SourceGemini || f.Severity != run.Medium || f.Confidence != 1 || f.SuggestedModel != "gpt-4o-mini" {
		t.Errorf("finding: %+v", f)
	}
	for _, f := range res.Findings {
		if f.Savings != 0 {
			t.Errorf("claimed savings leaked into %+v", f)
		}
	}
	if res.Findings[2].Type != "not_a_type" || res.Findings[2].Calls[0] != 42 {
		t.Errorf("unknown type/call must reach the verifier unchanged: %+v", res.Findings[2])
	}
	// 10,000 input tokens at $1.25/M + 500 output at $10/M.
	if res.InputTokens != 10_000 || res.OutputTokens != 500 || res.Cost.String() != "0.0175" {
		t.Errorf("usage: in %d out %d cost %s", res.InputTokens, res.OutputTokens, res.Cost)
	}
}

func TestAnalyzeFailures(t *testing.T) {
	retryAfter := http.Header{"Retry-After": []string{"1"}}
	for _, tc := range []struct {
		name     string
		replies  []geminitest.Reply
		timeout  time.Duration
		attempts int
		errPart  string
		minTime  time.Duration
	}{
		{name: "malformed JSON", replies: []geminitest.Reply{{Text: `{"findings": [ {"type": `}}, attempts: 1, errPart: "decode Gemini findings JSON"},
		{name: "no findings array", replies: []geminitest.Reply{{Text: `{"items": []}`}}, attempts: 1, errPart: `no "findings" array`},
		{name: "429 then success", replies: []geminitest.Reply{{Status: 429, Header: retryAfter, Text: "quota"}, {Text: validAnswer}},
			attempts: 2, minTime: 900 * time.Millisecond},
		{name: "repeated 500s", replies: []geminitest.Reply{{Status: 500, Text: "backend down"}}, attempts: 3, errPart: "HTTP 500"},
		{name: "400 is not retried", replies: []geminitest.Reply{{Status: 400, Text: "bad schema"}}, attempts: 1, errPart: "HTTP 400"},
		{name: "hang", replies: []geminitest.Reply{{Hang: true}}, timeout: 300 * time.Millisecond, attempts: 1, errPart: "did not answer within 300ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := geminitest.New(t, tc.replies...)
			var opts []Option
			if tc.timeout > 0 {
				opts = append(opts, WithTimeout(tc.timeout))
			}
			c := newClient(t, srv, opts...)
			r := storetest.Sample()
			r.Build()
			start := time.Now()
			res, err := c.Analyze(context.Background(), r, nil)
			if tc.errPart == "" && err != nil || tc.errPart != "" && (err == nil || !strings.Contains(err.Error(), tc.errPart)) {
				t.Fatalf("error %v, want %q", err, tc.errPart)
			}
			if res == nil || res.Attempts != tc.attempts || len(srv.Requests()) != tc.attempts {
				t.Errorf("attempts %d (server saw %d), want %d", res.Attempts, len(srv.Requests()), tc.attempts)
			}
			if el := time.Since(start); el < tc.minTime {
				t.Errorf("took %s, Retry-After asks %s", el, tc.minTime)
			}
		})
	}
}

// TestAttemptsPerAnalysis runs analyses concurrently on one client, each
// failing a different number of times before Gemini answers: every result
// reports its own HTTP requests, not those of the other analyses. A second
// round on the same client reports one attempt each.
func TestAttemptsPerAnalysis(t *testing.T) {
	const analyses = 6
	marker := func(i int) string { return fmt.Sprintf("[analysis %02d]", i) }
	failures := func(i int) int { return i % 3 } // 0..2 retries; newClient allows 3 attempts
	seen := map[int]int{}                        // analysis → requests received (the server serializes calls)
	srv := geminitest.NewFunc(t, func(req geminitest.Request, _ int) geminitest.Reply {
		for i := range analyses {
			if strings.Contains(string(req.Raw), marker(i)) {
				seen[i]++
				if seen[i] <= failures(i) {
					return geminitest.Reply{Status: http.StatusServiceUnavailable, Text: "overloaded", Delay: 20 * time.Millisecond}
				}
				// Answers are slow so that the analyses overlap.
				return geminitest.Reply{Text: validAnswer, Delay: 150 * time.Millisecond}
			}
		}
		return geminitest.Reply{Status: http.StatusBadRequest, Text: "request without analysis marker"}
	})
	c := newClient(t, srv)
	analyze := func(i int) (*Result, error) {
		r := storetest.Sample()
		r.Build()
		return c.Analyze(context.Background(), r, []run.Finding{{Type: run.Loop, Calls: []int{1}, Title: marker(i)}})
	}
	for round, want := range []func(i int) int{
		func(i int) int { return failures(i) + 1 },
		func(int) int { return 1 },
	} {
		got := make([]int, analyses)
		errs := make([]error, analyses)
		var wg sync.WaitGroup
		for i := range analyses {
			wg.Go(func() {
				res, err := analyze(i)
				got[i], errs[i] = res.Attempts, err
			})
		}
		wg.Wait()
		for i := range analyses {
			if errs[i] != nil || got[i] != want(i) {
				t.Errorf("round %d analysis %d: %d attempt(s), error %v; want %d attempt(s)", round+1, i, got[i], errs[i], want(i))
			}
		}
	}
	total := 0
	for i := range analyses {
		total += failures(i) + 2
	}
	if n := len(srv.Requests()); n != total {
		t.Errorf("server saw %d requests, want %d", n, total)
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false}, {"3", 3 * time.Second, true}, {"0.5", 500 * time.Millisecond, true}, {"-1", 0, false},
		{"Wed, 01 Jan 2025 00:00:10 GMT", 10 * time.Second, true}, {"Tue, 31 Dec 2024 00:00:00 GMT", 0, true}, {"soon", 0, false},
	} {
		if got, ok := retryAfter(tc.in, now); got != tc.want || ok != tc.ok {
			t.Errorf("%q: %s %v", tc.in, got, ok)
		}
	}
}
