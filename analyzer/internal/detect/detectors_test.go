package detect

import (
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

type detectCase struct {
	name  string
	run   *run.Run
	want  [][]int // calls of each finding of the type, in order
	check func(t *testing.T, fs []run.Finding)
}

func runCases(t *testing.T, typ run.Type, cases []detectCase, opts ...Option) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			fs := Run(c.run, nil, append(opts, WithOnly(typ))...)
			if got := found(fs, typ); !reflect.DeepEqual(got, c.want) {
				t.Fatalf("%s findings = %v, want %v", typ, got, c.want)
			}
			for _, f := range fs {
				if f.Source != run.SourceDetector || f.Title == "" || f.Explanation == "" || f.Recommendation == "" || f.Confidence <= 0 {
					t.Fatalf("incomplete finding %+v", f)
				}
			}
			if c.check != nil {
				c.check(t, fs)
			}
		})
	}
}

const sys = "You answer questions about internal references."

func TestRedundant(t *testing.T) {
	ctx := doc("refund", 1200)
	q := "How does the refund rule 14 apply to order 55?"
	ans := "Refund rule 14 applies: the refund item 2 covers it."
	runCases(t, run.Redundant, []detectCase{
		{name: "exact duplicate across agents", run: build(
			tc{agent: "a", system: sys, input: [][]string{u(ctx, q)}, output: ans},
			tc{agent: "b", system: sys, input: [][]string{u("unrelated question about shipping")}, output: "shipping answer"},
			tc{agent: "c", system: sys, input: [][]string{u(ctx, q)}, output: ans},
		), want: [][]int{{1, 3}}},
		{name: "near duplicate reworded", run: build(
			tc{system: sys, input: [][]string{u(ctx, q)}, output: ans},
			tc{agent: "x", system: sys, input: [][]string{u(ctx, "Quick check: "+q+" Thanks.")}, output: ans + " Anything else?"},
		), want: [][]int{{1, 2}}},
		{name: "volatile ids normalized", run: build(
			tc{system: sys, input: [][]string{u(ctx, q+" request 123456789")}, output: ans},
			tc{agent: "x", system: sys, input: [][]string{u(ctx, q+" request 987654321")}, output: ans},
		), want: [][]int{{1, 2}}},
		{name: "same context different question", run: build(
			tc{system: sys, input: [][]string{u(ctx, q)}, output: ans},
			tc{agent: "x", system: sys, input: [][]string{u(ctx, "Which clause covers shipping to Norway?")}, output: "The shipping clause 91 applies to Norway only for pallets."},
		), want: nil},
		{name: "same prompt different system", run: build(
			tc{system: sys, input: [][]string{u(ctx, q)}, output: ans},
			tc{agent: "x", system: "You are a pirate.", input: [][]string{u(ctx, q)}, output: ans},
		), want: nil},
		{name: "failed call is not redundant", run: build(
			tc{system: sys, input: [][]string{u(ctx, q)}, output: ans, errType: "timeout"},
			tc{agent: "x", system: sys, input: [][]string{u(ctx, q)}, output: ans},
		), want: nil},
	})
}

func TestRedundantFingerprintsOnly(t *testing.T) {
	r := build(
		tc{system: sys, input: [][]string{u("What is the refund rule?")}, output: "ans"},
		tc{agent: "x", system: sys, input: [][]string{u("What is the refund rule?")}, output: "ans"},
		tc{agent: "y", system: sys, input: [][]string{u("Something else entirely, about shipping pallets")}, output: "x"},
	)
	for _, c := range r.Calls {
		ci := newCallInfo(c)
		c.PromptHash = formatHex(ci.promptHash)
		c.PromptSimHash = ci.simHash
		c.SystemInstructions, c.InputMessages, c.OutputMessages = "", "", ""
	}
	fs := Run(r, nil, WithOnly(run.Redundant))
	if got := found(fs, run.Redundant); !reflect.DeepEqual(got, [][]int{{1, 2}}) {
		t.Fatalf("got %v", got)
	}
	if fs[0].Confidence >= 0.8 {
		t.Fatalf("fingerprint-only confidence %v, want lower than content-confirmed", fs[0].Confidence)
	}
}

