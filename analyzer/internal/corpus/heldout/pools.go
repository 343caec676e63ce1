package heldout

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// domain is a business area with its own nouns, people and places, so that
// texts of different domains share almost no content words.
type domain struct {
	name     string
	nouns    []string
	entities []string // things with names: products, sites, plans
	actions  []string
}

var domains = []domain{
	{"insurance claims", []string{"claimant", "adjuster", "deductible", "premium", "policyholder", "underwriting", "appraisal", "coverage", "rider", "endorsement", "subrogation", "beneficiary"},
		[]string{"HomeGuard", "AutoShield", "TravelSafe", "FloodPlus", "RenterCare"}, []string{"approves", "flags", "reassesses", "escalates", "settles"}},
	{"fleet maintenance", []string{"odometer", "gearbox", "axle", "brake pad", "coolant", "tachograph", "chassis", "alternator", "driveshaft", "tyre tread", "injector", "radiator"},
		[]string{"depot North-7", "van V-220", "truck T-91", "bus line 14", "yard Eastgate"}, []string{"inspects", "services", "grounds", "refits", "replaces"}},
	{"clinical trials", []string{"cohort", "placebo", "dosage", "enrolment", "endpoint", "investigator", "consent form", "adverse event", "randomisation", "protocol", "biomarker", "washout"},
		[]string{"study KX-12", "site Leiden", "arm B", "phase II", "visit 6"}, []string{"records", "unblinds", "screens", "withdraws", "reports"}},
	{"energy billing", []string{"tariff", "meter reading", "kilowatt-hour", "standing charge", "feed-in", "smart meter", "direct debit", "arrears", "peak window", "substation", "rebate", "load profile"},
		[]string{"GreenFix 24", "Economy 7", "FlexSaver", "the SolarShare plan", "region South-West"}, []string{"bills", "estimates", "credits", "switches", "reconciles"}},
	{"university admissions", []string{"applicant", "transcript", "deferral", "scholarship", "interview panel", "offer letter", "clearing", "personal statement", "visa letter", "tuition", "matriculation", "waitlist"},
		[]string{"the MSc Robotics", "Trinity campus", "the 2026 intake", "the Honours track", "faculty of Law"}, []string{"admits", "defers", "shortlists", "rejects", "waitlists"}},
	{"event ticketing", []string{"venue", "seat map", "presale", "wristband", "refund window", "box office", "turnstile", "promoter", "resale", "barcode", "allocation", "headliner"},
		[]string{"Arena Hall", "the Riverside stage", "Festival Day 2", "block C", "the VIP lounge"}, []string{"releases", "voids", "reissues", "scans", "allocates"}},
	{"mobile banking", []string{"overdraft", "standing order", "card freeze", "payee", "two-factor prompt", "statement", "chargeback", "savings pot", "interest rate", "IBAN", "cash limit", "dispute"},
		[]string{"the Plus account", "card ending 4417", "the Joint pot", "the Travel wallet", "branch Kingsway"}, []string{"blocks", "refunds", "limits", "verifies", "unlocks"}},
	{"recipe platform", []string{"ingredient", "serving size", "allergen", "marinade", "prep time", "substitution", "pantry list", "oven setting", "nutrition label", "garnish", "shopping basket", "meal plan"},
		[]string{"the Tuscan stew", "the vegan box", "Chef Amara", "the Family plan", "week 32 menu"}, []string{"scales", "swaps", "suggests", "publishes", "retires"}},
}

type rng struct{ r *rand.Rand }

func newRNG(seed uint64) *rng { return &rng{rand.New(rand.NewPCG(seed, seed^0x5DEECE66D))} }

func (g *rng) n(k int) int                     { return g.r.IntN(k) }
func (g *rng) of(xs []string) string           { return xs[g.r.IntN(len(xs))] }
func (g *rng) domain() domain                  { return domains[g.r.IntN(len(domains))] }
func (g *rng) between(lo, hi int) int          { return lo + g.r.IntN(hi-lo+1) }
func (g *rng) chance(p float64) bool           { return g.r.Float64() < p }
func (g *rng) hex(k int) string                { return fmt.Sprintf("%0*x", k, g.r.Uint64())[:k] }
func (g *rng) shuffle(n int, f func(i, j int)) { g.r.Shuffle(n, f) }

// fact is one sentence of reference text about a domain; each carries a
// number or a name, so two facts rarely share a phrase.
func (g *rng) fact(d domain) string {
	a, b := g.of(d.nouns), g.of(d.nouns)
	switch g.n(6) {
	case 0:
		return fmt.Sprintf("Since March, %s %s every %s whose %s exceeds %d units.", g.of(d.entities), g.of(d.actions), a, b, g.between(3, 950))
	case 1:
		return fmt.Sprintf("The %s for %s is reviewed after %d working days by the %s desk.", a, g.of(d.entities), g.between(2, 60), b)
	case 2:
		return fmt.Sprintf("Our records show %d open items where the %s was missing from the %s.", g.between(2, 400), a, b)
	case 3:
		return fmt.Sprintf("Staff must attach the %s before %s %s the %s (rule %c-%d).", a, g.of(d.entities), g.of(d.actions), b, 'A'+rune(g.n(26)), g.between(10, 99))
	case 4:
		return fmt.Sprintf("In the last audit, %d%% of %s cases lacked a signed %s.", g.between(4, 97), a, b)
	default:
		return fmt.Sprintf("A %s older than %d months no longer counts toward the %s at %s.", a, g.between(2, 36), b, g.of(d.entities))
	}
}

