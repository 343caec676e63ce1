// Command democheck reads what make demo wrote — the wasteful run's
// analysis and the diff against the optimized run, both as kaizen's JSON —
// prints the scale-up, and checks the demo's promise: the wasteful run
// costs $3.40 ± 10 %, every planted kind of waste is found, the optimized
// run costs within 15 % of what the analysis predicted, and the diff agrees
// with both runs' costs. It exits 1 naming each check that fails.
package main

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
)

type analysis struct {
	Findings []struct {
		Type string `json:"type"`
	} `json:"findings"`
	Summary struct {
		Original  string `json:"original_cost_usd"`
		Optimized string `json:"optimized_cost_usd"`
		Savings   string `json:"savings_usd"`
	} `json:"summary"`
}

type diff struct {
	A, B struct {
		Cost string `json:"cost_usd"`
	}
	Realized  string `json:"realized_saving_usd"`
	Predicted string `json:"predicted_saving_usd"`
	Gone      int    `json:"gone_in_b"`
	FindingsA []any  `json:"findings_a"`
}

// planted are the kinds of waste the wasteful variant plants.
var planted = []string{"redundant_call", "model_overkill", "prompt_bloat", "cache_opportunity", "retry_waste", "loop"}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: democheck <demo data dir>")
		os.Exit(2)
	}
	var a analysis
	var d diff
	for name, v := range map[string]any{"analysis.json": &a, "diff.json": &d} {
		b, err := os.ReadFile(filepath.Join(os.Args[1], name))
		if err == nil {
			err = json.Unmarshal(b, v)
		}
		if err != nil {
			fmt.Fprintf(os.Stderr, "democheck: %s: %v\n", name, err)
			os.Exit(1)
		}
	}
	wasteful, predicted := usd(a.Summary.Original), usd(a.Summary.Optimized)
	costA, costB, realized := usd(d.A.Cost), usd(d.B.Cost), usd(d.Realized)
	fmt.Printf("wasteful run $%.2f → optimized run $%.2f (the analysis predicted $%.2f): $%.2f saved per run\n",
		costA, costB, predicted, realized)
	fmt.Printf("at 1,000 runs/day: $%.0f/day saved, $%.0f/month\n", 1000*realized, 30*1000*realized)

	found := map[string]bool{}
	for _, f := range a.Findings {
		found[f.Type] = true
	}
	var failed []string
	check := func(ok bool, format string, args ...any) {
		if !ok {
			failed = append(failed, fmt.Sprintf(format, args...))
		}
	}
	check(math.Abs(wasteful-3.40) <= 0.34, "the wasteful run costs $%.4f, not $3.40 ± 10 %%", wasteful)
	for _, t := range planted {
		check(found[t], "no %s finding on the wasteful run", t)
	}
	check(predicted > 0 && math.Abs(costB-predicted) <= 0.15*predicted, "the optimized run costs $%.4f, not within 15 %% of the predicted $%.4f", costB, predicted)
	check(math.Abs(costA-wasteful) < 1e-9, "the diff's run A costs $%.4f, the analysis $%.4f", costA, wasteful)
	check(math.Abs(realized-(costA-costB)) < 1e-9, "the diff's realized saving $%.4f is not A − B = $%.4f", realized, costA-costB)
	check(d.Gone > 0 && d.Gone == len(d.FindingsA), "%d of the wasteful run's %d findings are gone in the optimized run", d.Gone, len(d.FindingsA))
	if len(failed) > 0 {
		for _, f := range failed {
			fmt.Fprintln(os.Stderr, "democheck: FAIL:", f)
		}
		os.Exit(1)
	}
	fmt.Println("demo check: every promise holds")
}

func usd(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		fmt.Fprintf(os.Stderr, "democheck: %q is not an amount\n", s)
		os.Exit(1)
	}
	return v
}
