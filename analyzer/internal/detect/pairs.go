package detect

import (
	"cmp"
	"slices"
	"strings"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/fingerprint"
)

// PairShape says how the questions of a candidate pair differ.
type PairShape string

// Pair shapes, from the likeliest paraphrase to the likeliest near-miss.
const (
	// PairReworded: the questions share content words but are worded
	// differently (a paraphrase candidate).
	PairReworded PairShape = "reworded"
	// PairSlots: the questions are one template with other values in its
	// slots (another noun, number or name) — usually a different question.
	PairSlots PairShape = "same_template_other_values"
	// PairOtherData: the same question over context that differs.
	PairOtherData PairShape = "same_question_other_data"
	// PairOtherQuestion: the questions share under minPairQuestion of
	// their content words.
	PairOtherQuestion PairShape = "other_question"
)

// Pair is two calls the offline redundancy rule did not accept as
// duplicates but that may ask the same thing in other words: the same
// instructions (or agent), similar context, a similar request. Only a
// semantic judge (Gemini) can decide them.
type Pair struct {
	// First and Second are the call numbers, First < Second: the call that
	// would be kept and the one that could be served from its answer.
	First, Second int
	// Shape classifies how the questions differ.
	Shape PairShape
	// ContextSim is the word-shingle Jaccard similarity of the context
	// (every non-system block but the final question), -1 when neither
	// call has context.
	ContextSim float64
	// QuestionSim is the Jaccard similarity of the content words of the
	// differing questions (1 when the questions are the same).
	QuestionSim float64
	// OnlyFirst and OnlySecond are content words (canonical, in order, at
	// most maxOnlyWords) that only one question has.
	OnlyFirst, OnlySecond []string
	// FirstQuestion and SecondQuestion are the text of the request blocks
	// (question and instructions of the final message) one call has and
	// the other lacks; both empty for PairOtherData.
	FirstQuestion, SecondQuestion string
	// Score ranks pairs, higher first: similarity weighted by shape.
	Score float64
}

// Candidate-pair limits.
const (
	// pairWindow is how many earlier calls of the same intent each call is
	// compared with, bounding the work to n × pairWindow comparisons.
	pairWindow = 32
	// pairsPerCall is how many partners a call keeps (the best scored).
	pairsPerCall = 3
	// minPairContext is the context similarity two calls with context need.
	minPairContext = 0.5
	// minPairQuestion is the question similarity two calls without context
	// need.
	minPairQuestion = 0.3
	// maxBareQuestion is the longest request (in words) two calls without
	// context may have and still be compared as questions.
	maxBareQuestion = 40
	// maxSlotWords is the longest run of words a template slot replaces.
	maxSlotWords = 3
	// maxAlignWords bounds the question length aligned word by word.
	maxAlignWords = 80
	maxOnlyWords  = 8
)

// shapeWeight scales a pair's similarity by how likely its shape is a
// paraphrase.
var shapeWeight = map[PairShape]float64{PairReworded: 1, PairSlots: 0.5, PairOtherData: 0.4, PairOtherQuestion: 0.3}

// pairInfo is what candidate pairs compare of one call.
type pairInfo struct {
	ci *callInfo
	// ctxSh are the shingles of the context blocks; hasCtx says there are
	// any.
	ctxSh  []uint64
	hasCtx bool
	// history are the canonical hashes of the blocks before the final
	// message: a later turn of the same conversation re-sends them.
	history map[uint64]bool
	// request are the instruction/question blocks of the final message.
	request []block
}

