package kaizenprocessor

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// Content policies (content.policy).
const (
	PolicyKeep        = "keep"
	PolicyTruncate    = "truncate"
	PolicyFingerprint = "fingerprint"
	PolicyDrop        = "drop"
)

// Config is the processor configuration.
type Config struct {
	// PriceFile is an optional price table (same format as the embedded
	// internal/domain/pricing/prices.yaml) merged over the built-in table; with
	// `replace: true` in the file it is used alone.
	PriceFile string `mapstructure:"price_file"`
	// Prices replaces the embedded genai-prices data at runtime; off by default.
	Prices PricesConfig `mapstructure:"prices"`
	// KeepOriginalAttributes keeps the dialect's attributes next to the
	// canonical ones (default true). When false, every source attribute
	// that was mapped to a canonical attribute is removed.
	KeepOriginalAttributes bool `mapstructure:"keep_original_attributes"`
	// Content controls what happens to prompt and completion text.
	Content ContentConfig `mapstructure:"content"`
}

// PricesConfig loads a newer genai-prices data file than the embedded one.
// Kaizen's overlay and PriceFile apply over it as over the embedded data.
type PricesConfig struct {
	// GenAIFile is a genai-prices data file (upstream prices/data.json, or
	// what make prices writes) read at start and, with RefreshInterval, re-read.
	GenAIFile string `mapstructure:"genai_file"`
	// URL is fetched (HTTP GET) at start and every RefreshInterval; for
	// deployments with network access, e.g. upstream's data.json.
	URL string `mapstructure:"url"`
	// RefreshInterval re-reads GenAIFile or re-fetches URL (default 24h
	// with URL, no refresh for a file without it; minimum 1m).
	RefreshInterval time.Duration `mapstructure:"refresh_interval"`
}

// ContentConfig is the content policy.
type ContentConfig struct {
	// Policy is keep | truncate | fingerprint | drop (default keep).
	Policy string `mapstructure:"policy"`
	// TruncateBytes is the maximum size of each content attribute value
	// under the truncate policy.
	TruncateBytes int `mapstructure:"truncate_bytes"`
	// Redaction rules run on every string attribute of GenAI spans before
	// anything else, under every policy.
	Redaction RedactionConfig `mapstructure:"redaction"`
}

// RedactionConfig selects redaction rules.
type RedactionConfig struct {
	// Presets are built-in detectors: email, phone, card (Luhn-checked),
	// api_key (common key formats, bearer tokens, secret=value pairs).
	// Default: all four. Set to [] to disable.
	Presets []string `mapstructure:"presets"`
	// Custom are additional regular expressions (RE2 syntax).
	Custom []CustomRule `mapstructure:"custom"`
}

// CustomRule is a user-defined redaction.
type CustomRule struct {
	// Name labels the rule in the replacement and telemetry.
	Name string `mapstructure:"name"`
	// Pattern is an RE2 regular expression.
	Pattern string `mapstructure:"pattern"`
	// Replacement replaces each match (default "[REDACTED:<name>]").
	Replacement string `mapstructure:"replacement"`
}

// allPresets lists the built-in redaction presets.
var allPresets = []string{presetEmail, presetPhone, presetCard, presetAPIKey}

func createDefaultConfig() *Config {
	return &Config{
		KeepOriginalAttributes: true,
		Content: ContentConfig{
			Policy:        PolicyKeep,
			TruncateBytes: 4096,
			Redaction:     RedactionConfig{Presets: append([]string(nil), allPresets...)},
		},
	}
}

// Validate checks the configuration; it loads the price file and compiles
// the regular expressions so that mistakes fail at startup.
func (c *Config) Validate() error {
	_, _, err := c.build()
	return err
}

