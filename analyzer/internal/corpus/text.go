package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// topics are vocabularies of distinct domains, so that documents of
// different topics share few content words.
var topics = map[string][]string{
	"refunds":   {"refund", "chargeback", "invoice", "credit", "reimbursement", "receipt", "billing", "statement", "dispute", "settlement", "ledger", "voucher", "prorated", "cancellation", "subscription", "renewal"},
	"shipping":  {"parcel", "courier", "warehouse", "pallet", "tracking", "customs", "freight", "dispatch", "carrier", "manifest", "consignment", "depot", "postcode", "insurance", "delivery", "container"},
	"catalog":   {"espresso", "grinder", "kettle", "blender", "toaster", "saucepan", "skillet", "colander", "whisk", "ladle", "teapot", "carafe", "mixer", "steamer", "juicer", "thermos"},
	"security":  {"credential", "firewall", "encryption", "certificate", "rotation", "audit", "vulnerability", "patch", "intrusion", "token", "keystore", "phishing", "malware", "sandbox", "privilege", "incident"},
	"hr":        {"onboarding", "payroll", "vacation", "benefits", "appraisal", "contractor", "overtime", "pension", "recruiting", "mentorship", "handbook", "relocation", "stipend", "promotion", "grievance", "offboarding"},
	"astronomy": {"nebula", "quasar", "telescope", "parallax", "redshift", "exoplanet", "asteroid", "comet", "eclipse", "galaxy", "pulsar", "supernova", "orbit", "spectrum", "meteor", "constellation"},
	"gardening": {"compost", "mulch", "seedling", "pruning", "trellis", "perennial", "fertilizer", "greenhouse", "irrigation", "tulip", "hedge", "orchard", "soil", "aphid", "lavender", "raised-bed"},
	"databases": {"replica", "shard", "index", "transaction", "snapshot", "partition", "vacuum", "deadlock", "schema", "migration", "checkpoint", "cursor", "query", "tablespace", "failover", "backup"},
	"travel":    {"itinerary", "layover", "passport", "visa", "boarding", "luggage", "hostel", "excursion", "ferry", "airport", "reservation", "departure", "terminal", "lounge", "voyage", "embassy"},
	"legal":     {"clause", "indemnity", "liability", "jurisdiction", "arbitration", "warranty", "termination", "covenant", "affidavit", "statute", "plaintiff", "precedent", "tribunal", "escrow", "notary", "injunction"},
}

// topicNames lists topics in a fixed order (map iteration is random).
var topicNames = []string{"refunds", "shipping", "catalog", "security", "hr", "astronomy", "gardening", "databases", "travel", "legal"}

var (
	verbs      = []string{"requires", "covers", "excludes", "replaces", "updates", "limits", "extends", "tracks", "approves", "schedules", "verifies", "records"}
	adjectives = []string{"standard", "premium", "regional", "annual", "temporary", "internal", "external", "priority", "archived", "pending", "quarterly", "certified"}
)

// gen produces deterministic text from a seeded source.
type gen struct{ r *rand.Rand }

