package pricing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/internal/domain/pricing/internal/genaidata"
)

// refCase is one (provider, model, usage, time) priced by both sides.
type refCase struct {
	Provider  string           `json:"provider"`
	Model     string           `json:"model"`
	Usage     map[string]int64 `json:"usage"`
	Timestamp time.Time        `json:"timestamp"`
	kind      string
	u         Usage
}

type refResult struct {
	Model    string  `json:"model"`
	Provider string  `json:"provider"`
	Input    float64 `json:"input"`
	Output   float64 `json:"output"`
	Total    float64 `json:"total"`
	Error    string  `json:"error"`
}

// refNow is the time of cases without a start-dated change to straddle.
var refNow = time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)

// TestMatchesReferenceCalculator prices thousands of cases — every model
// of genai-prices' data, every token class Kaizen bills (input, cache
// reads, 5-minute and 1-hour cache writes, output, reasoning), both sides
// of every tier threshold and of every start-dated or time-of-day price
// change — with Kaizen and with genai-prices' own calcPrice under node,
// from the same data, and requires the same model and the same cost to
// the last pico-dollar Kaizen keeps (calcPrice computes in float64).
func TestMatchesReferenceCalculator(t *testing.T) {
	node := requireNode(t)
	var f genaiFile
	if err := json.Unmarshal(genaiPricesData, &f); err != nil {
		t.Fatal(err)
	}
	table, err := ParseGenAI(genaiPricesData, "embedded genaiprices.json", "")
	if err != nil {
		t.Fatal(err)
	}
	cases := referenceCases(t, f)
	ref := runReference(t, node, cases)

	providers, models, kinds := map[string]bool{}, map[string]bool{}, map[string]int{}
	var mismatches []string
	ownID := 0
	for i, c := range cases {
		r := ref[i]
		providers[c.Provider], models[c.Provider+"/"+c.Model] = true, true
		kinds[c.kind]++
		got := table.Price(c.Provider, c.Model, c.u)
		switch {
		case r.Error == "no price" && got.Status != StatusUnpriced && got.Model.Name == c.Model:
			// Kaizen rule: a model's own id always resolves to it, also where
			// genai-prices' match rules do not cover the id (e.g. Bedrock's
			// regional.* ids); calcPrice then prices nothing.
			ownID++
			continue
		case r.Error != "" || got.Status == StatusUnpriced:
			if r.Error == "" || got.Status != StatusUnpriced {
				resolved := "-"
				if got.Model != nil {
					resolved = got.Model.ID()
				}
				mismatches = append(mismatches, fmt.Sprintf("%s %s/%s %v: Kaizen %s as %s (%s), calcPrice %s", c.kind, c.Provider, c.Model,
					c.Usage, got.Status, resolved, got.Reason, orDefault(r.Error, fmt.Sprint(r.Total))))
			}
			continue
		case got.Model.Provider != r.Provider || got.Model.Name != r.Model:
			mismatches = append(mismatches, fmt.Sprintf("%s %s/%s: Kaizen resolves %s, calcPrice %s/%s", c.kind, c.Provider, c.Model,
				got.Model.ID(), r.Provider, r.Model))
			continue
		}
		for _, part := range []struct {
			name string
			got  USD
			want float64
		}{{"total", got.Total, r.Total}, {"input", got.Input, r.Input}, {"output", got.Output + got.Fees, r.Output + (r.Total - r.Input - r.Output)}} {
			if !sameAmount(part.got, part.want, got.Model, c.u) {
				mismatches = append(mismatches, fmt.Sprintf("%s %s/%s %v at %s: %s Kaizen %s, calcPrice %.15g", c.kind, c.Provider, c.Model,
					c.Usage, c.Timestamp.Format(time.RFC3339), part.name, part.got, part.want))
				break
			}
		}
	}
	var kindList []string
	for k, n := range kinds {
		kindList = append(kindList, fmt.Sprintf("%s %d", k, n))
	}
	sort.Strings(kindList)
	t.Logf("%d cases, %d models, %d providers (%s); %d priced by Kaizen's own-id rule only; %d differ", len(cases), len(models), len(providers),
		strings.Join(kindList, ", "), ownID, len(mismatches))
	if len(cases) < 5000 || len(providers) < 40 {
		t.Errorf("only %d cases over %d providers", len(cases), len(providers))
	}
	for i, m := range mismatches {
		if i == 30 {
			t.Errorf("… and %d more", len(mismatches)-30)
			break
		}
		t.Error(m)
	}
}