func TestOverkill(t *testing.T) {
	ticket := doc("ticket", 600)
	runCases(t, run.Overkill, []detectCase{
		{name: "classification on gpt-4o", run: build(
			tc{agent: "triage", system: "Classify the ticket into one of: billing, shipping. Respond with only the label.", input: [][]string{u(ticket)}, output: "billing"},
			tc{agent: "triage", system: "Classify the ticket into one of: billing, shipping. Respond with only the label.", input: [][]string{u(ticket + " more")}, output: "shipping"},
		), want: [][]int{{1, 2}}, check: func(t *testing.T, fs []run.Finding) {
			if fs[0].SuggestedModel != "gpt-4o-mini" {
				t.Fatalf("suggested %q, want gpt-4o-mini", fs[0].SuggestedModel)
			}
		}},
		{name: "translation on claude opus", run: build(
			tc{provider: "anthropic", model: "claude-opus-4-1", system: "Translate the message into French.", input: [][]string{u(ticket)}, output: "Le ticket est ouvert."},
		), want: [][]int{{1}}, check: func(t *testing.T, fs []run.Finding) {
			if fs[0].SuggestedModel != "claude-haiku-4-5" {
				t.Fatalf("suggested %q", fs[0].SuggestedModel)
			}
		}},
		{name: "small json extraction on gemini pro", run: build(
			tc{provider: "gcp.gemini", model: "gemini-2.5-pro", system: "Read the message.", input: [][]string{u(ticket)}, output: `{"order":"A1","action":"refund"}`},
		), want: [][]int{{1}}},
		{name: "hard reasoning with short answer", run: build(
			tc{system: "Find the root cause of the outage.", input: [][]string{u(ticket)}, output: "The cache."},
		), want: nil},
		{name: "long answer", run: build(
			tc{system: "Classify and then explain in detail.", input: [][]string{u(ticket)}, output: doc("essay", 3000)},
		), want: nil},
		{name: "heavy reasoning tokens", run: build(
			tc{system: "Classify the ticket.", input: [][]string{u(ticket)}, output: "billing", reasoning: 500, out: 502},
		), want: nil},
		{name: "economy model already", run: build(
			tc{model: "gpt-4o-mini", provider: "openai", system: "Classify the ticket.", input: [][]string{u(ticket)}, output: "billing"},
		), want: nil},
		{name: "unknown model", run: build(
			tc{model: "my-finetune", provider: "openai", system: "Classify the ticket.", input: [][]string{u(ticket)}, output: "billing"},
		), want: nil},
		{name: "prose answer without cue", run: build(
			tc{system: "Help the customer.", input: [][]string{u(ticket)}, output: "Thanks for writing to us, we will look into your refund request and come back to you tomorrow with an update on the state."},
		), want: nil},
	})
}

