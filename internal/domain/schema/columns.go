package schema

import (
	"fmt"
	"strings"
	"unicode"
)

// Column is a column as ClickHouse lists it in system.columns: Nested
// columns flattened to Name.Sub with an Array type.
type Column struct {
	Name, Type string
}

// object is a table or view a schema version promises, under its name in
// the database.
type object struct {
	name string
	// logical is the name migrations tag the object's statements with.
	logical string
	view    bool
	// columns is nil for views, whose columns follow their query.
	columns []Column
}

// expected returns every table and view schema version promises, in
// creation order, with the columns each table has: those of its sql/ file
// plus those later migrations up to version add. It is derived from the
// same definitions Migrate applies, so the two cannot drift.
func (o Options) expected(version int) ([]object, error) {
	var objs []object
	index := map[string][]int{} // logical name → positions in objs
	for _, m := range Migrations {
		if m.Version > version {
			break
		}
		for _, name := range m.creates {
			if name == viewTraceIDTS {
				objs = append(objs, object{name: o.viewName(), logical: name, view: true})
				continue
			}
			src, err := columnFiles.ReadFile("sql/" + name + ".sql")
			if err != nil {
				return nil, fmt.Errorf("columns of %s: %w", name, err)
			}
			cols, err := parseColumns(string(src))
			if err != nil {
				return nil, fmt.Errorf("columns of %s: %w", name, err)
			}
			names := []string{o.localName(name)}
			if o.Cluster != "" {
				names = append(names, name)
			}
			for _, n := range names {
				index[name] = append(index[name], len(objs))
				objs = append(objs, object{name: n, logical: name, columns: cols})
			}
		}
		for _, c := range m.columns {
			cols, err := parseColumns(c.definition)
			if err != nil {
				return nil, fmt.Errorf("migration %d: column of %s: %w", m.Version, c.table, err)
			}
			if len(index[c.table]) == 0 {
				return nil, fmt.Errorf("migration %d adds a column to %s, which no earlier migration creates", m.Version, c.table)
			}
			for _, i := range index[c.table] {
				objs[i].columns = insertAfter(objs[i].columns, c.after, cols)
			}
		}
	}
	return objs, nil
}

// insertAfter returns cols with add inserted after the column named after
// (at the end when there is none), without sharing cols' backing array.
func insertAfter(cols []Column, after string, add []Column) []Column {
	at := len(cols)
	for i, c := range cols {
		if c.Name == after || strings.HasPrefix(c.Name, after+".") {
			at = i + 1
		}
	}
	out := make([]Column, 0, len(cols)+len(add))
	out = append(out, cols[:at]...)
	out = append(out, add...)
	return append(out, cols[at:]...)
}

// parseColumns reads the column list of a CREATE TABLE (as in the sql/
// files) the way ClickHouse stores it: one Column per column, Nested
// flattened, indexes, projections and constraints skipped, and every
// modifier after the type (DEFAULT, CODEC, TTL, COMMENT…) ignored.
func parseColumns(src string) ([]Column, error) {
	items, err := splitTopLevel(src)
	if err != nil {
		return nil, err
	}
	var cols []Column
	for _, item := range items {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		name, rest := leadingWord(item)
		switch strings.ToUpper(name) {
		case "INDEX", "PROJECTION", "CONSTRAINT":
			continue
		}
		name = strings.Trim(name, "`")
		if name == "" {
			return nil, fmt.Errorf("column definition %q: no name", item)
		}
		typ, args, err := leadingType(rest)
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", name, err)
		}
		if typ != "Nested" {
			cols = append(cols, Column{Name: name, Type: normalizeType(typ + args)})
			continue
		}
		inner, err := parseColumns(strings.TrimSuffix(strings.TrimPrefix(args, "("), ")"))
		if err != nil {
			return nil, fmt.Errorf("column %s: %w", name, err)
		}
		for _, c := range inner {
			cols = append(cols, Column{Name: name + "." + c.Name, Type: "Array(" + c.Type + ")"})
		}
	}
	return cols, nil
}

// splitTopLevel splits s at the commas outside parentheses and quotes.
func splitTopLevel(s string) ([]string, error) {
	var items []string
	depth, start := 0, 0
	var quote rune
	for i, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '`' || r == '"':
			quote = r
		case r == '(':
			depth++
		case r == ')':
			depth--
			if depth < 0 {
				return nil, fmt.Errorf("unbalanced ')' at offset %d", i)
			}
		case r == ',' && depth == 0:
			items = append(items, s[start:i])
			start = i + 1
		}
	}
	if depth != 0 || quote != 0 {
		return nil, fmt.Errorf("unterminated parenthesis or quote in %q", s)
	}
	return append(items, s[start:]), nil
}

// leadingWord splits s into its first whitespace-delimited word and the rest.
func leadingWord(s string) (word, rest string) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i], s[i:]
	}
	return s, ""
}

// leadingType reads a type at the start of s: an identifier and, when one
// follows, its balanced parenthesized arguments (Nested has a space before
// them in our files).
func leadingType(s string) (name, args string, err error) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	end := strings.IndexFunc(s, func(r rune) bool { return !(r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r)) })
	if end < 0 {
		end = len(s)
	}
	if end == 0 {
		return "", "", fmt.Errorf("no type in %q", s)
	}
	name, rest := s[:end], strings.TrimLeftFunc(s[end:], unicode.IsSpace)
	if !strings.HasPrefix(rest, "(") {
		return name, "", nil
	}
	depth := 0
	for i, r := range rest {
		switch r {
		case '(':
			depth++
		case ')':
			depth--
			if depth == 0 {
				return name, rest[:i+1], nil
			}
		}
	}
	return "", "", fmt.Errorf("unterminated arguments of type %s", name)
}

// normalizeType drops the whitespace ClickHouse and our files may place
// differently ("Decimal(18, 12)" vs "Decimal(18,12)"), so types compare by
// meaning of their text.
func normalizeType(t string) string {
	return strings.Join(strings.FieldsFunc(t, unicode.IsSpace), "")
}
