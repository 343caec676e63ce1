package fingerprint

import (
	"strings"
	"testing"
)

// Golden values pin the algorithms: any change here breaks comparisons
// with fingerprints already stored, so it must be a deliberate, versioned
// decision. XXH64("") = 0xef46db3751d8e999 is the published test vector.
var golden = []struct {
	in, canonical string
	hash, simhash uint64
}{
	{"", "", 0xef46db3751d8e999, 0x0000000000000000},
	{"Hello   World", "hello world", 0x45ab6734b21e6968, 0x27c3e828b9e67f26},
	{"  Summarize\tthe ARTICLE below.\n\nThanks!  ", "summarize the article below. thanks!", 0xb5f4ebd9503714cd, 0x2fc09484000c2818},
	{"Request 550e8400-e29b-41d4-a716-446655440000 at 2024-05-01T10:20:30.123+02:00 (job 1234567)", "request <uuid> at <ts> (job <num>)", 0xd0660b150a37de10, 0x8d34b3c223d39a2d},
	{"commit deadbeef1234 token AbCdEf1234567890XyZ meeting at 9:30, year 2024", "commit <hex> token <id> meeting at <ts>, year 2024", 0x2af5414a249b45ee, 0x68b80b92cb431282},
	{"Überprüfe DIE Rechnung — naïve café", "überprüfe die rechnung — naïve café", 0x1a08d9d695835b18, 0x36937e03ff3c9812},
	{"bad utf8 \xff\xfe here", "bad utf8 \uFFFD\uFFFD here", 0x50f939305b576081, 0xb497ee9c76003ba5},
}

const (
	goldenSystem   = `[{"type":"text","content":"You are a careful assistant."}]`
	goldenMessages = `[{"role":"user","parts":[{"type":"text","content":"What is the weather in Paris?"}]},{"role":"assistant","parts":[{"type":"tool_call","id":"c1","name":"weather","arguments":{"city":"Paris"}}]},{"role":"tool","parts":[{"type":"tool_call_response","id":"c1","response":"sunny"}]},{"role":"user","parts":[{"type":"text","content":"And tomorrow?"}]}]`
)

func TestGolden(t *testing.T) {
	for _, g := range golden {
		if c := Canonical(g.in); c != g.canonical {
			t.Errorf("Canonical(%q) = %q, want %q", g.in, c, g.canonical)
		}
		if h := Hash(g.in); h != g.hash {
			t.Errorf("Hash(%q) = %#016x, want %#016x", g.in, h, g.hash)
		}
		if h := SimHash(g.in); h != g.simhash {
			t.Errorf("SimHash(%q) = %#016x, want %#016x", g.in, h, g.simhash)
		}
	}
	set, err := FromAttributes(goldenSystem, goldenMessages)
	want := Set{Prompt: 0x5828e3447586dd37, SimHash: 0xd62aae88020245ab, System: 0xa429bba970dcf342, Prefix: 0xe90b416fa45c5ac6, PrefixBytes: 109}
	if err != nil || set != want {
		t.Errorf("FromAttributes = %#v, %v; want %#v", set, err, want)
	}
}

func TestCanonicalRules(t *testing.T) {
	tests := map[string]string{
		"id 12345 vs 1234":                           "id <num> vs 1234",
		"sha abcdef12 and abcdefgh":                  "sha <hex> and abcdefgh",
		"2024-05-01 and 2024-05-01 10:20Z":           "<ts> and <ts>",
		"uuid 550E8400-E29B-41D4-A716-446655440000x": "uuid <hex>-e29b-41d4-a716-446655440000x",
		"tab\u00a0nbsp\u2003em":                      "tab nbsp em",
	}
	for in, want := range tests {
		if got := Canonical(in); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFingerprintSet(t *testing.T) {
	a, _ := FromAttributes(goldenSystem, goldenMessages)
	// Same conversation with a different last question: same prefix and
	// system, different prompt hash.
	b, _ := FromAttributes(goldenSystem, strings.Replace(goldenMessages, "And tomorrow?", "And next week?", 1))
	if a.Prefix != b.Prefix || a.System != b.System || a.Prompt == b.Prompt {
		t.Errorf("prefix/system should match, prompt differ: %#v %#v", a, b)
	}
	// Re-spaced, re-cased copy: same exact hash; byte-different prefix.
	c, _ := FromAttributes(strings.Replace(goldenSystem, "You are a careful", "YOU   are a careful", 1), goldenMessages)
	if c.Prompt != a.Prompt || c.System != a.System || c.Prefix == a.Prefix {
		t.Errorf("canonical hashes should match, raw prefix differ: %#v %#v", a, c)
	}
	// System given as a leading message in the older shape.
	d, err := FromAttributes("", `[{"role":"system","content":"You are a careful assistant."},{"role":"user","content":"hi"}]`)
	if err != nil || d.System != a.System {
		t.Errorf("leading system message not used: %#v %v", d, err)
	}
	// Non-JSON input is fingerprinted as text and reported.
	e, err := FromAttributes("", "plain prompt text")
	if err == nil || e.Prompt == 0 {
		t.Errorf("plain text: %#v %v", e, err)
	}
	if z, err := FromAttributes("", ""); z != (Set{}) || err != nil {
		t.Errorf("empty: %#v %v", z, err)
	}
}

func TestHex(t *testing.T) {
	for _, v := range []uint64{0, 1, 0xdeadbeef, ^uint64(0)} {
		s := FormatHex(v)
		back, err := ParseHex(s)
		if len(s) != 16 || err != nil || back != v {
			t.Errorf("%d -> %q -> %d %v", v, s, back, err)
		}
	}
	if _, err := ParseHex("xyz"); err == nil {
		t.Error("bad hex accepted")
	}
}