// sameAmount: calcPrice sums float64s, Kaizen exact pico-dollars; allow
// float64's own error, and for a model with a rate finer than a
// pico-dollar a token (Kaizen rule: such a rate is rounded to the
// pico-dollar, the model flagged inexact) half a pico-dollar a token.
func sameAmount(got USD, want float64, m *Model, u Usage) bool {
	tol := 6e-12 + math.Abs(want)*1e-13
	if m.inexact {
		tol += 0.5e-12 * float64(u.InputTokens+u.OutputTokens+u.CacheWriteTokens+u.CacheReadTokens)
	}
	return math.Abs(got.Float64()-want) <= tol
}

func orDefault(s, def string) string {
	if s != "" {
		return s
	}
	return def
}

// referenceCases builds the cases, deterministically.
func referenceCases(t *testing.T, f genaiFile) []refCase {
	t.Helper()
	rng := rand.New(rand.NewPCG(2026, 12))
	var cases []refCase
	for _, p := range f.Providers {
		for _, m := range p.Models {
			prices, dates, windows, tiers := modelFacts(t, m)
			add := func(kind string, u Usage, at time.Time) {
				u.Time = at
				usage := map[string]int64{"input_tokens": u.InputTokens, "output_tokens": u.OutputTokens}
				if u.CacheReadTokens > 0 {
					usage["cache_read_tokens"] = u.CacheReadTokens
				}
				if u.CacheWriteTokens > 0 {
					usage["cache_write_tokens"] = u.CacheWriteTokens
				}
				if u.CacheWrite1hTokens > 0 {
					usage["cache_write_1h_tokens"] = u.CacheWrite1hTokens
				}
				if u.ReasoningTokens > 0 {
					usage["output_reasoning_tokens"] = u.ReasoningTokens
				}
				cases = append(cases, refCase{Provider: p.ID, Model: m.ID, Usage: usage, Timestamp: at, kind: kind, u: u})
			}
			in, out := 1+rng.Int64N(60_000), 1+rng.Int64N(6_000)
			add("plain", Usage{InputTokens: in, OutputTokens: out}, refNow)
			add("plain", Usage{InputTokens: 1 + rng.Int64N(900), OutputTokens: 1 + rng.Int64N(90)}, refNow)
			add("plain", Usage{InputTokens: 100_000 + rng.Int64N(900_000), OutputTokens: rng.Int64N(60_000)}, refNow)
			if prices["cache_read_mtok"] || prices["cache_write_mtok"] {
				read, write := in/3, in/5
				u := Usage{InputTokens: in, OutputTokens: out, CacheReadTokens: read, CacheWriteTokens: write}
				if prices["cache_write_1h_mtok"] {
					u.CacheWrite1hTokens = write / 2
				}
				add("cache", u, refNow)
			}
			if prices["output_reasoning_mtok"] || rng.IntN(4) == 0 {
				add("reasoning", Usage{InputTokens: in, OutputTokens: out + 800, ReasoningTokens: 800}, refNow)
			}
			for _, start := range tiers {
				for _, total := range []int64{start, start + 1} {
					add("tier", Usage{InputTokens: total, OutputTokens: out, CacheReadTokens: total / 4}, refNow)
				}
			}
			for _, d := range dates {
				add("start_date", Usage{InputTokens: in, OutputTokens: out}, d.Add(-time.Second))
				add("start_date", Usage{InputTokens: in, OutputTokens: out}, d.Add(time.Hour))
			}
			for _, w := range windows {
				add("time_of_day", Usage{InputTokens: in, OutputTokens: out}, w)
			}
		}
	}
	return cases
}