// CandidatePairs returns the pairs of calls a semantic judge should look at
// for redundant calls the offline rule cannot see (paraphrases): calls with
// the same system instructions (or, without them, of the same agent), not
// failed, whose context is at least half similar (or, without context,
// whose short questions share minPairQuestion of their content words), that the
// redundancy rule does not already accept and that are not two turns of
// one conversation. Each call is compared with the pairWindow previous
// calls of its intent and keeps its best pairsPerCall partners; pairs come
// ordered by Score. r must have been built; opts are Run's (the
// similarity threshold decides what the offline rule accepts).
func CandidatePairs(r *run.Run, opts ...Option) []Pair {
	if r == nil || len(r.Calls) < 2 {
		return nil
	}
	cfg := defaultConfig()
	for _, o := range opts {
		o(&cfg)
	}
	s := &state{r: r, cfg: cfg, calls: analyze(r), claimed: map[int]bool{}, memo: tokenMemo{}}
	groups := map[string][]*pairInfo{}
	var order []string
	for _, ci := range s.calls {
		if !ci.hasContent || ci.c.Failed() {
			continue
		}
		k := intentKey(ci)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], newPairInfo(ci))
	}
	var out []Pair
	for _, k := range order {
		g := groups[k]
		for j := 1; j < len(g); j++ {
			var best []Pair
			for i := max(0, j-pairWindow); i < j; i++ {
				if p, ok := s.pairOf(g[i], g[j]); ok {
					best = append(best, p)
				}
			}
			slices.SortStableFunc(best, func(a, b Pair) int { return cmp.Compare(b.Score, a.Score) })
			out = append(out, best[:min(len(best), pairsPerCall)]...)
		}
	}
	slices.SortStableFunc(out, func(a, b Pair) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		if c := cmp.Compare(a.First, b.First); c != 0 {
			return c
		}
		return cmp.Compare(a.Second, b.Second)
	})
	return out
}

// intentKey groups calls by what they are asked to do: the service and
// canonical system instructions, else the agent.
func intentKey(ci *callInfo) string {
	if len(ci.sysHash) > 0 {
		var b strings.Builder
		b.WriteString(ci.c.Service)
		for _, h := range ci.sysHash {
			b.WriteByte(0)
			b.WriteString(fingerprint.FormatHex(h))
		}
		return b.String()
	}
	return "agent\x00" + agentKey(ci.c)
}

func newPairInfo(ci *callInfo) *pairInfo {
	p := &pairInfo{ci: ci, history: map[uint64]bool{}}
	var ctx [][]uint64
	final := len(ci.msgs) - 1
	for _, b := range ci.blocks {
		switch {
		case b.system:
		case b.request:
			p.request = append(p.request, b)
		default:
			ctx = append(ctx, b.feat.shingles)
			p.hasCtx = true
		}
		if !b.system && b.msg < final {
			p.history[b.hash] = true
		}
	}
	p.ctxSh = union(ctx)
	return p
}

// isContentWord reports whether a canonical word carries meaning: not
// filler, not a stopword, and at least 3 bytes or with a digit.
func isContentWord(w string) bool {
	return !fillerWords[w] && !stopwords[w] && (len(w) >= 3 || strings.ContainsAny(w, "0123456789"))
}

// question is the part of a call's request that another call's request
// lacks: its canonical words and content words, and the raw text.
type question struct {
	text    string
	words   []string
	content map[string]bool
}

// differingQuestions returns the request blocks of a that b lacks and of b
// that a lacks (request blocks both send — a pasted record that reads as
// instructions — are shared context, not the question).
func differingQuestions(a, b []block) (question, question) {
	only := func(x, y []block) question {
		in := map[uint64]int{}
		for _, k := range y {
			in[k.hash]++
		}
		var texts []string
		for _, k := range x {
			if in[k.hash] > 0 {
				in[k.hash]--
				continue
			}
			texts = append(texts, k.text)
		}
		q := question{text: strings.Join(texts, "\n\n"), content: map[string]bool{}}
		q.words = wordsOf(fingerprint.Canonical(q.text))
		for _, w := range q.words {
			if isContentWord(w) {
				q.content[w] = true
			}
		}
		return q
	}
	return only(a, b), only(b, a)
}

