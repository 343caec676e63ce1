package heldout

import (
	"fmt"
	"strings"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/corpus"
	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// scenario adds calls to a run and returns the waste it planted.
type scenario struct {
	name string
	fn   func(b *builder) []corpus.Label
}

var planted = []scenario{
	{"dump_in_request", dumpInRequest},
	{"rag_passages", ragPassages},
	{"brief_to_every_agent", sharedBrief},
	{"tool_result_resent", toolResent},
	{"same_request_resampled", sameRequest},
	{"reworded_request_resampled", rewordedRequest},
	{"overkill_routing", overkillRouting},
	{"uncached_policy", uncachedPolicy},
	{"truncated_redo", truncatedRedo},
	{"error_redo", errorRedo},
	{"polling_loop", pollingLoop},
}

var nearMisses = []scenario{
	{"dump_used", dumpUsed},
	{"rag_all_used", ragAllUsed},
	{"brief_used", briefUsed},
	{"tool_result_still_used", toolReused},
	{"template_other_question", templateOtherQuestion},
	{"same_question_other_record", sameQuestionOtherRecord},
	{"hard_task_big_model", hardTask},
	{"cached_policy", cachedPolicy},
	{"rate_limited", rateLimited},
	{"polling_progress", pollingProgress},
}

// Models by role: general answerers (mixed providers, mostly mid-tier),
// big models and their intended cheaper substitutes.
var (
	answerers = [][2]string{{"openai", "gpt-4.1-mini"}, {"anthropic", "claude-sonnet-4-5"}, {"openai", "gpt-4o"}, {"gcp.gemini", "gemini-2.5-flash"}}
	big       = [][3]string{{"openai", "gpt-4.1", "gpt-4.1-mini"}, {"anthropic", "claude-opus-4-1", "claude-haiku-4-5"}, {"openai", "gpt-4o", "gpt-4o-mini"}, {"gcp.gemini", "gemini-2.5-pro", "gemini-2.5-flash"}}
)

func lbl(t run.Type, waste pricing.USD, calls ...int) corpus.Label {
	return corpus.Label{Type: t, Calls: calls, Waste: waste}
}

func (b *builder) answerer() [2]string { return answerers[b.g.n(len(answerers))] }

// --- context pasted into the request ---

func (b *builder) dumpCall(used bool) (int, call, string) {
	g := b.g
	d := g.domain()
	pm := b.answerer()
	dump := g.dump(d, g.between(2500, 5000))
	note := "Account manager's note: " + g.text(d, g.between(250, 400), false)
	q := g.ask(d)
	out := g.cite(note, 2)
	if used {
		out = g.rows(dump, 3) + " " + out
	}
	c := call{agent: "desk", provider: pm[0], model: pm[1], system: "You help the back office. Keep replies factual.",
		msgs: []message{user(g.of(intros) + "\n\n" + dump + "\n\n" + note + "\n\n" + q)}, output: out}
	n, _ := b.add(c)
	return n, c, dump
}

func dumpInRequest(b *builder) []corpus.Label {
	n, c, dump := b.dumpCall(false)
	return []corpus.Label{lbl(run.Bloat, b.inputPrice(c, tokens(c.provider, c.model, dump)), n)}
}

func dumpUsed(b *builder) []corpus.Label { b.dumpCall(true); return nil }

// --- retrieved passages ---

func (b *builder) ragCall(allUsed bool) (int, call, []string, int) {
	g := b.g
	pm := b.answerer()
	var passages []string
	k := g.between(4, 6)
	for i := 0; i < k; i++ {
		passages = append(passages, fmt.Sprintf("[%d] %s", i+1, g.text(g.domain(), g.between(450, 750), false)))
	}
	hit := g.n(k)
	d := g.domain()
	var out string
	if allUsed {
		var cs []string
		for i, p := range passages {
			cs = append(cs, g.cite(p, 1)+fmt.Sprintf(" [%d]", i+1))
		}
		out = strings.Join(cs, " ")
	} else {
		out = g.cite(passages[hit], 2) + fmt.Sprintf(" [%d]", hit+1)
	}
	c := call{agent: "retriever-qa", provider: pm[0], model: pm[1], system: "Answer with the retrieved passages and cite them by number.",
		msgs: []message{user("Retrieved passages:\n\n" + strings.Join(passages, "\n\n") + "\n\nUser question: " + g.ask(d))}, output: out}
	n, _ := b.add(c)
	return n, c, passages, hit
}

func ragPassages(b *builder) []corpus.Label {
	n, c, passages, hit := b.ragCall(false)
	var unused int64
	for i, p := range passages {
		if i != hit {
			unused += tokens(c.provider, c.model, p)
		}
	}
	return []corpus.Label{lbl(run.Bloat, b.inputPrice(c, unused), n)}
}

func ragAllUsed(b *builder) []corpus.Label { b.ragCall(true); return nil }

// --- one brief pasted into every agent's prompt ---

func (b *builder) brief(used bool) ([]int, pricing.USD) {
	g := b.g
	d := g.domain()
	brief := "<brief>\n" + g.text(d, g.between(2200, 3500), true) + "\n</brief>"
	var ns []int
	var waste pricing.USD
	for _, agent := range []string{"scoper", "drafter", "checker"} {
		pm := b.answerer()
		task := g.domain()
		material := g.text(task, 500, false)
		out := g.cite(material, 2)
		if used {
			out += " " + g.cite(brief, 2)
		}
		c := call{agent: agent, provider: pm[0], model: pm[1], system: "You are the " + agent + " of the crew.",
			msgs: []message{user("Company brief for context:\n\n" + brief + "\n\nYour material:\n\n" + material + "\n\n" + g.ask(task))}, output: out}
		n, _ := b.add(c)
		ns = append(ns, n)
		waste += b.inputPrice(c, tokens(c.provider, c.model, brief))
	}
	return ns, waste
}

func sharedBrief(b *builder) []corpus.Label {
	ns, waste := b.brief(false)
	return []corpus.Label{lbl(run.Bloat, waste, ns...)}
}

func briefUsed(b *builder) []corpus.Label { b.brief(true); return nil }

// --- tool results re-sent on later turns ---

func (b *builder) toolChat(keepUsing bool) ([]int, []call, string) {
	g := b.g
	pm := answerers[0]
	if g.chance(0.5) {
		pm = answerers[1]
	}
	var hist []message
	var ns []int
	var cs []call
	var first string
	for turn := 0; turn < 3; turn++ {
		d := g.domain()
		result := g.jsonDump(d, 400)
		if turn == 0 {
			result = g.jsonDump(d, g.between(3000, 4500))
			first = result
		}
		q := g.ask(d)
		hist = append(hist, user(q), bot(fmt.Sprintf("lookup(%q)", d.name)), tool(result))
		out := g.rows(result, 2)
		if keepUsing && turn > 0 {
			out += " Earlier: " + g.rows(first, 2)
		}
		c := call{agent: "ops", provider: pm[0], model: pm[1], system: "Look things up with the lookup tool and answer from what it returns.",
			msgs: append([]message(nil), hist...), output: out}
		n, _ := b.add(c)
		ns, cs = append(ns, n), append(cs, c)
		hist = append(hist, bot(out))
	}
	return ns, cs, first
}

func toolResent(b *builder) []corpus.Label {
	ns, cs, first := b.toolChat(false)
	var waste pricing.USD
	for _, c := range cs[1:] {
		waste += b.inputPrice(c, tokens(c.provider, c.model, first))
	}
	return []corpus.Label{lbl(run.Bloat, waste, ns[1:]...)}
}

func toolReused(b *builder) []corpus.Label { b.toolChat(true); return nil }

// --- the same request sent again, answers sampled differently ---

func (b *builder) record(d domain) string {
	return fmt.Sprintf("Case file %s:\n\n%s", strings.ToUpper(b.g.hex(6)), b.g.text(d, b.g.between(600, 900), false))
}

func (b *builder) requestPair(second func(q string) string, otherRecord bool) ([]int, pricing.USD) {
	g := b.g
	d := g.domain()
	pm := b.answerer()
	rec, q := b.record(d), g.ask(d)
	sys := "You answer questions about case files for the " + d.name + " team."
	c1 := call{agent: "intake", provider: pm[0], model: pm[1], system: sys, msgs: []message{user(rec, q)}, output: g.cite(rec, 2)}
	n1, _ := b.add(c1)
	if g.chance(0.5) {
		b.add(call{agent: "router", provider: "openai", model: "gpt-4o-mini", system: "Route the request.", msgs: []message{user(g.ask(g.domain()))}, output: g.chatter(g.domain())})
	}
	rec2 := rec
	if otherRecord {
		rec2 = b.record(d)
	}
	c2 := call{agent: g.of([]string{"intake", "reviewer", "followup"}), provider: pm[0], model: pm[1], system: sys,
		msgs: []message{user(rec2, second(q))}, output: g.cite(rec2, 2), gap: time.Duration(g.between(2, 40)) * time.Second}
	n2, cost2 := b.add(c2)
	return []int{n1, n2}, cost2
}

func sameRequest(b *builder) []corpus.Label {
	ns, waste := b.requestPair(func(q string) string { return q }, false)
	return []corpus.Label{lbl(run.Redundant, waste, ns...)}
}

func rewordedRequest(b *builder) []corpus.Label {
	g := b.g
	ns, waste := b.requestPair(func(q string) string {
		switch g.n(3) {
		case 0:
			return strings.ToLower(q)
		case 1:
			return "  " + strings.ReplaceAll(q, " ", "  ") + " "
		default:
			return g.of(pleasantries) + strings.ToLower(q[:1]) + q[1:]
		}
	}, false)
	return []corpus.Label{lbl(run.Redundant, waste, ns...)}
}

func templateOtherQuestion(b *builder) []corpus.Label {
	g := b.g
	b.requestPair(func(q string) string {
		q2 := q
		for q2 == q {
			q2 = g.ask(domainOf(q))
		}
		return q2
	}, false)
	return nil
}

// domainOf finds the domain whose nouns a question uses.
func domainOf(q string) domain {
	for _, d := range domains {
		for _, n := range d.nouns {
			if strings.Contains(q, n) {
				return d
			}
		}
	}
	return domains[0]
}

func sameQuestionOtherRecord(b *builder) []corpus.Label {
	b.requestPair(func(q string) string { return q }, true)
	return nil
}

// --- model overkill ---

func (b *builder) routing(pm [3]string, hard bool) ([]int, pricing.USD) {
	g := b.g
	var ns []int
	var waste pricing.USD
	for k := 0; k < g.between(1, 3); k++ {
		d := g.domain()
		email := g.text(d, g.between(300, 700), false)
		c := call{agent: "mail-router", provider: pm[0], model: pm[1],
			system: "Decide which queue this email belongs to: sales, support, legal or spam. Output the queue name alone.",
			msgs:   []message{user(email)}, output: g.of([]string{"sales", "support", "legal", "spam"})}
		if hard {
			c.agent = "incident-lead"
			c.system = "You lead incident reviews. Work through the timeline, reason about contributing factors and write the postmortem with its trade-offs."
			c.output = g.text(d, g.between(1800, 2600), true)
			c.reasoning = int64(g.between(800, 2000))
		}
		n, cost := b.add(c)
		ns = append(ns, n)
		waste += cost - b.prices.Price(pm[0], pm[2], c.usage()).Total
	}
	return ns, waste
}

func overkillRouting(b *builder) []corpus.Label {
	ns, waste := b.routing(big[b.g.n(len(big))], false)
	return []corpus.Label{lbl(run.Overkill, waste, ns...)}
}

func hardTask(b *builder) []corpus.Label { b.routing(big[b.g.n(len(big))], true); return nil }

// --- stable prefix without cache reads ---

func (b *builder) policyDesk(cached bool) ([]int, pricing.USD) {
	g := b.g
	d := g.domain()
	sys := "You staff the " + d.name + " policy line. Quote the policy, never guess, and hand off anything it does not cover.\n\n" +
		"# Policy manual\n\n" + g.text(d, g.between(6000, 8000), true)
	pm := [2]string{"anthropic", "claude-sonnet-4-5"}
	if g.chance(0.5) {
		pm = [2]string{"openai", "gpt-4.1"}
	}
	prefix := tokens(pm[0], pm[1], sys) + 4
	var ns []int
	var waste pricing.USD
	for k := 0; k < g.between(3, 5); k++ {
		c := call{agent: "policy-line", provider: pm[0], model: pm[1], system: sys, msgs: []message{user(g.ask(d))}, output: g.cite(sys, 2),
			gap: time.Duration(g.between(5, 90)) * time.Second}
		if cached {
			if k == 0 && pm[0] == "anthropic" {
				c.cacheWrite = prefix
			} else if k > 0 {
				c.cacheRead = prefix
			}
		}
		n, cost := b.add(c)
		ns = append(ns, n)
		withCache := c.usage()
		if k == 0 {
			if pm[0] == "anthropic" {
				withCache.CacheWriteTokens = prefix
				waste -= b.prices.Price(pm[0], pm[1], withCache).Total - cost
			}
			continue
		}
		withCache.CacheReadTokens = prefix
		waste += cost - b.prices.Price(pm[0], pm[1], withCache).Total
	}
	return ns, waste
}

func uncachedPolicy(b *builder) []corpus.Label {
	ns, waste := b.policyDesk(false)
	return []corpus.Label{lbl(run.CacheMiss, waste, ns...)}
}

func cachedPolicy(b *builder) []corpus.Label { b.policyDesk(true); return nil }

// --- retries ---

func truncatedRedo(b *builder) []corpus.Label {
	g := b.g
	d := g.domain()
	src := g.text(d, 1400, true)
	c := call{agent: "reporter", provider: "openai", model: "gpt-4.1", system: "Turn the notes into the monthly status update.",
		msgs: []message{user(src)}, output: g.text(d, 1600, true), finish: "length"}
	n1, cost := b.add(c)
	c.finish, c.output = "", g.text(d, 1100, true)
	n2, _ := b.add(c)
	return []corpus.Label{lbl(run.RetryWaste, cost, n1, n2)}
}

func errorRedo(b *builder) []corpus.Label {
	g := b.g
	d := g.domain()
	c := call{agent: "parser", provider: "anthropic", model: "claude-haiku-4-5", system: "List the follow-ups in the thread with a due date each.",
		msgs: []message{user(g.text(d, 1300, false))}, output: g.text(d, 300, false), errType: "output_schema_mismatch"}
	n1, cost := b.add(c)
	c.errType = ""
	n2, _ := b.add(c)
	return []corpus.Label{lbl(run.RetryWaste, cost, n1, n2)}
}

func rateLimited(b *builder) []corpus.Label {
	g := b.g
	d := g.domain()
	c := call{agent: "digest", provider: "openai", model: "gpt-4o-mini", system: "Write a one-line digest.", msgs: []message{user(g.text(d, 700, false))},
		output: g.chatter(d), errType: "429", noUsage: true}
	b.add(c)
	c.errType, c.noUsage, c.gap = "", false, 8*time.Second
	b.add(c)
	return nil
}

// --- polling loops ---

func (b *builder) polling(progress bool) ([]int, pricing.USD) {
	g := b.g
	job := "job-" + g.hex(8)
	sys := "You run batch exports. Call the tools until the export finishes, then report."
	d := g.domain()
	hist := []message{user(fmt.Sprintf("Export the Q%d %s ledger for %s and tell me when it's ready.", 1+g.n(4), d.name, g.of(d.entities)))}
	var ns []int
	var waste pricing.USD
	steps := g.between(4, 6)
	for k := 0; k < steps; k++ {
		status := "status: pending"
		if progress {
			status = fmt.Sprintf("status: running, %d of %d partitions written, current partition %s", (k+1)*17, steps*17, g.hex(4))
		}
		if k > 0 {
			hist = append(hist, bot("check_status("+job+")"), tool(status))
		}
		out := "check_status(" + job + ")"
		if progress {
			out = fmt.Sprintf("Progress %d%%; polling again: check_status(%s)", (k+1)*100/steps, job)
		}
		n, cost := b.add(call{agent: "exporter", provider: "openai", model: "gpt-4.1-mini", system: sys, msgs: append([]message(nil), hist...), output: out})
		ns = append(ns, n)
		if k > 1 {
			waste += cost
		}
	}
	return ns[1:], waste
}

func pollingLoop(b *builder) []corpus.Label {
	ns, waste := b.polling(false)
	return []corpus.Label{lbl(run.Loop, waste, ns...)}
}

func pollingProgress(b *builder) []corpus.Label { b.polling(true); return nil }
