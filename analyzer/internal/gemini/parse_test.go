package gemini

import (
	"strings"
	"testing"
)

func TestParseFindings(t *testing.T) {
	for _, tc := range []struct {
		in      string
		n       int
		errPart string
	}{
		{`{"findings": []}`, 0, ""},
		{"```json\n{\"findings\": [{\"type\": \"loop\", \"calls\": [2, 3], \"confidence\": -1}]}\n```", 1, ""},
		{`{"findings": null}`, 0, `no "findings" array`},
		{`[]`, 0, "decode"},
		{``, 0, "decode"},
		{`{"findings": [{"calls": "one"}]}`, 0, "decode"},
	} {
		got, err := parseFindings(tc.in)
		if tc.errPart != "" {
			if err == nil || !strings.Contains(err.Error(), tc.errPart) {
				t.Errorf("%q: error %v, want %q", tc.in, err, tc.errPart)
			}
			continue
		}
		if err != nil || len(got) != tc.n {
			t.Errorf("%q: %v %v", tc.in, got, err)
		}
		for _, f := range got {
			if f.Confidence < 0 || f.Confidence > 1 {
				t.Errorf("%q: confidence %v", tc.in, f.Confidence)
			}
		}
	}
}

func FuzzParseFindings(f *testing.F) {
	f.Add(validAnswer)
	f.Add(`{"findings": [{"type": "loop", "calls": [1e9], "confidence": 1e308}]}`)
	f.Add("```json\n{}\n```")
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseFindings(s)
		if err != nil && got != nil {
			t.Fatalf("findings with error: %v", err)
		}
		for _, f := range got {
			if f.Confidence < 0 || f.Confidence > 1 || f.Savings != 0 {
				t.Fatalf("bad finding %+v", f)
			}
		}
	})
}