// pairOf decides whether a (earlier) and b form a candidate pair.
func (s *state) pairOf(a, b *pairInfo) (Pair, bool) {
	if a.hasCtx != b.hasCtx || len(a.request) == 0 || len(b.request) == 0 ||
		s.dupOf(a.ci, b.ci, a.ci.promptHash == b.ci.promptHash) != notDup {
		return Pair{}, false
	}
	// A later turn of the same conversation re-sends the earlier question.
	if b.history[a.request[len(a.request)-1].hash] {
		return Pair{}, false
	}
	p := Pair{First: a.ci.c.Number, Second: b.ci.c.Number, ContextSim: -1}
	if a.hasCtx {
		p.ContextSim = jaccard(a.ctxSh, b.ctxSh)
		if p.ContextSim < minPairContext {
			return Pair{}, false
		}
	}
	qa, qb := differingQuestions(a.request, b.request)
	p.QuestionSim = wordJaccard(qa.content, qb.content)
	if qa.text == "" && qb.text == "" {
		p.QuestionSim = 1
	}
	// Without context a long request is data itself (a ticket to classify,
	// an email to translate): other words are other data, not a paraphrase.
	if !a.hasCtx && (p.QuestionSim < minPairQuestion || len(qa.words) > maxBareQuestion || len(qb.words) > maxBareQuestion) {
		return Pair{}, false
	}
	p.FirstQuestion, p.SecondQuestion = qa.text, qb.text
	p.OnlyFirst, p.OnlySecond = onlyIn(qa.words, qb.content), onlyIn(qb.words, qa.content)
	switch {
	case qa.text == "" && qb.text == "":
		p.Shape = PairOtherData
	case slotsOnly(qa.words, qb.words):
		p.Shape = PairSlots
	case p.QuestionSim < minPairQuestion:
		p.Shape = PairOtherQuestion
	default:
		p.Shape = PairReworded
	}
	sim := p.QuestionSim
	if p.ContextSim >= 0 {
		sim = (p.ContextSim + 3*p.QuestionSim) / 4
	}
	p.Score = sim * shapeWeight[p.Shape]
	return p, true
}

// wordJaccard is |a∩b| / |a∪b| of two word sets (0 when both are empty).
func wordJaccard(a, b map[string]bool) float64 {
	inter := 0
	for w := range a {
		if b[w] {
			inter++
		}
	}
	if u := len(a) + len(b) - inter; u > 0 {
		return float64(inter) / float64(u)
	}
	return 0
}

// onlyIn returns the distinct content words of ws (in order) that other
// lacks, at most maxOnlyWords.
func onlyIn(ws []string, other map[string]bool) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range ws {
		if isContentWord(w) && !other[w] && !seen[w] {
			seen[w] = true
			if out = append(out, w); len(out) == maxOnlyWords {
				break
			}
		}
	}
	return out
}

// slotsOnly reports whether two word sequences are one template with other
// values: aligned by their longest common subsequence, covering at least
// 60 % of the longer one, every difference is a substitution of at most
// maxSlotWords words on each side that changes a content word.
func slotsOnly(a, b []string) bool {
	if len(a) == 0 || len(b) == 0 || len(a) > maxAlignWords || len(b) > maxAlignWords {
		return false
	}
	// l[i][j] is the LCS length of a[i:] and b[j:].
	l := make([][]int, len(a)+1)
	for i := range l {
		l[i] = make([]int, len(b)+1)
	}
	for i := len(a) - 1; i >= 0; i-- {
		for j := len(b) - 1; j >= 0; j-- {
			if a[i] == b[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	if 10*l[0][0] < 6*max(len(a), len(b)) {
		return false
	}
	runs := 0
	for i, j := 0, 0; i < len(a) || j < len(b); {
		if i < len(a) && j < len(b) && a[i] == b[j] {
			i, j = i+1, j+1
			continue
		}
		// Collect one run of differences on both sides.
		i0, j0 := i, j
		for i < len(a) || j < len(b) {
			if i < len(a) && j < len(b) && a[i] == b[j] {
				break
			}
			if j >= len(b) || i < len(a) && l[i+1][j] >= l[i][j+1] {
				i++
			} else {
				j++
			}
		}
		da, db := a[i0:i], b[j0:j]
		if len(da) == 0 || len(db) == 0 || len(da) > maxSlotWords || len(db) > maxSlotWords ||
			!slices.ContainsFunc(da, isContentWord) && !slices.ContainsFunc(db, isContentWord) {
			return false
		}
		runs++
	}
	return runs > 0
}
