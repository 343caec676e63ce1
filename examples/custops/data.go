package custops

import (
	"fmt"
	"strings"
)

// Ticket is one customer message of the queue a run works through.
type Ticket struct {
	ID       string
	Customer string
	Language string
	Order    string
	Text     string
	// Topic are the words the knowledge base files the issue under.
	Topic string
}

// Tickets is the queue every run handles.
var Tickets = []Ticket{
	{"T-2001", "Ada Lovelace", "French", "ORD-5101", "I was charged twice for the Team plan this month, please refund the duplicate charge.", "duplicate charge refund"},
	{"T-2002", "Grace Hopper", "German", "ORD-5102", "The export button crashes the dashboard since this morning's update.", "export crash dashboard"},
	{"T-2003", "Alan Turing", "Spanish", "ORD-5103", "Please add dark mode to the mobile app, my whole team keeps asking for it.", "dark mode mobile"},
	{"T-2004", "Katherine Johnson", "French", "ORD-5104", "I am locked out after too many password attempts and the reset email never arrives.", "password reset lockout"},
	{"T-2005", "Edsger Dijkstra", "Dutch", "ORD-5105", "Our invoice is missing the VAT number of our company, we need a corrected invoice.", "invoice vat correction"},
	{"T-2006", "Barbara Liskov", "Italian", "ORD-5106", "The hardware token we ordered two weeks ago has still not been delivered.", "delayed delivery parcel"},
	{"T-2007", "Donald Knuth", "German", "ORD-5107", "How do I cancel the annual subscription before it renews next month?", "cancel annual subscription"},
	{"T-2008", "Margaret Hamilton", "Portuguese", "ORD-5108", "Our webhooks keep failing with timeouts and the retries never succeed.", "webhook retries timeout"},
	{"T-2009", "John Backus", "Spanish", "ORD-5109", "If we upgrade from Team to Business mid-cycle, how is the proration calculated?", "upgrade proration business"},
}

// article is one knowledge-base article: a single paragraph, so a reply
// that quotes it uses the whole block.
type article struct {
	id, topic, text string
}

// kb holds three articles per ticket topic, about articleSentences
// sentences each.
var kb = buildKB()

const articleSentences = 600

func buildKB() []article {
	var out []article
	for ti, t := range Tickets {
		words := strings.Fields(t.Topic)
		for a := range 3 {
			var b strings.Builder
			id := fmt.Sprintf("KB-%d%02d", ti+1, a+1)
			fmt.Fprintf(&b, "Article %s on %s: ", id, t.Topic)
			for s := range articleSentences {
				w1, w2 := words[s%len(words)], words[(s+1+a)%len(words)]
				fmt.Fprintf(&b, "%s %s %s %s. ", sentenceOpen[(s+a)%len(sentenceOpen)], w1,
					sentenceMid[(s*3+ti)%len(sentenceMid)], w2)
			}
			out = append(out, article{id: id, topic: t.Topic, text: strings.TrimSpace(b.String())})
		}
	}
	return out
}

var sentenceOpen = []string{
	"In step one the agent reviews the", "Records show that every", "The documented procedure for a",
	"Escalate to tier two when the", "Customers on annual terms expect the", "A supervisor signs off on any",
	"The audit trail keeps each", "Regional rules change how a", "Automation handles most cases of the",
	"Service levels require that the",
}

var sentenceMid = []string{
	"case is logged with its ledger entry and the", "request is answered within one business day citing the",
	"issue is matched against the incident register before the", "workflow closes only after confirming the",
	"ticket carries the account identifier and the", "exception needs written approval naming the",
	"note links the related change request and the",
}

// handbook is the researcher's large static system prompt: instructions
// that never change between calls (cacheable), in the second person.
var handbook = buildHandbook()

const handbookRules = 390

func buildHandbook() string {
	verbs := []string{"verify", "record", "confirm", "never promise", "always cite", "escalate", "document", "double-check"}
	objects := []string{"the identity of the requester", "the tier of the subscription", "the internal case number",
		"the applicable policy clause", "the timeline you can commit to", "the approvals you obtained",
		"the systems you consulted", "the data you may disclose"}
	whens := []string{"before you answer", "when the requester is an administrator", "if the case touches personal data",
		"whenever a partner account is involved", "when the case is older than a week", "if a prior case exists"}
	var b strings.Builder
	b.WriteString("You are the research agent of the customer operations team. You answer questions using the knowledge base passages you are given.\n")
	for i := range handbookRules {
		fmt.Fprintf(&b, "Rule %d: you must %s %s %s, and you keep your notes factual.\n", i+1,
			verbs[i%len(verbs)], objects[(i/len(verbs)+i)%len(objects)], whens[(i*5)%len(whens)])
	}
	return b.String()
}

// styleGuide is the writer's large static system prompt.
var styleGuide = buildStyleGuide()

const styleRules = 200

func buildStyleGuide() string {
	dos := []string{"greet the person by name", "keep sentences short", "state the next step first", "avoid internal jargon",
		"thank them for their patience", "offer one clear action", "sign with the team name", "use plain words"}
	contexts := []string{"in the opening", "in the closing", "when you apologize", "when you quote a policy",
		"when you give a date", "when you decline"}
	var b strings.Builder
	b.WriteString("You are the writing agent of the customer operations team. You draft replies to customers.\n")
	for i := range styleRules {
		fmt.Fprintf(&b, "Style %d: you %s %s so that your tone stays warm and precise.\n", i+1,
			dos[i%len(dos)], contexts[(i*7)%len(contexts)])
	}
	return b.String()
}

// catalog is the whole product catalog, which the wasteful reviewer gets
// pasted into every request although reviewing a reply never needs it.
var catalog = buildCatalog()

const catalogItems = 1070

func buildCatalog() string {
	families := []string{"Sensor", "Gateway", "Badge", "Console", "Relay", "Beacon", "Camera", "Hub"}
	finishes := []string{"graphite", "silver", "white", "sand", "navy"}
	var b strings.Builder
	b.WriteString("PRODUCT CATALOG — full export, revision 2026-11\n")
	b.WriteString("| sku | product | finish | weight (g) | list price | warranty (months) | lead time (days) |\n|---|---|---|---|---|---|---|\n")
	for i := range catalogItems {
		fmt.Fprintf(&b, "| CAT-%04d | %s %s Mk%d | %s | %d | %d.%02d EUR | %d | %d |\n", 1000+i,
			families[i%len(families)], []string{"Pro", "Lite", "Max", "Mini"}[i/len(families)%4], 1+i%7,
			finishes[(i*3)%len(finishes)], 40+(i*37)%900, 19+(i*53)%480, (i*7)%100, 12+12*(i%3), 2+(i*11)%28)
	}
	return b.String()
}

// searchKB is the researcher's retrieval tool: the three articles filed
// under the ticket's topic words.
func searchKB(topic string) []article {
	want := map[string]bool{}
	for _, w := range strings.Fields(topic) {
		want[w] = true
	}
	var out []article
	for _, a := range kb {
		n := 0
		for _, w := range strings.Fields(a.topic) {
			if want[w] {
				n++
			}
		}
		if n == len(want) {
			out = append(out, a)
		}
	}
	return out
}