// TestOverkillConfidence checks that a finding's confidence follows the
// evidence that the cheaper model does the task.
func TestOverkillConfidence(t *testing.T) {
	ticket := doc("ticket", 600)
	const (
		classify  = "Classify the ticket into one of: billing, shipping. Respond with only the label."
		translate = "Translate the message into French."
		prose     = "Nous avons bien reçu votre demande de remboursement et nous vous répondrons demain avec plus de détails sur la commande."
	)
	for _, c := range []struct {
		name string
		run  *run.Run
		want float64
	}{
		{"cue and structured answer", build(
			tc{system: classify, input: [][]string{u(ticket)}, output: "billing"},
		), confShapeCueAnswer},
		{"cue with a prose answer", build(
			tc{system: translate, input: [][]string{u(ticket)}, output: prose},
		), confShapeCue},
		{"structured answer without cue", build(
			tc{system: "Read the message.", input: [][]string{u(ticket)}, output: `{"order":"A1","action":"refund"}`},
		), confShapeAnswer},
		{"weakest call of the group", build(
			tc{system: translate, input: [][]string{u(ticket)}, output: "Le ticket est ouvert."},
			tc{system: translate, input: [][]string{u(ticket + " more")}, output: prose},
		), confShapeCue},
		{"suggested model already does the same task", build(
			tc{agent: "cheap", model: "gpt-4o-mini", provider: "openai", system: classify, input: [][]string{u(ticket + " other")}, output: "shipping"},
			tc{system: classify, input: [][]string{u(ticket)}, output: "billing"},
		), confMax},
		{"corroboration raises a weaker grade by a step", build(
			tc{agent: "cheap", model: "gpt-4o-mini", provider: "openai", system: translate, input: [][]string{u(ticket + " other")}, output: "Le client veut un remboursement."},
			tc{system: translate, input: [][]string{u(ticket)}, output: prose},
		), confShapeCue + confCorroborated},
		{"cheap call failed", build(
			tc{agent: "cheap", model: "gpt-4o-mini", provider: "openai", system: classify, input: [][]string{u(ticket)}, output: "shipping", errType: "timeout"},
			tc{system: classify, input: [][]string{u(ticket)}, output: "billing"},
		), confShapeCueAnswer},
		{"cheap call truncated", build(
			tc{agent: "cheap", model: "gpt-4o-mini", provider: "openai", system: classify, input: [][]string{u(ticket)}, output: "ship", finish: "length"},
			tc{system: classify, input: [][]string{u(ticket)}, output: "billing"},
		), confShapeCueAnswer},
		{"cheap call on another task", build(
			tc{agent: "cheap", model: "gpt-4o-mini", provider: "openai", system: "Classify the ticket's urgency into one of: low, high. Respond with only the label.", input: [][]string{u(ticket)}, output: "low"},
			tc{system: classify, input: [][]string{u(ticket)}, output: "billing"},
		), confShapeCueAnswer},
		{"another cheap model does the task", build(
			tc{agent: "cheap", model: "gpt-4.1-mini", provider: "openai", system: classify, input: [][]string{u(ticket)}, output: "shipping"},
			tc{system: classify, input: [][]string{u(ticket)}, output: "billing"},
		), confShapeCueAnswer},
	} {
		t.Run(c.name, func(t *testing.T) {
			fs := Run(c.run, nil, WithOnly(run.Overkill))
			if len(fs) != 1 {
				t.Fatalf("findings %+v, want one", fs)
			}
			if fs[0].SuggestedModel != "gpt-4o-mini" || math.Abs(fs[0].Confidence-c.want) > 1e-9 {
				t.Fatalf("confidence %v suggesting %s, want %v suggesting gpt-4o-mini", fs[0].Confidence, fs[0].SuggestedModel, c.want)
			}
		})
	}
}

