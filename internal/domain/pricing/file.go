package pricing

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// fileTable is the on-disk shape of a price table (see prices.yaml).
type fileTable struct {
	Version   string         `yaml:"version"`
	Replace   bool           `yaml:"replace"`
	Providers []fileProvider `yaml:"providers"`
}

type fileProvider struct {
	Name          string      `yaml:"name"`
	Aliases       []string    `yaml:"aliases"`
	BatchDiscount string      `yaml:"batch_discount"`
	Models        []fileModel `yaml:"models"`
}

type fileRates struct {
	Input        string `yaml:"input"`
	Output       string `yaml:"output"`
	CacheRead    string `yaml:"cache_read"`
	CacheWrite   string `yaml:"cache_write"`
	CacheWrite1h string `yaml:"cache_write_1h"`
	Reasoning    string `yaml:"reasoning"`
}

type fileTier struct {
	AboveInputTokens int64 `yaml:"above_input_tokens"`
	fileRates        `yaml:",inline"`
}

type fileModel struct {
	Name          string   `yaml:"name"`
	Aliases       []string `yaml:"aliases"`
	Kind          string   `yaml:"kind"`
	Effective     string   `yaml:"effective"`
	Source        string   `yaml:"source"`
	ContextWindow int64    `yaml:"context_window"`
	Reasoning     bool     `yaml:"reasoning_model"`
	BatchDiscount *string  `yaml:"batch_discount"`
	fileRates     `yaml:",inline"`
	Tiers         []fileTier `yaml:"tiers"`
}

// Parse decodes a price table from YAML (or JSON, a YAML subset). Prices are
// decimal strings in USD per one million tokens with at most 6 decimal
// places. name is used in error messages.
func Parse(data []byte, name string) (*Table, error) {
	var f fileTable
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return nil, fmt.Errorf("parse price table %s: %w", name, err)
	}
	t, err := f.build()
	if err != nil {
		return nil, fmt.Errorf("parse price table %s: %w", name, err)
	}
	t.replace = f.Replace
	return t, nil
}

func (f *fileTable) build() (*Table, error) {
	if strings.TrimSpace(f.Version) == "" {
		return nil, errors.New("missing top-level version")
	}
	t := newTable(f.Version)
	for pi, fp := range f.Providers {
		if fp.Name == "" {
			return nil, fmt.Errorf("providers[%d]: missing name", pi)
		}
		defDisc, err := parseFraction(fp.BatchDiscount)
		if err != nil {
			return nil, fmt.Errorf("provider %s: batch_discount: %w", fp.Name, err)
		}
		p := t.layers[0].provider(fp.Name)
		p.batchDiscount = defDisc
		for _, a := range fp.Aliases {
			t.aliases[normProvider(a)] = p.name
		}
		for mi, fm := range fp.Models {
			m, err := fm.build(p.name, defDisc)
			if err != nil {
				return nil, fmt.Errorf("provider %s: models[%d] %q: %w", fp.Name, mi, fm.Name, err)
			}
			if err := p.add(m); err != nil {
				return nil, fmt.Errorf("provider %s: %w", fp.Name, err)
			}
		}
	}
	return t, nil
}

func (fm *fileModel) build(provider string, defDisc Fraction) (*Model, error) {
	if fm.Name == "" {
		return nil, errors.New("missing name")
	}
	if _, err := time.Parse(time.DateOnly, fm.Effective); err != nil {
		return nil, fmt.Errorf("effective date %q is not YYYY-MM-DD", fm.Effective)
	}
	if strings.TrimSpace(fm.Source) == "" {
		return nil, errors.New("missing source")
	}
	m := &Model{
		Provider: provider, Name: fm.Name, Aliases: fm.Aliases, Kind: Kind(fm.Kind),
		Effective: fm.Effective, Source: fm.Source, ContextWindow: fm.ContextWindow,
		Reasoning: fm.Reasoning, BatchDiscount: defDisc, Family: Family(fm.Name),
	}
	switch m.Kind {
	case "":
		m.Kind = KindChat
	case KindChat, KindEmbedding:
	default:
		return nil, fmt.Errorf("unknown kind %q (want chat or embedding)", fm.Kind)
	}
	if fm.BatchDiscount != nil {
		d, err := parseFraction(*fm.BatchDiscount)
		if err != nil {
			return nil, fmt.Errorf("batch_discount: %w", err)
		}
		m.BatchDiscount = d
	}
	var err error
	if m.Rates, err = fm.fileRates.build(); err != nil {
		return nil, err
	}
	if !m.Input.OK {
		return nil, errors.New("missing input price")
	}
	if m.Kind == KindChat && !m.Output.OK {
		return nil, errors.New("missing output price for a chat model")
	}
	prev := int64(-1)
	for i, ft := range fm.Tiers {
		if ft.AboveInputTokens <= prev {
			return nil, fmt.Errorf("tiers[%d]: above_input_tokens must be positive and ascending", i)
		}
		prev = ft.AboveInputTokens
		r, err := ft.fileRates.build()
		if err != nil {
			return nil, fmt.Errorf("tiers[%d]: %w", i, err)
		}
		m.Tiers = append(m.Tiers, Tier{AboveInputTokens: ft.AboveInputTokens, Rates: r})
	}
	return m, nil
}

func (fr fileRates) build() (Rates, error) {
	var r Rates
	for _, f := range [...]struct {
		name string
		src  string
		dst  *Rate
	}{
		{"input", fr.Input, &r.Input}, {"output", fr.Output, &r.Output},
		{"cache_read", fr.CacheRead, &r.CacheRead}, {"cache_write", fr.CacheWrite, &r.CacheWrite},
		{"cache_write_1h", fr.CacheWrite1h, &r.CacheWrite1h}, {"reasoning", fr.Reasoning, &r.Reasoning},
	} {
		if f.src == "" {
			continue
		}
		rate, err := ParsePerMillion(f.src)
		if err != nil {
			return r, fmt.Errorf("%s: %w", f.name, err)
		}
		*f.dst = rate
	}
	return r, nil
}

// ParsePerMillion parses a price in USD per one million tokens ("2.50")
// into an exact per-token Rate. Prices finer than 1 pico-dollar per token
// (more than 6 decimal places) and negative prices are rejected.
func ParsePerMillion(s string) (Rate, error) {
	v, err := ParseUSD(strings.TrimSpace(s))
	if err != nil {
		return Rate{}, err
	}
	if v < 0 {
		return Rate{}, fmt.Errorf("price %q is negative", s)
	}
	if v%1_000_000 != 0 {
		return Rate{}, fmt.Errorf("price %q per million tokens has more than 6 decimal places", s)
	}
	return Rate{PerToken: v / 1_000_000, OK: true}, nil
}

// parseFraction parses "0.5" (or "50%") into millionths.
func parseFraction(s string) (Fraction, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	pct := strings.HasSuffix(s, "%")
	v, err := ParseUSD(strings.TrimSuffix(s, "%"))
	if err != nil {
		return 0, err
	}
	// v is in 1e-12 units of the number; millionths = v / 1e6 (or /1e8 for %).
	div := USD(1_000_000)
	if pct {
		div = 100_000_000
	}
	if v%div != 0 || v < 0 || v/div > fractionDen {
		return 0, fmt.Errorf("%q is not a fraction between 0 and 1 with at most 6 decimals", s)
	}
	return Fraction(v / div), nil
}