// build validates the configuration and returns what the processor runs
// with: the price table and the compiled redaction rules.
func (c *Config) build() (*pricing.Table, *redactor, error) {
	var errs []error
	switch c.Content.Policy {
	case PolicyKeep, PolicyFingerprint, PolicyDrop:
	case PolicyTruncate:
		if c.Content.TruncateBytes <= 0 {
			errs = append(errs, fmt.Errorf("content.truncate_bytes must be > 0 with policy truncate, got %d", c.Content.TruncateBytes))
		}
	default:
		errs = append(errs, fmt.Errorf("content.policy %q is unknown: want one of keep, truncate, fingerprint, drop", c.Content.Policy))
	}
	red, err := c.Content.Redaction.build()
	if err != nil {
		errs = append(errs, err)
	}
	table, err := c.priceTable()
	if err != nil {
		errs = append(errs, err)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, nil, err
	}
	return table, red, nil
}

// priceTable returns the table to price with at start: the genai-prices
// file if one is configured (a URL is only fetched once the processor
// starts), the embedded data otherwise, with the price file over it.
func (c *Config) priceTable() (*pricing.Table, error) {
	if err := c.Prices.validate(); err != nil {
		return nil, err
	}
	base := pricing.Default()
	if f := strings.TrimSpace(c.Prices.GenAIFile); f != "" {
		data, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("prices.genai_file: %w", err)
		}
		if base, err = pricing.FromGenAI(data, f); err != nil {
			return nil, fmt.Errorf("prices.genai_file: %w", err)
		}
	}
	return c.overPriceFile(base)
}

// overPriceFile applies PriceFile over base.
func (c *Config) overPriceFile(base *pricing.Table) (*pricing.Table, error) {
	if strings.TrimSpace(c.PriceFile) == "" {
		return base, nil
	}
	t, err := pricing.LoadOver(base, c.PriceFile)
	if err != nil {
		return nil, fmt.Errorf("price_file: %w", err)
	}
	return t, nil
}

// minRefreshInterval keeps a misconfigured interval from hammering a URL.
const minRefreshInterval = time.Minute

func (p PricesConfig) validate() error {
	if p.RefreshInterval < 0 || (p.RefreshInterval > 0 && p.RefreshInterval < minRefreshInterval) {
		return fmt.Errorf("prices.refresh_interval %s: want at least %s (or 0)", p.RefreshInterval, minRefreshInterval)
	}
	if p.URL == "" {
		return nil
	}
	if p.GenAIFile != "" {
		return errors.New("prices: set genai_file or url, not both")
	}
	u, err := url.Parse(p.URL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("prices.url %q: want an http(s) URL", p.URL)
	}
	return nil
}

// interval is how often the genai-prices data is reloaded (0: never).
func (p PricesConfig) interval() time.Duration {
	if p.RefreshInterval == 0 && p.URL != "" {
		return 24 * time.Hour
	}
	if p.URL == "" && p.GenAIFile == "" {
		return 0
	}
	return p.RefreshInterval
}

// build compiles the redaction rules.
func (r RedactionConfig) build() (*redactor, error) {
	red := &redactor{}
	var errs []error
	for _, p := range r.Presets {
		if !red.addPreset(p) {
			errs = append(errs, fmt.Errorf("content.redaction.presets: unknown preset %q (want email, phone, card, api_key)", p))
		}
	}
	for i, cr := range r.Custom {
		if cr.Name == "" {
			cr.Name = fmt.Sprintf("custom%d", i)
		}
		re, err := regexp.Compile(cr.Pattern)
		if err != nil {
			errs = append(errs, fmt.Errorf("content.redaction.custom[%d] %q: bad pattern: %w", i, cr.Name, err))
			continue
		}
		if cr.Pattern == "" {
			errs = append(errs, fmt.Errorf("content.redaction.custom[%d] %q: empty pattern", i, cr.Name))
			continue
		}
		repl := cr.Replacement
		if repl == "" {
			repl = "[REDACTED:" + cr.Name + "]"
		}
		red.custom = append(red.custom, customRule{name: cr.Name, re: re, repl: repl})
	}
	return red, errors.Join(errs...)
}
