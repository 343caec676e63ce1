package detect

import (
	"cmp"
	"slices"
	"strings"

	"github.com/cespare/xxhash/v2"
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
	// request are the instruction/question blocks of the final message,
	// requestWords their number of words.
	request      []requestBlock
	requestWords int
}

// requestBlock is one instruction/question block with its canonical words.
type requestBlock struct {
	hash    uint64
	text    string
	words   []string
	content []uint64 // sorted distinct content-word hashes
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
		p := newPairInfo(ci)
		// Without context a long request is data itself (a ticket to
		// classify, an email to translate): other words are other data,
		// not a paraphrase.
		if len(p.request) == 0 || !p.hasCtx && p.requestWords > maxBareQuestion {
			continue
		}
		k := intentKey(ci)
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], p)
	}
	var out []Pair
	for _, k := range order {
		g := groups[k]
		for j := 1; j < len(g); j++ {
			var best []candidate
			for i := max(0, j-pairWindow); i < j; i++ {
				if c, ok := s.pairOf(g[i], g[j]); ok {
					best = append(best, c)
				}
			}
			slices.SortStableFunc(best, func(a, b candidate) int { return cmp.Compare(b.Score, a.Score) })
			for _, c := range best[:min(len(best), pairsPerCall)] {
				out = append(out, c.details())
			}
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
			p.request = append(p.request, requestBlock{hash: b.hash, text: b.text})
			p.requestWords += b.feat.wordCount
		default:
			ctx = append(ctx, b.feat.shingles)
			p.hasCtx = true
		}
		if !b.system && b.msg < final {
			p.history[b.hash] = true
		}
	}
	p.ctxSh = union(ctx)
	// Words are needed only for requests that can pair.
	if p.hasCtx || p.requestWords <= maxBareQuestion {
		for i := range p.request {
			p.request[i].words = wordsOf(fingerprint.Canonical(p.request[i].text))
			p.request[i].content = contentHashes(p.request[i].words)
		}
	}
	return p
}

// isContentWord reports whether a canonical word carries meaning: not
// filler, not a stopword, and at least 3 bytes or with a digit.
func isContentWord(w string) bool {
	return !fillerWords[w] && !stopwords[w] && (len(w) >= 3 || strings.ContainsAny(w, "0123456789"))
}

// question is the part of a call's request that another call's request
// lacks: its blocks, canonical words and sorted distinct content-word
// hashes.
type question struct {
	blocks  []requestBlock
	words   []string
	content []uint64
}

func (q question) empty() bool { return len(q.blocks) == 0 }

func (q question) text() string {
	texts := make([]string, len(q.blocks))
	for i, b := range q.blocks {
		texts[i] = b.text
	}
	return strings.Join(texts, "\n\n")
}

// differingQuestions returns the request blocks of a that b lacks and of b
// that a lacks (request blocks both send — a pasted record that reads as
// instructions — are shared context, not the question).
func differingQuestions(a, b []requestBlock) (question, question) {
	only := func(x, y []requestBlock) question {
		var q question
		for _, k := range x {
			if !slices.ContainsFunc(y, func(o requestBlock) bool { return o.hash == k.hash }) {
				q.blocks = append(q.blocks, k)
			}
		}
		// One differing block (the usual question) is used without copies.
		if len(q.blocks) == 1 {
			q.words, q.content = q.blocks[0].words, q.blocks[0].content
			return q
		}
		sets := make([][]uint64, len(q.blocks))
		for i, k := range q.blocks {
			q.words = append(q.words, k.words...)
			sets[i] = k.content
		}
		q.content = union(sets)
		return q
	}
	return only(a, b), only(b, a)
}

// contentHashes returns the sorted distinct hashes of the content words of
// ws.
func contentHashes(ws []string) []uint64 {
	var out []uint64
	for _, w := range ws {
		if isContentWord(w) {
			out = append(out, xxhash.Sum64String(w))
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// candidate is a pair with the calls it compares, until its details are
// written.
type candidate struct {
	Pair
	qa, qb question
}

// pairOf decides whether a (earlier) and b form a candidate pair. Cheap
// tests come first: most pairs of a busy agent fail on context.
func (s *state) pairOf(a, b *pairInfo) (candidate, bool) {
	// A later turn of the same conversation re-sends the earlier question.
	if a.hasCtx != b.hasCtx || b.history[a.request[len(a.request)-1].hash] {
		return candidate{}, false
	}
	p := Pair{First: a.ci.c.Number, Second: b.ci.c.Number, ContextSim: -1}
	if a.hasCtx {
		p.ContextSim = jaccard(a.ctxSh, b.ctxSh)
		if p.ContextSim < minPairContext {
			return candidate{}, false
		}
	}
	if s.dupOf(a.ci, b.ci, a.ci.promptHash == b.ci.promptHash) != notDup {
		return candidate{}, false
	}
	qa, qb := differingQuestions(a.request, b.request)
	switch {
	case qa.empty() && qb.empty():
		p.QuestionSim = 1
	case len(qa.content) > 0 || len(qb.content) > 0:
		p.QuestionSim = jaccard(qa.content, qb.content)
	}
	if !a.hasCtx && p.QuestionSim < minPairQuestion {
		return candidate{}, false
	}
	switch {
	case qa.empty() && qb.empty():
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
	return candidate{p, qa, qb}, true
}

// details fills the texts and the words only one question has, for the
// pairs kept.
func (c candidate) details() Pair {
	p := c.Pair
	p.FirstQuestion, p.SecondQuestion = c.qa.text(), c.qb.text()
	p.OnlyFirst, p.OnlySecond = onlyIn(c.qa.words, c.qb.content), onlyIn(c.qb.words, c.qa.content)
	return p
}

// onlyIn returns the distinct content words of ws (in order) whose hash
// other (sorted) lacks, at most maxOnlyWords.
func onlyIn(ws []string, other []uint64) []string {
	var out []string
	for _, w := range ws {
		if !isContentWord(w) || slices.Contains(out, w) {
			continue
		}
		if _, found := slices.BinarySearch(other, xxhash.Sum64String(w)); !found {
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
