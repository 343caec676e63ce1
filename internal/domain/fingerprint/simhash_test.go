package fingerprint

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// vocabulary for synthetic prompts.
var vocab = strings.Fields(`the a an of to in for on with as by at from about into over after before under between
customer order invoice refund shipment delivery account password email address phone product price discount
summarize translate explain classify extract write review plan search compare recommend answer analyze report
document article email ticket request response message conversation agent tool function result error warning
please carefully briefly clearly politely accurately quickly always never only also then first next finally
user assistant system context instructions example output format json table list bullet paragraph sentence word
data model prompt token cost budget latency quality score metric trace span call batch cache memory database
france paris germany berlin japan tokyo weather today tomorrow yesterday morning evening week month year
happy sad angry neutral positive negative urgent important optional required valid invalid complete partial`)

func randomPrompt(r *rand.Rand, words int) string {
	out := make([]string, words)
	for i := range out {
		out[i] = vocab[r.IntN(len(vocab))]
	}
	return strings.Join(out, " ")
}

// variant rewords a prompt the way repeated agent calls differ: changed
// spacing and case, different ids and timestamps, and a few words replaced.
func variant(r *rand.Rand, p string, edits int) string {
	ws := strings.Fields(p)
	for i := 0; i < edits; i++ {
		ws[r.IntN(len(ws))] = vocab[r.IntN(len(vocab))]
	}
	s := strings.Join(ws, "  \n ")
	s = strings.ToUpper(s[:1]) + s[1:]
	return fmt.Sprintf("%s request %08x-1234-4abc-8def-%012x at 2025-%02d-10T10:%02d:00Z", s, r.Uint32(), r.Uint64()&0xffffffffffff, 1+r.IntN(12), r.IntN(60))
}

func TestNearDuplicates(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	const n = 2000
	misses := 0
	for i := 0; i < n; i++ {
		p := randomPrompt(r, 60+r.IntN(200))
		a := variant(r, p, 0)
		b := variant(r, p, len(strings.Fields(p))/40) // ~2.5% of words reworded
		if Hash(a) != Hash(variant(r, p, 0)) {
			t.Fatalf("exact hash differs for re-spaced/re-numbered copies:\n%s\n%s", Canonical(a), Canonical(variant(r, p, 0)))
		}
		if !NearDuplicate(SimHash(a), SimHash(b)) {
			misses++
		}
	}
	rate := float64(misses) / n
	t.Logf("near-duplicate recall: %.4f (%d/%d missed)", 1-rate, misses, n)
	if rate > 0.01 {
		t.Errorf("%.2f%% of near-duplicates beyond threshold %d", 100*rate, NearDuplicateThreshold)
	}
}

// TestFalsePositiveRate measures how often two unrelated prompts (same
// vocabulary, so they share many words) fall within the threshold.
func TestFalsePositiveRate(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	const pairs = 10000
	fp := 0
	hist := map[int]int{}
	for i := 0; i < pairs; i++ {
		a := SimHash(randomPrompt(r, 20+r.IntN(300)))
		b := SimHash(randomPrompt(r, 20+r.IntN(300)))
		d := Hamming(a, b)
		hist[d/4*4]++
		if d <= NearDuplicateThreshold {
			fp++
		}
	}
	rate := float64(fp) / pairs
	t.Logf("false-positive rate on %d random pairs at threshold %d: %.4f%% (%d pairs); distance histogram %v", pairs, NearDuplicateThreshold, 100*rate, fp, hist)
	if rate > 0.001 {
		t.Errorf("false-positive rate %.4f > 0.1%%", rate)
	}
}

func TestHamming(t *testing.T) {
	if Hamming(0, ^uint64(0)) != 64 || Hamming(0b1010, 0b0110) != 2 || Hamming(5, 5) != 0 {
		t.Fatal("hamming")
	}
}
