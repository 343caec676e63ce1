package fingerprint

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/corpus.json from the current implementation")

// corpusPieces are fragments exercising every normalization rule and the
// JSON shapes; corpusInput glues them at random.
var corpusPieces = []string{
	"Hello", "WORLD", "summarize", "the", "ARTICLE", "below.", "Thanks!", "  ", "\t", "\n\n", "\u00a0", "\u2003",
	"550e8400-e29b-41d4-a716-446655440000", "550E8400-E29B-41D4-A716-446655440000x", "deadbeef-1234",
	"2024-05-01", "2024-05-01T10:20:30.123+02:00", "2024-05-01 10:20Z", "9:30", "10:20:30.5", "12:3",
	"1234", "12345", "1234567890123", "deadbeef1234", "abcdefgh", "AbCdEf1234567890XyZ", "a1b2c3d4e5f6g7h8i9",
	"Überprüfe", "naïve", "café", "—", "ΣΊΣΥΦΟΣ", "İstanbul", "\xff", "\xfe\xfd", "<num>", "<", ">", "x<y>z",
	"(555)", "+1", "foo_bar", "a-b-c", "e.g.", "\"quoted\"", "{json}", "[1,2]", "emoji😀", "\r\n", "ǅ", "Kelvin\u212a",
}

func corpusInput(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(40); n >= 0; n-- {
		b.WriteString(corpusPieces[r.IntN(len(corpusPieces))])
		if r.IntN(3) > 0 {
			b.WriteString([]string{" ", "", ", ", ". ", "\n"}[r.IntN(5)])
		}
	}
	return b.String()
}

// corpusMessages renders a message array in one of the accepted shapes.
func corpusMessages(r *rand.Rand) string {
	roles := []string{"system", "user", "assistant", "tool", "developer", "User"}
	var msgs []any
	for n := r.IntN(5); n >= 0; n-- {
		role, text := roles[r.IntN(len(roles))], corpusInput(r)
		switch r.IntN(4) {
		case 0:
			msgs = append(msgs, map[string]any{"role": role, "content": text})
		case 1:
			msgs = append(msgs, map[string]any{"role": role, "parts": []any{map[string]any{"type": "text", "content": text}, map[string]any{"type": "tool_call", "name": "f", "arguments": map[string]any{"q": text}}}})
		case 2:
			msgs = append(msgs, map[string]any{"role": role, "content": []any{map[string]any{"type": "text", "text": text}}})
		default:
			msgs = append(msgs, text)
		}
	}
	out, _ := json.Marshal(msgs)
	return string(out)
}

type corpusEntry struct {
	Canonical uint64 `json:"canonical"` // HashRaw(Canonical(in))
	SimHash   uint64 `json:"simhash"`
	Set       Set    `json:"set"`
}

func corpusEntries() []corpusEntry {
	r := rand.New(rand.NewPCG(2025, 11))
	out := make([]corpusEntry, 0, 600)
	for i := 0; i < 600; i++ {
		in := corpusInput(r)
		sys := ""
		if r.IntN(2) == 0 {
			sys = fmt.Sprintf(`[{"type":"text","content":%q}]`, corpusInput(r))
		}
		set, _ := FromAttributes(sys, corpusMessages(r))
		out = append(out, corpusEntry{Canonical: HashRaw(Canonical(in)), SimHash: SimHash(in), Set: set})
	}
	return out
}

// TestCorpus pins Canonical, SimHash and FromAttributes on 600 generated
// inputs (every rule, Unicode, invalid UTF-8, every message shape): any
// change of output is a change of stored fingerprints.
func TestCorpus(t *testing.T) {
	got := corpusEntries()
	const path = "testdata/corpus.json"
	if *updateCorpus {
		data, _ := json.Marshal(got)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	var want []corpusEntry
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
	if len(want) != len(got) {
		t.Fatalf("corpus has %d entries, generated %d", len(want), len(got))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d: got %+v, want %+v", i, got[i], want[i])
		}
	}
}
