package pricing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// genaiFile is a genai-prices data file: the embedded genaiprices.json
// (written by make prices) or, with only a provider list, upstream's
// data.json.
type genaiFile struct {
	Source    string          `json:"source"`
	Providers []genaiProvider `json:"providers"`
}

type genaiProvider struct {
	ID            string          `json:"id"`
	Name          string          `json:"name"`
	PricingURLs   []string        `json:"pricing_urls"`
	ProviderMatch json.RawMessage `json:"provider_match"`
	ModelMatch    json.RawMessage `json:"model_match"`
	Fallback      []string        `json:"fallback_model_providers"`
	Models        []genaiModel    `json:"models"`
}

type genaiModel struct {
	ID            string          `json:"id"`
	Name          string          `json:"name"`
	Match         json.RawMessage `json:"match"`
	ContextWindow json.Number     `json:"context_window"`
	Deprecated    bool            `json:"deprecated"`
	Prices        json.RawMessage `json:"prices"`
}

type genaiConditional struct {
	Constraint *genaiConstraint `json:"constraint"`
	Prices     json.RawMessage  `json:"prices"`
}

type genaiConstraint struct {
	Type      string `json:"type"`
	StartDate string `json:"start_date"`
	StartTime string `json:"start_time"`
	EndTime   string `json:"end_time"`
}

// genaiKeys maps the genai-prices price keys Kaizen bills to a rate and the
// number of units the price is quoted for. Other keys (audio, images, web
// searches…) price usage Kaizen does not record and are ignored.
var genaiKeys = map[string]struct {
	rate func(*Rates) *Rate
	per  int64
}{
	"input_mtok":            {func(r *Rates) *Rate { return &r.Input }, 1_000_000},
	"output_mtok":           {func(r *Rates) *Rate { return &r.Output }, 1_000_000},
	"cache_read_mtok":       {func(r *Rates) *Rate { return &r.CacheRead }, 1_000_000},
	"cache_write_mtok":      {func(r *Rates) *Rate { return &r.CacheWrite }, 1_000_000},
	"cache_write_1h_mtok":   {func(r *Rates) *Rate { return &r.CacheWrite1h }, 1_000_000},
	"output_reasoning_mtok": {func(r *Rates) *Rate { return &r.Reasoning }, 1_000_000},
	"requests_kcount":       {func(r *Rates) *Rate { return &r.Request }, 1000},
}

// ParseGenAI decodes a genai-prices data file (the embedded genaiprices.json
// or upstream's data.json, a bare provider list) into a table of the given
// version. name is used in error messages.
func ParseGenAI(data []byte, name, version string) (*Table, error) {
	var f genaiFile
	trimmed := bytes.TrimSpace(data)
	var err error
	if len(trimmed) > 0 && trimmed[0] == '[' {
		err = json.Unmarshal(trimmed, &f.Providers)
	} else {
		err = json.Unmarshal(trimmed, &f)
	}
	if err != nil {
		return nil, fmt.Errorf("parse genai-prices data %s: %w", name, err)
	}
	if len(f.Providers) == 0 {
		return nil, fmt.Errorf("parse genai-prices data %s: no providers", name)
	}
	if version == "" {
		version = f.Source
	}
	t := newTable(version)
	l := t.layers[0]
	for pi, gp := range f.Providers {
		if err := l.addGenAI(gp); err != nil {
			return nil, fmt.Errorf("parse genai-prices data %s: providers[%d] %q: %w", name, pi, gp.ID, err)
		}
	}
	return t, nil
}

func (l *layer) addGenAI(gp genaiProvider) error {
	if strings.TrimSpace(gp.ID) == "" {
		return errors.New("missing id")
	}
	if _, dup := l.providers[normProvider(gp.ID)]; dup {
		return errors.New("provider defined twice")
	}
	p := l.provider(gp.ID)
	for _, r := range []struct {
		raw json.RawMessage
		dst **matcher
	}{{gp.ProviderMatch, &p.providerMatch}, {gp.ModelMatch, &p.modelMatch}} {
		if len(r.raw) == 0 || string(r.raw) == "null" {
			continue
		}
		m, err := parseMatch(r.raw)
		if err != nil {
			return err
		}
		*r.dst = &m
	}
	for _, f := range gp.Fallback {
		p.fallback = append(p.fallback, normProvider(f))
	}
	source := "https://github.com/pydantic/genai-prices"
	if len(gp.PricingURLs) > 0 {
		source = gp.PricingURLs[0]
	}
	for mi, gm := range gp.Models {
		m, err := gm.build(p.name, source)
		if err != nil {
			return fmt.Errorf("models[%d] %q: %w", mi, gm.ID, err)
		}
		p.append(m)
	}
	// Kaizen rule: a model's own id names it even where genai-prices' match
	// rules miss it (e.g. Bedrock's "regional.*" ids), unless another model
	// of the provider matches the id, which calcPrice would return.
	for pos, m := range p.models {
		if id := normModel(m.Name); p.find(id) == nil {
			p.exact[id] = pos
		}
	}
	return nil
}

