package api

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzRequestParsing feeds arbitrary query strings and bodies to the
// parameter and body readers: they never panic, and every refusal is a 4xx
// API error.
func FuzzRequestParsing(f *testing.F) {
	for _, seed := range [][2]string{
		{"since=24h&until=1h&limit=10&offset=5", `{"mode":"offline"}`},
		{"since=2025-06-01T10:00:00Z&min_cost=0.5", `{"mode":"gemini"}`},
		{"limit=-1&%zz", `{"mode":`},
		{"a=1&a=2", `{} {}`},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, query, body string) {
		r := httptest.NewRequest("POST", "/api/v1/runs", strings.NewReader(body))
		r.URL.RawQuery = query
		r.Header.Set("Content-Type", "application/json")
		check := func(err error) {
			var e *Error
			if err != nil && (!errors.As(err, &e) || e.Status < 400 || e.Status > 499 || e.Message == "") {
				t.Fatalf("query %q body %q: %v is not a 4xx API error", query, body, err)
			}
		}
		q, err := params(r, "since", "until", "limit", "offset", "min_cost")
		check(err)
		if err == nil {
			_, _, err = timeRange(q)
			check(err)
			_, _, err = paging(q)
			check(err)
		}
		var req analyzeRequest
		check(decodeBody(r, &req))
	})
}