// text returns about n bytes of facts; paragraphs when paras.
func (g *rng) text(d domain, n int, paras bool) string {
	var b strings.Builder
	for k := 0; b.Len() < n; k++ {
		if k > 0 {
			if paras && k%4 == 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteString(" ")
			}
		}
		b.WriteString(g.fact(d))
	}
	return b.String()
}

// cite returns k sentences of src, reworded as an answer citing them.
func (g *rng) cite(src string, k int) string {
	sents := strings.FieldsFunc(src, func(r rune) bool { return r == '.' || r == '\n' })
	var out []string
	for tries := 0; len(out) < k && len(sents) > 0 && tries < 50; tries++ {
		s := strings.TrimSpace(sents[g.n(len(sents))])
		if len(s) > 20 {
			out = append(out, s+".")
		}
	}
	lead := g.of([]string{"From what you sent:", "The material says:", "Short version —", "Here is what applies:", "Per the record:"})
	return lead + " " + strings.Join(out, " ")
}

// chatter is an answer that cites nothing in particular.
func (g *rng) chatter(d domain) string {
	return fmt.Sprintf(g.of([]string{
		"I would contact the %s owner first and confirm the %s before changing anything.",
		"Nothing here changes the %s; keep the current %s and close the ticket.",
		"Escalate to the %s lead; the %s needs a human decision.",
	}), g.of(d.nouns), g.of(d.nouns))
}

// ask returns a question about a domain, distinct in its nouns and number.
func (g *rng) ask(d domain) string {
	a, b := g.of(d.nouns), g.of(d.nouns)
	for b == a {
		b = g.of(d.nouns)
	}
	switch g.n(4) {
	case 0:
		return fmt.Sprintf("Can the %s be waived when the %s arrives late for %s?", a, b, g.of(d.entities))
	case 1:
		return fmt.Sprintf("Who signs off the %s if the %s is disputed on ticket %d?", a, b, g.between(100, 9999))
	case 2:
		return fmt.Sprintf("What happens to the %s after the %s changes at %s?", a, b, g.of(d.entities))
	default:
		return fmt.Sprintf("Is a new %s needed when the %s was already filed in week %d?", a, b, g.between(1, 52))
	}
}

// csvDump is an export of about n bytes.
func (g *rng) csvDump(d domain, n int) string {
	var b strings.Builder
	b.WriteString("record_id,item,owner,amount,status\n")
	for b.Len() < n {
		fmt.Fprintf(&b, "R%d,%s,%s,%d.%02d,%s\n", 10000+g.n(89999), g.of(d.nouns), g.of([]string{"ana", "bo", "chen", "dara", "eli", "fay"}), g.n(5000), g.n(100), g.of([]string{"open", "closed", "held", "void"}))
	}
	return strings.TrimSpace(b.String())
}

// jsonDump is a JSON export of about n bytes.
func (g *rng) jsonDump(d domain, n int) string {
	var b strings.Builder
	b.WriteString(`{"export":"` + d.name + `","rows":[`)
	for k := 0; b.Len() < n; k++ {
		if k > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":%d,"kind":%q,"site":%q,"value":%d,"flag":%t}`, 50000+g.n(49999), g.of(d.nouns), g.of(d.entities), g.n(9000), g.chance(0.3))
	}
	b.WriteString("]}")
	return b.String()
}

// xmlDoc is a tagged document of about n bytes.
func (g *rng) xmlDoc(d domain, n int) string {
	return fmt.Sprintf("<document source=%q id=\"%s\">\n%s\n</document>", d.name+" handbook", g.hex(6), g.text(d, n, true))
}

// pipeTable is a Markdown table of about n bytes.
func (g *rng) pipeTable(d domain, n int) string {
	var b strings.Builder
	b.WriteString("| code | entry | site | count |\n|---|---|---|---|\n")
	for b.Len() < n {
		fmt.Fprintf(&b, "| %s-%d | %s | %s | %d |\n", strings.ToUpper(g.hex(2)), g.n(999), g.of(d.nouns), g.of(d.entities), g.n(700))
	}
	return strings.TrimSpace(b.String())
}

// dump returns a data block of one of four shapes.
func (g *rng) dump(d domain, n int) string {
	switch g.n(4) {
	case 0:
		return g.csvDump(d, n)
	case 1:
		return g.jsonDump(d, n)
	case 2:
		return g.xmlDoc(d, n)
	default:
		return g.pipeTable(d, n)
	}
}

// rows returns k lines of a dump (an answer that uses the data).
func (g *rng) rows(dump string, k int) string {
	ls := strings.Split(dump, "\n")
	if len(ls) < 3 {
		ls = strings.Split(dump, "},{")
	}
	var out []string
	for i := 0; i < k; i++ {
		out = append(out, strings.TrimSpace(ls[1+g.n(len(ls)-1)]))
	}
	return "Relevant entries: " + strings.Join(out, "; ")
}

var intros = []string{
	"Below is the full export from our system.",
	"I'm attaching everything we have on file for this.",
	"Pasting the raw data in case it helps.",
	"Here's the dump the ops team sent over.",
	"For reference, the complete list:",
}

var pleasantries = []string{"Hi! ", "Hello, ", "Hey team — ", "Thanks in advance. ", "Quick one: ", "Sorry to bother you again, "}