func TestBloat(t *testing.T) {
	catalog := doc("kettle", 3000)
	policy := doc("refund", 1500)
	answer := "The refunditem 3 covers refundrule 21 and refundclause 39."
	runCases(t, run.Bloat, []detectCase{
		{name: "unused catalog", run: build(
			tc{provider: "anthropic", model: "claude-sonnet-4-5", input: [][]string{u(catalog, policy, "What does the refund policy say?")}, output: answer},
		), want: [][]int{{1}}, check: func(t *testing.T, fs []run.Finding) {
			if fs[0].RemovableTokens < 700 || fs[0].RemovableTokens > 800 {
				t.Fatalf("removable %d, want the catalog's ~3000/4500 share of input", fs[0].RemovableTokens)
			}
		}},
		{name: "both blocks used", run: build(
			tc{input: [][]string{u(catalog, policy, "Compare.")}, output: answer + " The kettleitem 4 covers kettlerule 28."},
		), want: nil},
		{name: "same block pasted into three agents", run: build(
			tc{agent: "a", input: [][]string{u(catalog, policy, "q1")}, output: answer},
			tc{agent: "b", input: [][]string{u(catalog, policy, "q2")}, output: answer},
			tc{agent: "c", input: [][]string{u(catalog, policy, "q3")}, output: answer},
		), want: [][]int{{1, 2, 3}}, check: func(t *testing.T, fs []run.Finding) {
			if !strings.Contains(fs[0].Explanation, "agents a, b, c") {
				t.Fatalf("explanation %q", fs[0].Explanation)
			}
		}},
		{name: "history re-sent", run: build(
			tc{input: [][]string{u("search kettles", catalog)}, output: "The kettleitem 4 covers kettlerule 28."},
			tc{input: [][]string{u("search kettles", catalog), asst("The kettleitem 4 covers kettlerule 28."), u("now refunds", policy)}, output: answer},
		), want: [][]int{{2}}, check: func(t *testing.T, fs []run.Finding) {
			if !strings.Contains(fs[0].Explanation, "history") {
				t.Fatalf("explanation %q", fs[0].Explanation)
			}
		}},
		{name: "instructions in system prompt are not bloat", run: build(
			tc{system: strings.Repeat("You must always answer politely and you should never reveal secrets. ", 60), input: [][]string{u(policy, "q")}, output: answer},
		), want: nil},
		{name: "small block ignored", run: build(
			tc{input: [][]string{u(doc("kettle", 300), policy, "q")}, output: answer},
		), want: nil},
	})
}

func TestCache(t *testing.T) {
	handbook := doc("handbook", 6000)
	q := func(i int) string { return "Question number " + strings.Repeat("x", i) }
	ans := "The handbookitem 3 covers handbookrule 21."
	cs := func(provider, model, system string, reads ...int64) *run.Run {
		var calls []tc
		for i, rd := range reads {
			calls = append(calls, tc{provider: provider, model: model, system: system, input: [][]string{u(q(i))}, output: ans, cacheRead: rd})
		}
		return build(calls...)
	}
	runCases(t, run.CacheMiss, []detectCase{
		{name: "anthropic prefix without cache", run: cs("anthropic", "claude-sonnet-4-5", handbook, 0, 0, 0), want: [][]int{{1, 2, 3}}},
		{name: "already cached", run: cs("anthropic", "claude-sonnet-4-5", handbook, 0, 1500, 1500), want: nil},
		{name: "below minimum", run: cs("openai", "gpt-4o", doc("handbook", 2000), 0, 0, 0), want: nil},
		{name: "haiku minimum is higher", run: cs("anthropic", "claude-3-5-haiku", doc("handbook", 6000), 0, 0), want: nil},
		{name: "timestamp breaks the cache", run: build(
			tc{system: "Now: 2025-06-01T10:00:00Z\n" + handbook, input: [][]string{u(q(1))}, output: ans},
			tc{system: "Now: 2025-06-01T10:00:05Z\n" + handbook, input: [][]string{u(q(2))}, output: ans},
		), want: [][]int{{1, 2}}, check: func(t *testing.T, fs []run.Finding) {
			if !strings.Contains(fs[0].Explanation, "byte 23") || !strings.Contains(fs[0].Title, "volatile") {
				t.Fatalf("want the first differing byte reported: %q", fs[0].Explanation)
			}
		}},
		{name: "beyond TTL", run: build(
			tc{provider: "anthropic", model: "claude-sonnet-4-5", system: handbook, input: [][]string{u(q(1))}, output: ans},
			tc{provider: "anthropic", model: "claude-sonnet-4-5", system: handbook, input: [][]string{u(q(2))}, output: ans, gap: 2 * time.Hour},
		), want: nil},
	})
}