func newGen(seed uint64) *gen { return &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

func (g *gen) pick(xs []string) string { return xs[g.r.IntN(len(xs))] }

func (g *gen) topic() string { return g.pick(topicNames) }

// sentence returns one sentence about a topic with a unique identifier.
func (g *gen) sentence(topic string) string {
	w := topics[topic]
	switch g.r.IntN(4) {
	case 0:
		return fmt.Sprintf("The %s %s %s the %s for every %s after %d days.", g.pick(adjectives), g.pick(w), g.pick(verbs), g.pick(w), g.pick(w), 3+g.r.IntN(60))
	case 1:
		return fmt.Sprintf("Each %s %s a %s %s, reference %s-%d.", g.pick(w), g.pick(verbs), g.pick(adjectives), g.pick(w), strings.ToUpper(topic[:min(3, len(topic))]), 100+g.r.IntN(900))
	case 2:
		return fmt.Sprintf("A %s %s is logged when the %s %s the %s.", g.pick(w), g.pick(w), g.pick(w), g.pick(verbs), g.pick(w))
	default:
		return fmt.Sprintf("Teams %s the %s %s before the %s %s closes.", g.pick([]string{"review", "check", "confirm", "sign"}), g.pick(adjectives), g.pick(w), g.pick(w), g.pick(w))
	}
}

// document returns a titled document of about n bytes on a topic.
func (g *gen) document(topic string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# %s reference (%s)\n", strings.ToUpper(topic[:1])+topic[1:], g.pick(adjectives))
	for b.Len() < n {
		b.WriteString(g.sentence(topic))
		if g.r.IntN(5) == 0 {
			b.WriteString("\n")
		} else {
			b.WriteString(" ")
		}
	}
	return b.String()
}

// catalog returns a product table of about n bytes.
func (g *gen) catalog(n int) string {
	var b strings.Builder
	b.WriteString("SKU | product | price | stock\n")
	for b.Len() < n {
		fmt.Fprintf(&b, "SKU-%d | %s %s | %d.%02d | %d\n", 1000+g.r.IntN(9000), g.pick(adjectives), g.pick(topics["catalog"]), 5+g.r.IntN(300), g.r.IntN(100), g.r.IntN(500))
	}
	return b.String()
}

// quote returns k sentences copied from doc (an answer that uses it).
func (g *gen) quote(doc string, k int) string {
	sents := strings.FieldsFunc(doc, func(r rune) bool { return r == '.' || r == '\n' })
	var out []string
	for i := 0; i < k && len(sents) > 1; i++ {
		s := strings.TrimSpace(sents[1+g.r.IntN(len(sents)-1)])
		if s != "" {
			out = append(out, s+".")
		}
	}
	return strings.Join(out, " ")
}

// prose returns about n bytes of sentences on a topic.
func (g *gen) prose(topic string, n int) string {
	var b strings.Builder
	for b.Len() < n {
		if b.Len() > 0 {
			b.WriteString(" ")
		}
		b.WriteString(g.sentence(topic))
	}
	return b.String()
}

// question returns a question about two terms of a topic.
func (g *gen) question(topic string) string {
	w := topics[topic]
	a, b := g.pick(w), g.pick(w)
	for b == a {
		b = g.pick(w)
	}
	return fmt.Sprintf("According to the reference, how does the %s %s interact with the %s %s, and what should the team do next for case %d?",
		g.pick(adjectives), a, g.pick(adjectives), b, 100+g.r.IntN(900))
}

// instructions returns agent instructions of about n bytes: second-person,
// imperative text (not reference data).
func (g *gen) instructions(role, topic string, n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, "You are the %s agent of a %s team. ", role, topic)
	rules := []string{
		"You must answer only from the material you are given and you should cite it.",
		"Never invent %s details; if you do not know, say so and ask for the %s.",
		"Always keep your answer short and do not repeat the question.",
		"You should flag any %s that looks inconsistent with the %s policy.",
		"Do not reveal internal notes; you must respect the %s escalation rules.",
		"When you are unsure about a %s, you should ask the user which %s they mean.",
	}
	w := topics[topic]
	for i := 0; b.Len() < n; i++ {
		r := rules[i%len(rules)]
		if strings.Count(r, "%s") == 2 {
			r = fmt.Sprintf(r, g.pick(w), g.pick(w))
		} else if strings.Contains(r, "%s") {
			r = fmt.Sprintf(r, g.pick(w))
		}
		b.WriteString(r)
		b.WriteString(" ")
	}
	return strings.TrimSpace(b.String())
}

// hexID returns n random lowercase hex digits.
func (g *gen) hexID(n int) string {
	const digits = "0123456789abcdef"
	b := make([]byte, n)
	for i := range b {
		b[i] = digits[g.r.IntN(16)]
	}
	return string(b)
}
