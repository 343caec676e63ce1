package cli

import (
	"strings"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/store/storetest"
)

// TestDiff compares the sample run with a fixed one: first against an
// offline analysis made for the diff, then against the stored analysis.
func TestDiff(t *testing.T) {
	noGemini(t)
	dsn := storetest.NewDatabase(t)
	specs := storetest.SampleSpecs()
	a := storetest.Build("0000000000000000000000000000000a", "checkout", specs)
	fixed := []storetest.CallSpec{specs[0], specs[1], specs[3]}
	fixed[1].Model = "gpt-4o-mini"
	b := storetest.Build("0000000000000000000000000000000b", "checkout", fixed)
	storetest.InsertRun(t, dsn, a)
	storetest.InsertRun(t, dsn, b)

	stdout, stderr, code := kaizen(t, dsn, "diff", a.TraceID, b.TraceID, "--format", "json")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	rep := decode(t, stdout)
	realized := (a.TotalCost() - b.TotalCost()).String()
	if rep["kind"] != "diff" || rep["realized_saving_usd"] != realized || rep["prediction_source"] != "offline analysis made for this diff" {
		t.Errorf("diff: kind %v realized %v (want %s) source %v", rep["kind"], rep["realized_saving_usd"], realized, rep["prediction_source"])
	}
	gone := map[string]bool{}
	for _, f := range rep["findings_a"].([]any) {
		f := f.(map[string]any)
		gone[f["type"].(string)] = !f["in_other_run"].(bool)
	}
	if !gone["redundant_call"] || !gone["model_overkill"] {
		t.Errorf("findings of A gone in B: %v", gone)
	}

	if _, stderr, code := kaizen(t, dsn, "analyze", a.TraceID, "-q"); code != ExitOK {
		t.Fatalf("analyze: %s", stderr)
	}
	stdout, _, _ = kaizen(t, dsn, "diff", a.TraceID, b.TraceID)
	for _, want := range []string{"Per agent", "Per model", "gone", "Predicted saving for A:", "(analysis ", "Realized saving A → B:"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("text diff lacks %q:\n%s", want, stdout)
		}
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"diff", a.TraceID}, "expected two trace ids"},
		{[]string{"diff", a.TraceID, a.TraceID}, "the same run"},
		{[]string{"diff", a.TraceID, "nope"}, "trace id"},
	} {
		if _, stderr, code := kaizen(t, dsn, tc.args...); code != ExitUsage || !strings.Contains(stderr, tc.want) {
			t.Errorf("%v: exit %d %q", tc.args, code, stderr)
		}
	}
	if _, stderr, code := kaizen(t, dsn, "diff", a.TraceID, "0123456789abcdef0123456789abcdef"); code != ExitError || !strings.Contains(stderr, "not found") {
		t.Errorf("unknown B: exit %d %q", code, stderr)
	}
}
