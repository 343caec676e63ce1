package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
	"github.com/kaizenhq/kaizen/internal/domain/pricing"
)

// SchemaVersion is the version of every JSON document this package writes.
const SchemaVersion = 1

// Format is an output format.
type Format string

// Output formats.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	JSON     Format = "json"
)

// ParseFormat validates a --format value.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case Text, Markdown, JSON:
		return f, nil
	case "md":
		return Markdown, nil
	}
	return "", fmt.Errorf("unknown format %q (want text, markdown or json)", s)
}

// document is implemented by every renderable output.
type document interface {
	text(w *writer)
	markdown(w *writer)
	json() any
}

// render writes d in format f.
func render(out io.Writer, f Format, d document) error {
	w := &writer{w: out}
	switch f {
	case JSON:
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		if err := enc.Encode(d.json()); err != nil {
			return fmt.Errorf("write JSON report: %w", err)
		}
		return nil
	case Markdown:
		d.markdown(w)
	default:
		d.text(w)
	}
	if w.err != nil {
		return fmt.Errorf("write %s report: %w", f, w.err)
	}
	return nil
}

// writer remembers the first write error so renderers stay linear.
type writer struct {
	w   io.Writer
	err error
}

func (w *writer) f(format string, args ...any) {
	if w.err == nil {
		_, w.err = fmt.Fprintf(w.w, format, args...)
	}
}

// usd formats an exact amount for people: "$0.0036", "-$0.01".
func usd(u pricing.USD) string {
	if u < 0 {
		return "-$" + (-u).String()
	}
	return "$" + u.String()
}

// cost renders a total with the calls it leaves out: "$0.0123 + 1 unpriced
// call, 2 partially priced".
func cost(u pricing.USD, g run.PriceGaps) string {
	s := usd(u)
	var gaps []string
	if g.Unpriced > 0 {
		gaps = append(gaps, plural(g.Unpriced, "unpriced call"))
	}
	if g.Partial > 0 {
		gaps = append(gaps, plural(g.Partial, "partially priced call"))
	}
	if len(gaps) > 0 {
		s += " + " + strings.Join(gaps, ", ")
	}
	return s
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// tokens renders a token total with, when some counts were out of range,
// how many were counted as 0, so a total is never silently short.
func tokens(n int64, bad int) string {
	if bad == 0 {
		return fmt.Sprintf("%d", n)
	}
	return fmt.Sprintf("%d (%d unreadable token count(s) counted as 0)", n, bad)
}

// header is the common head of every JSON document.
type header struct {
	SchemaVersion int    `json:"schema_version"`
	Kind          string `json:"kind"`
}

func head(kind string) header { return header{SchemaVersion: SchemaVersion, Kind: kind} }

// jsonGaps are the price gaps of a JSON total, always present.
type jsonGaps struct {
	Unpriced int `json:"unpriced_calls"`
	Partial  int `json:"partially_priced_calls"`
}

func gapsJSON(g run.PriceGaps) jsonGaps { return jsonGaps{Unpriced: g.Unpriced, Partial: g.Partial} }

// Duration renders a duration for people the same way at every scale:
// "0.412ms" below a millisecond, "900ms", "1.5s", "2m3.1s".
func Duration(d time.Duration) string {
	switch {
	case d <= 0:
		return "0ms"
	case d < time.Millisecond:
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 3, 64) + "ms"
	case d < time.Second:
		return d.Round(time.Millisecond).String()
	}
	return d.Round(100 * time.Millisecond).String()
}