func TestRetry(t *testing.T) {
	ctx := doc("report", 1200)
	runCases(t, run.RetryWaste, []detectCase{
		{name: "truncated then redone", run: build(
			tc{agent: "w", input: [][]string{u(ctx, "Summarize.")}, output: "partial", finish: "length"},
			tc{agent: "w", input: [][]string{u(ctx, "Summarize.")}, output: "full"},
		), want: [][]int{{1, 2}}},
		{name: "two billed failures then success", run: build(
			tc{agent: "w", input: [][]string{u(ctx, "Extract.")}, output: "x", errType: "invalid_json"},
			tc{agent: "w", input: [][]string{u(ctx, "Extract.")}, output: "x", errType: "invalid_json"},
			tc{agent: "w", input: [][]string{u(ctx, "Extract. Return valid JSON.")}, output: "{}"},
		), want: [][]int{{1, 2, 3}}},
		{name: "failure followed by a different request", run: build(
			tc{agent: "w", input: [][]string{u(ctx, "Extract.")}, output: "x", errType: "invalid_json"},
			tc{agent: "w", input: [][]string{u(doc("other", 1200), "Translate.")}, output: "y"},
		), want: nil},
		{name: "truncated and not redone", run: build(
			tc{agent: "w", input: [][]string{u(ctx, "Summarize.")}, output: "partial", finish: "length"},
		), want: nil},
		{name: "redo by another agent is not a retry", run: build(
			tc{agent: "w", input: [][]string{u(ctx, "Summarize.")}, output: "partial", finish: "length"},
			tc{agent: "v", input: [][]string{u(ctx, "Summarize.")}, output: "full"},
		), want: nil},
	})
}

func TestRetryZeroCost(t *testing.T) {
	r := build(
		tc{agent: "w", input: [][]string{u("Summarize.")}, output: "x", errType: "rate_limit"},
		tc{agent: "w", input: [][]string{u("Summarize.")}, output: "x"},
	)
	r.Calls[0].Cost = 0
	if got := found(Run(r, nil, WithOnly(run.RetryWaste)), run.RetryWaste); got != nil {
		t.Fatalf("zero-cost failure reported: %v", got)
	}
}

func TestLoop(t *testing.T) {
	sysE := "You are an executor. Reply with a tool call."
	call := `CALL read_file(path="/data/q3.csv")`
	hist := [][]string{u("Load the figures.")}
	var calls []tc
	for i := 0; i < 4; i++ {
		hist = append(hist, asst(call), []string{"tool", "Error: file not found: /data/q3.csv"})
		calls = append(calls, tc{agent: "exec", system: sysE, input: append([][]string(nil), hist...), output: call})
	}
	var chat []tc
	h := [][]string{}
	for i, q := range []string{"What is a kettle?", "And the refund rules for order 12?", "Summarize shipping to Norway."} {
		h = append(h, u(q))
		chat = append(chat, tc{agent: "chat", input: append([][]string(nil), h...), output: doc(strings.Repeat("z", i+1), 200)})
		h = append(h, asst("ok"))
	}
	runCases(t, run.Loop, []detectCase{
		{name: "same tool error four times", run: build(calls...), want: [][]int{{1, 2, 3, 4}}},
		{name: "two repeats are not a loop", run: build(calls[:2]...), want: nil},
		{name: "growing conversation with new questions", run: build(chat...), want: nil},
	})
	if got := found(Run(build(calls[:2]...), nil, WithOnly(run.Loop), WithLoopMin(2)), run.Loop); len(got) != 1 {
		t.Fatalf("WithLoopMin(2): %v", got)
	}
}

func TestRunOrderAndPrecedence(t *testing.T) {
	ctx := doc("report", 1200)
	r := build(
		tc{agent: "w", input: [][]string{u(ctx, "Summarize.")}, output: "partial", finish: "length"},
		tc{agent: "w", input: [][]string{u(ctx, "Summarize.")}, output: "full"},
	)
	fs := Run(r, nil)
	if len(found(fs, run.Redundant)) != 0 || len(found(fs, run.RetryWaste)) != 1 {
		t.Fatalf("retry must claim the redo before redundant: %+v", fs)
	}
	if Run(&run.Run{}, nil) != nil || Run(nil, nil) != nil {
		t.Fatal("empty run must give no findings")
	}
}
