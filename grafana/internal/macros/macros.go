// Package macros expands a ClickHouse-datasource query into the SQL the
// plugin sends, so tests can run dashboard and alert queries on the engine.
package macros

import (
	"fmt"
	"regexp"
	"strings"
	"time"
)

var varRef = regexp.MustCompile(`\$\{(\w+)(?::\w+)?\}|\$(\w+)`)

// leftover finds what is still a macro or variable reference ('$' before a
// quote, as in a '$' literal, is neither).
var leftover = regexp.MustCompile(`\$(\{|\w)`)

// Variables lists the dashboard variables sql refers to, macros excluded.
func Variables(sql string) []string {
	var names []string
	for _, m := range varRef.FindAllStringSubmatch(sql, -1) {
		if name := m[1] + m[2]; !strings.HasPrefix(name, "__") {
			names = append(names, name)
		}
	}
	return names
}

// Expand turns a query into what the plugin sends ClickHouse: the
// frontend's $__conditionalAll and variable interpolation, then the
// backend's macros.
func Expand(sql string, vars map[string]string, from, to time.Time, interval time.Duration) (string, error) {
	const macro = "$__conditionalAll("
	for i := strings.LastIndex(sql, macro); i >= 0; i = strings.LastIndex(sql, macro) {
		args, end, err := macroArgs(sql, i+len(macro))
		if err != nil || len(args) != 2 {
			return "", fmt.Errorf("bad $__conditionalAll in %q", sql)
		}
		phrase := args[0]
		if v := vars[strings.TrimPrefix(strings.TrimSpace(args[1]), "$")]; v == "" || v == "$__all" {
			phrase = "1=1"
		}
		sql = sql[:i] + phrase + sql[end:]
	}
	var bad error
	sql = varRef.ReplaceAllStringFunc(sql, func(m string) string {
		s := varRef.FindStringSubmatch(m)
		name := s[1] + s[2]
		if strings.HasPrefix(name, "__") {
			return m
		}
		v, ok := vars[name]
		if !ok || v == "$__all" {
			bad = fmt.Errorf("variable %s interpolated at All", name)
		}
		return "'" + strings.ReplaceAll(v, "'", `\'`) + "'"
	})
	if bad != nil {
		return "", bad
	}
	sec := func(t time.Time) string { return fmt.Sprintf("toDateTime(%d)", t.Unix()) }
	ms := func(t time.Time) string { return fmt.Sprintf("fromUnixTimestamp64Milli(%d)", t.UnixMilli()) }
	day := func(t time.Time) string { return fmt.Sprintf("toDate('%s')", t.UTC().Format(time.DateOnly)) }
	between := func(c string, bound func(time.Time) string) string {
		return fmt.Sprintf("%s >= %s AND %s <= %s", c, bound(from), c, bound(to))
	}
	seconds := max(int(interval.Seconds()), 1)
	withArg := []struct {
		name   string
		expand func(c string) string
	}{
		{"timeFilter_ms", func(c string) string { return between(c, ms) }},
		{"timeFilter", func(c string) string { return between(c, sec) }},
		{"dateFilter", func(c string) string { return between(c, day) }},
		{"timeInterval_ms", func(c string) string {
			return fmt.Sprintf("toStartOfInterval(toDateTime64(%s, 3), INTERVAL %d millisecond)", c, max(interval.Milliseconds(), 1))
		}},
		{"timeInterval", func(c string) string {
			return fmt.Sprintf("toStartOfInterval(toDateTime(%s), INTERVAL %d second)", c, seconds)
		}},
	}
	for _, m := range withArg {
		re := regexp.MustCompile(`\$__` + m.name + `\(([^()]*)\)`)
		sql = re.ReplaceAllStringFunc(sql, func(s string) string { return m.expand(strings.TrimSpace(re.FindStringSubmatch(s)[1])) })
	}
	// Longer names first, so $__fromTime does not match inside $__fromTime_ms.
	bare := strings.NewReplacer("$__fromTime_ms", ms(from), "$__toTime_ms", ms(to), "$__interval_s", fmt.Sprint(seconds))
	sql = bare.Replace(sql)
	sql = regexp.MustCompile(`\$__(fromTime|toTime)\b`).ReplaceAllStringFunc(sql, func(s string) string {
		if s == "$__fromTime" {
			return sec(from)
		}
		return sec(to)
	})
	if leftover.MatchString(sql) {
		return "", fmt.Errorf("unexpanded macro in %q", sql)
	}
	return sql, nil
}

// macroArgs splits the arguments of a macro whose '(' ends before start at
// top-level commas, returning them and the index after ')'.
func macroArgs(s string, start int) ([]string, int, error) {
	depth, last := 0, start
	var args []string
	for i := start; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return append(args, s[last:i]), i + 1, nil
			}
			depth--
		case ',':
			if depth == 0 {
				args = append(args, s[last:i])
				last = i + 1
			}
		}
	}
	return nil, 0, fmt.Errorf("unclosed macro")
}