func (gm *genaiModel) build(provider, source string) (*Model, error) {
	if strings.TrimSpace(gm.ID) == "" {
		return nil, errors.New("missing id")
	}
	match, err := parseMatch(gm.Match)
	if err != nil {
		return nil, err
	}
	m := &Model{Provider: provider, Name: gm.ID, DisplayName: gm.Name, Source: source,
		Deprecated: gm.Deprecated, match: match, Kind: KindChat, Family: Family(gm.ID)}
	if gm.ContextWindow != "" {
		cw, err := strconv.ParseFloat(string(gm.ContextWindow), 64)
		if err != nil || cw < 0 || cw > 1<<53 {
			return nil, fmt.Errorf("context_window %q is not a token count", gm.ContextWindow)
		}
		m.ContextWindow = int64(cw)
	}
	var conds []genaiConditional
	if p := bytes.TrimSpace(gm.Prices); len(p) > 0 && p[0] == '[' {
		if err := json.Unmarshal(p, &conds); err != nil {
			return nil, fmt.Errorf("prices: %w", err)
		}
		if len(conds) == 0 {
			return nil, errors.New("prices: empty list")
		}
	} else {
		conds = []genaiConditional{{Prices: gm.Prices}}
	}
	for i, c := range conds {
		rates, tiers, inexact, err := genaiPrices(c.Prices)
		if err != nil {
			return nil, fmt.Errorf("prices[%d]: %w", i, err)
		}
		m.inexact = m.inexact || inexact
		if i == 0 {
			m.Rates, m.Tiers = rates, tiers
			continue
		}
		ch := PriceChange{Rates: rates, Tiers: tiers}
		if err := c.Constraint.apply(&ch); err != nil {
			return nil, fmt.Errorf("prices[%d]: %w", i, err)
		}
		if !ch.Start.IsZero() && ch.Start.Format(time.DateOnly) > m.Effective {
			m.Effective = ch.Start.Format(time.DateOnly)
		}
		m.Changes = append(m.Changes, ch)
	}
	switch {
	case m.Input.OK && !m.Output.OK:
		m.Kind = KindEmbedding
	case !m.Input.OK && !m.Output.OK:
		m.Kind = KindOther
	}
	return m, nil
}

// apply sets the constraint of a change; a missing constraint applies always.
func (c *genaiConstraint) apply(ch *PriceChange) error {
	if c == nil {
		return nil
	}
	typ := c.Type
	if typ == "" { // upstream data.json may omit the type
		typ = "start_date"
		if c.StartTime != "" || c.EndTime != "" {
			typ = "time_of_date"
		}
	}
	switch typ {
	case "start_date":
		d, err := time.Parse(time.DateOnly, c.StartDate)
		if err != nil {
			return fmt.Errorf("start_date %q: %w", c.StartDate, err)
		}
		ch.Start = d
	case "time_of_date":
		from, err := parseTimeOfDay(c.StartTime)
		if err != nil {
			return err
		}
		to, err := parseTimeOfDay(c.EndTime)
		if err != nil {
			return err
		}
		ch.Daily, ch.FromMs, ch.ToMs = true, from, to
	default:
		return fmt.Errorf("unknown constraint type %q", c.Type)
	}
	return nil
}

var timeOfDay = regexp.MustCompile(`^(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|([+-])(\d{2}):(\d{2}))$`)

// parseTimeOfDay reads "HH:MM:SS[.fff](Z|±HH:MM)" as milliseconds after
// UTC midnight.
func parseTimeOfDay(s string) (int64, error) {
	g := timeOfDay.FindStringSubmatch(s)
	if g == nil {
		return 0, fmt.Errorf("time of day %q is not HH:MM:SS with a zone", s)
	}
	n := func(x string) int64 { v, _ := strconv.ParseInt(x, 10, 64); return v }
	h, mi, sec := n(g[1]), n(g[2]), n(g[3])
	oh, om := n(g[7]), n(g[8])
	if h > 23 || mi > 59 || sec > 59 || oh > 23 || om > 59 {
		return 0, fmt.Errorf("time of day %q out of range", s)
	}
	frac := (g[4] + "000")[:3]
	ms := ((h*60+mi)*60+sec)*1000 + n(frac)
	off := (oh*60 + om) * 60_000
	if g[6] == "-" {
		off = -off
	}
	const day = 86_400_000
	return ((ms-off)%day + day) % day, nil
}

