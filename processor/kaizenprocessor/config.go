package kaizenprocessor

import (
	"errors"
	"fmt"
	"regexp"
	"strings"

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
	// KeepOriginalAttributes keeps the dialect's attributes next to the
	// canonical ones (default true). When false, every source attribute
	// that was mapped to a canonical attribute is removed.
	KeepOriginalAttributes bool `mapstructure:"keep_original_attributes"`
	// Content controls what happens to prompt and completion text.
	Content ContentConfig `mapstructure:"content"`
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

// priceTable returns the table to price with.
func (c *Config) priceTable() (*pricing.Table, error) {
	if strings.TrimSpace(c.PriceFile) == "" {
		return pricing.Default(), nil
	}
	t, err := pricing.Load(c.PriceFile)
	if err != nil {
		return nil, fmt.Errorf("price_file: %w", err)
	}
	return t, nil
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
