package kaizenprocessor

import (
	"strings"
	"testing"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"
)

// planted are the secrets placed in the fixtures' content.
var planted = []string{
	"sk-proj-PLANTEDsecret0123456789abcdef", "ops@example.com", "jane.doe@example.org",
	"4111 1111 1111 1111", "415 555 0134", "abcdefghijklmnopqrstuvwxyz012345",
}

var fixtures = []string{"semconv.json", "semconv_legacy.json", "openllmetry.json", "openinference.json", "openlit.json", "vercel_ai.json"}

// TestPlantedSecretsNeverSurvive checks every attribute of every span and
// event, under every policy, with and without the original attributes.
func TestPlantedSecretsNeverSurvive(t *testing.T) {
	for _, policy := range []string{PolicyKeep, PolicyTruncate, PolicyFingerprint, PolicyDrop} {
		for _, keep := range []bool{true, false} {
			for _, fx := range fixtures {
				cfg := createDefaultConfig()
				cfg.Content.Policy = policy
				cfg.Content.TruncateBytes = 64
				cfg.KeepOriginalAttributes = keep
				td := runProcessor(t, cfg, loadFixture(t, fx))
				forEachSpan(td, func(s ptrace.Span) {
					check := func(where string, m pcommon.Map) {
						m.Range(func(k string, v pcommon.Value) bool {
							for _, p := range planted {
								if strings.Contains(v.AsString(), p) {
									t.Errorf("%s/%s/%v: %s %s.%s still holds %q", policy, fx, keep, s.Name(), where, k, p)
								}
							}
							return true
						})
					}
					check("attrs", s.Attributes())
					for i := 0; i < s.Events().Len(); i++ {
						check("event "+s.Events().At(i).Name(), s.Events().At(i).Attributes())
					}
					if _, ok := s.Attributes().Get(AttrContentPolicy); ok && policy != PolicyKeep && policy != PolicyTruncate {
						if _, ok := s.Attributes().Get("gen_ai.input.messages"); ok {
							t.Errorf("%s/%s: content kept under %s", fx, s.Name(), policy)
						}
					}
				})
			}
		}
	}
}

func TestPolicies(t *testing.T) {
	for _, tt := range []struct {
		policy, value string
		content, fp   bool
	}{
		{PolicyKeep, "keep", true, true},
		{PolicyTruncate, "truncate:64", true, true},
		{PolicyFingerprint, "fingerprint", false, true},
		{PolicyDrop, "drop", false, false},
	} {
		cfg := createDefaultConfig()
		cfg.Content.Policy, cfg.Content.TruncateBytes = tt.policy, 64
		a := spansByName(runProcessor(t, cfg, loadFixture(t, "semconv.json")))["chat gpt-4o"].Attributes()
		if v, _ := a.Get(AttrContentPolicy); v.Str() != tt.value {
			t.Errorf("%s: policy attr %q", tt.policy, v.Str())
		}
		in, hasIn := a.Get("gen_ai.input.messages")
		_, hasFP := a.Get(AttrPromptSimHash)
		if hasIn != tt.content || hasFP != tt.fp {
			t.Errorf("%s: content %v fingerprints %v", tt.policy, hasIn, hasFP)
		}
		if tt.policy == PolicyTruncate && (len(in.Str()) > 64+40 || !strings.Contains(in.Str(), "…[truncated ")) {
			t.Errorf("truncate: %q", in.Str())
		}
		if _, ok := a.Get(AttrCostUSD); !ok {
			t.Errorf("%s: cost lost", tt.policy)
		}
	}
}

func TestRedactor(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.Content.Redaction.Custom = []CustomRule{{Name: "emp", Pattern: `EMP-[0-9]{6}`}}
	r, err := cfg.Content.Redaction.build()
	if err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		"mail bob.smith+x@mail.example.co.uk now":                                 "mail [REDACTED:email] now",
		"card 4111-1111-1111-1111.":                                               "card [REDACTED:card].",
		"card 4111111111111112 fails luhn":                                        "card 4111111111111112 fails luhn",
		"call (415) 555-0134 or +44 20 7946 0958":                                 "call [REDACTED:phone] or [REDACTED:phone]",
		"key sk-ant-api03-abcdefghijklmnopqrstuv end":                             "key [REDACTED:api_key] end",
		"aws AKIAIOSFODNN7EXAMPLE":                                                "aws [REDACTED:api_key]",
		"gh ghp_abcdefghijklmnopqrstuvwxyz0123456789":                             "gh [REDACTED:api_key]",
		"google AIzaSyA-abcdefghijklmnopqrstuvwxyz12345":                          "google [REDACTED:api_key]",
		"Authorization: Bearer abc.def-ghi_jkl012345678":                          "Authorization: [REDACTED:api_key]",
		`{"api_key": "hunter2hunter2"}`:                                           `{"api_key": "[REDACTED:api_key]"}`,
		"password=correcthorse&x=1":                                               "password=[REDACTED:api_key]&x=1",
		"jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.sig_123abc":                 "jwt [REDACTED:api_key]",
		"-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY----- ok": "[REDACTED:api_key] ok",
		"employee EMP-123456":                                                     "employee [REDACTED:emp]",
		"dates 2024-05-01, ip 192.168.100.200, n 1234567890, max_tokens: 4096":    "dates 2024-05-01, ip 192.168.100.200, n 1234567890, max_tokens: 4096",
		"not a mail: a@b, @home, x@y.z":                                           "not a mail: a@b, @home, x@y.z",
		// Overlapping matches of two rules are merged: nothing either matched survives.
		"auth:a.b@c.de@@AKIAABCDEFGHIJKLMNOP":         "auth:[REDACTED:api_key]",
		"token=jane@example.org,ops@example.com next": "token=[REDACTED:api_key],[REDACTED:email] next",
		"short 12 34 56 78 9":                         "short 12 34 56 78 9",
	}
	for in, want := range tests {
		var n tally
		got := r.redact(in, rulesGenAI, &n)
		if got != want {
			t.Errorf("redact(%q)\n got %q\nwant %q", in, got, want)
		}
		if (got != in) != (n.n > 0) {
			t.Errorf("redact(%q): count %d", in, n.n)
		}
	}
}

// TestRedactEnumKeys checks that identifier attributes skip the presets but
// not custom rules, and content attributes are always scanned.
func TestRedactEnumKeys(t *testing.T) {
	cfg := createDefaultConfig()
	cfg.Content.Redaction.Custom = []CustomRule{{Name: "org", Pattern: `acme-[a-z]+`}}
	td := ptrace.NewTraces()
	a := td.ResourceSpans().AppendEmpty().ScopeSpans().AppendEmpty().Spans().AppendEmpty().Attributes()
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.request.model", "ft:gpt-4o:acme-labs:x@y.co")
	a.PutStr("gen_ai.input.messages", `[{"role":"user","content":"mail ops@example.com"}]`)
	out := runProcessor(t, cfg, td)
	got := out.ResourceSpans().At(0).ScopeSpans().At(0).Spans().At(0).Attributes()
	if v, _ := got.Get("gen_ai.request.model"); v.Str() != "ft:gpt-4o:[REDACTED:org]:x@y.co" {
		t.Errorf("model = %q: custom rules must run, presets skipped", v.Str())
	}
	if v, _ := got.Get("gen_ai.input.messages"); strings.Contains(v.Str(), "ops@example.com") {
		t.Errorf("content not redacted: %q", v.Str())
	}
}