// genaiPrices converts a ModelPrice object into rates and tiers. Each price
// key may be tiered on the request's input tokens; a tier of the result
// holds, for every tiered key, the price in force above its threshold.
func genaiPrices(raw json.RawMessage) (Rates, []Tier, bool, error) {
	var r Rates
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return r, nil, false, fmt.Errorf("model price: %w", err)
	}
	type tiered struct {
		key    string
		starts []int64
		prices []Rate
	}
	var ts []tiered
	inexact := false
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := bytes.TrimSpace(obj[k])
		spec, ok := genaiKeys[k]
		if !ok || string(v) == "null" {
			continue
		}
		if len(v) > 0 && v[0] == '{' {
			var tp struct {
				Base  json.Number `json:"base"`
				Tiers []struct {
					Start json.Number `json:"start"`
					Price json.Number `json:"price"`
				} `json:"tiers"`
			}
			if err := json.Unmarshal(v, &tp); err != nil {
				return r, nil, false, fmt.Errorf("%s: %w", k, err)
			}
			base, ex, err := genaiRate(tp.Base, spec.per)
			if err != nil {
				return r, nil, false, fmt.Errorf("%s base: %w", k, err)
			}
			inexact = inexact || ex
			*spec.rate(&r) = base
			t := tiered{key: k}
			for i, tier := range tp.Tiers {
				start, err := strconv.ParseInt(string(tier.Start), 10, 64)
				if err != nil || start < 0 {
					return r, nil, false, fmt.Errorf("%s tiers[%d]: start %q is not a token count", k, i, tier.Start)
				}
				p, ex, err := genaiRate(tier.Price, spec.per)
				if err != nil {
					return r, nil, false, fmt.Errorf("%s tiers[%d]: %w", k, i, err)
				}
				inexact = inexact || ex
				t.starts, t.prices = append(t.starts, start), append(t.prices, p)
			}
			// calcPrice sorts a key's tiers by start (stable) and takes the last one exceeded.
			idx := make([]int, len(t.starts))
			for i := range idx {
				idx[i] = i
			}
			sort.SliceStable(idx, func(a, b int) bool { return t.starts[idx[a]] < t.starts[idx[b]] })
			s2, p2 := make([]int64, len(idx)), make([]Rate, len(idx))
			for i, j := range idx {
				s2[i], p2[i] = t.starts[j], t.prices[j]
			}
			t.starts, t.prices = s2, p2
			ts = append(ts, t)
			continue
		}
		rate, ex, err := genaiRate(json.Number(v), spec.per)
		if err != nil {
			return r, nil, false, fmt.Errorf("%s: %w", k, err)
		}
		inexact = inexact || ex
		*spec.rate(&r) = rate
	}
	var starts []int64
	for _, t := range ts {
		starts = append(starts, t.starts...)
	}
	sort.Slice(starts, func(i, j int) bool { return starts[i] < starts[j] })
	var tiers []Tier
	for i, s := range starts {
		if i > 0 && s == starts[i-1] {
			continue
		}
		tier := Tier{AboveInputTokens: s}
		for _, t := range ts {
			for j, ts := range t.starts {
				if ts <= s {
					*genaiKeys[t.key].rate(&tier.Rates) = t.prices[j]
				}
			}
		}
		tiers = append(tiers, tier)
	}
	return r, tiers, inexact, nil
}

var picoPerDollar = big.NewRat(int64(Dollar), 1)

// genaiRate converts a JSON price in USD per `per` units into an exact
// per-unit Rate, rounding (half away from zero) to one pico-dollar when the
// price is finer; inexact reports that rounding.
func genaiRate(n json.Number, per int64) (Rate, bool, error) {
	v, ok := new(big.Rat).SetString(string(n))
	if !ok {
		return Rate{}, false, fmt.Errorf("price %q is not a number", n)
	}
	if v.Sign() < 0 {
		return Rate{}, false, fmt.Errorf("price %q is negative", n)
	}
	v.Mul(v, picoPerDollar)
	v.Quo(v, big.NewRat(per, 1))
	q, rem := new(big.Int).QuoRem(v.Num(), v.Denom(), new(big.Int))
	inexact := rem.Sign() != 0
	if inexact && new(big.Int).Lsh(rem, 1).Cmp(v.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if !q.IsInt64() {
		return Rate{}, false, fmt.Errorf("price %q out of range", n)
	}
	return Rate{PerToken: USD(q.Int64()), OK: true}, inexact, nil
}