// modelFacts lists which price keys a model has, its start dates, instants
// inside and outside its time-of-day windows, and its tier starts.
func modelFacts(t *testing.T, m genaiModel) (keys map[string]bool, dates, windows []time.Time, tiers []int64) {
	t.Helper()
	keys = map[string]bool{}
	var variants []genaiConditional
	if bytes.HasPrefix(bytes.TrimSpace(m.Prices), []byte("[")) {
		if err := json.Unmarshal(m.Prices, &variants); err != nil {
			t.Fatalf("%s: %v", m.ID, err)
		}
	} else {
		variants = []genaiConditional{{Prices: m.Prices}}
	}
	seenTier := map[int64]bool{}
	for _, v := range variants {
		var p map[string]json.RawMessage
		if err := json.Unmarshal(v.Prices, &p); err != nil {
			t.Fatalf("%s: %v", m.ID, err)
		}
		for k, raw := range p {
			keys[k] = true
			var tiered struct {
				Tiers []struct {
					Start int64 `json:"start"`
				} `json:"tiers"`
			}
			if json.Unmarshal(raw, &tiered) == nil {
				for _, tr := range tiered.Tiers {
					if !seenTier[tr.Start] {
						seenTier[tr.Start] = true
						tiers = append(tiers, tr.Start)
					}
				}
			}
		}
		if c := v.Constraint; c != nil {
			switch {
			case c.StartDate != "":
				d, err := time.Parse(time.DateOnly, c.StartDate)
				if err != nil {
					t.Fatalf("%s: %v", m.ID, err)
				}
				dates = append(dates, d)
			case c.StartTime != "":
				for _, s := range []string{c.StartTime, c.EndTime} {
					tod, err := time.Parse("15:04:05Z07:00", s)
					if err != nil {
						t.Fatalf("%s: time of day %q: %v", m.ID, s, err)
					}
					at := time.Date(refNow.Year(), refNow.Month(), refNow.Day(), tod.Hour(), tod.Minute(), tod.Second(), 0, tod.Location())
					windows = append(windows, at.Add(-time.Minute).UTC(), at.Add(time.Minute).UTC())
				}
			}
		}
	}
	sort.Slice(tiers, func(i, j int) bool { return tiers[i] < tiers[j] })
	return keys, dates, windows, tiers
}

func runReference(t *testing.T, node string, cases []refCase) []refResult {
	t.Helper()
	in, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(node, filepath.Join("testdata", "calcprice.cjs"))
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("calcPrice under node: %v\n%s", err, stderr.String())
	}
	var res []refResult
	if err := json.Unmarshal(out, &res); err != nil || len(res) != len(cases) {
		t.Fatalf("calcPrice answered %d results for %d cases: %v", len(res), len(cases), err)
	}
	return res
}

// TestEmbeddedTableIsCurrent fails when genaiprices.json is not what make
// prices writes from the pinned @pydantic/genai-prices package.
func TestEmbeddedTableIsCurrent(t *testing.T) {
	node := requireNode(t)
	cmd := exec.Command(node, filepath.Join("..", "..", "..", "scripts", "gen-prices.cjs"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	raw, err := cmd.Output()
	if err != nil {
		t.Fatalf("gen-prices.cjs: %v\n%s", err, stderr.String())
	}
	want, err := genaidata.Generate(raw)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(want, genaiPricesData) {
		t.Fatal("internal/domain/pricing/genaiprices.json is stale against the pinned @pydantic/genai-prices: run make prices")
	}
}

// requireNode finds node and the pinned package, which make deps installs.
func requireNode(t *testing.T) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatal("node is required for the reference calculator (apt-get install nodejs; make deps installs @pydantic/genai-prices)")
	}
	root := os.Getenv("KAIZEN_NODE_DEPS")
	if root == "" {
		root = filepath.Join("..", "..", "..", ".deps", "node")
	}
	if _, err := os.Stat(filepath.Join(root, "node_modules", "@pydantic", "genai-prices", "dist", "index.cjs")); err != nil {
		t.Fatalf("@pydantic/genai-prices is not installed under %s: run make deps (%v)", root, err)
	}
	return node
}
