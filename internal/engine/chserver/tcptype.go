package chserver

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// colKind is how a column type is laid out in Native.
type colKind int

const (
	kindFixed    colKind = iota // width bytes per row
	kindString                  // UVarInt length + bytes per row
	kindNullable                // a byte per row, then the nested column
	kindArray                   // UInt64 offsets, then the nested column for the last offset
	kindTuple                   // each element column in turn
	kindLowCard                 // a key-version prefix, then dictionary granules
)

// colType is a parsed column type: enough to find where a column's data
// ends in a Native block without decoding its values.
type colType struct {
	kind  colKind
	width int        // kindFixed
	elems []*colType // nested types (one for Nullable, Array, LowCardinality)
}

// maxTypeDepth bounds type nesting (Array(Array(…)) …).
const maxTypeDepth = 32

// fixedWidths are the fixed-width types by name (arguments such as a
// DateTime's zone or an Enum's values do not change the width).
var fixedWidths = map[string]int{
	"UInt8": 1, "Int8": 1, "Bool": 1, "Enum8": 1, "Nothing": 1,
	"UInt16": 2, "Int16": 2, "Date": 2, "Enum16": 2, "BFloat16": 2,
	"UInt32": 4, "Int32": 4, "Float32": 4, "Date32": 4, "DateTime": 4, "IPv4": 4, "Decimal32": 4, "Time": 4,
	"UInt64": 8, "Int64": 8, "Float64": 8, "DateTime64": 8, "Decimal64": 8, "Time64": 8,
	"UInt128": 16, "Int128": 16, "UUID": 16, "IPv6": 16, "Decimal128": 16,
	"UInt256": 32, "Int256": 32, "Decimal256": 32,
	"IntervalNanosecond": 8, "IntervalMicrosecond": 8, "IntervalMillisecond": 8, "IntervalSecond": 8,
	"IntervalMinute": 8, "IntervalHour": 8, "IntervalDay": 8, "IntervalWeek": 8, "IntervalMonth": 8,
	"IntervalQuarter": 8, "IntervalYear": 8,
}

// errUnsupportedType marks a type the native insert path does not lay out.
var errUnsupportedType = errors.New("not supported in native-protocol inserts (use the HTTP interface for it)")

// parseType parses a ClickHouse type name.
func parseType(s string) (*colType, error) { return parseTypeDepth(strings.TrimSpace(s), 0) }

func parseTypeDepth(s string, depth int) (*colType, error) {
	if depth > maxTypeDepth {
		return nil, fmt.Errorf("type nested deeper than %d levels", maxTypeDepth)
	}
	name, args, err := splitType(s)
	if err != nil {
		return nil, err
	}
	if w, ok := fixedWidths[name]; ok {
		return &colType{kind: kindFixed, width: w}, nil
	}
	nested := func(want int) ([]*colType, error) {
		if want > 0 && len(args) != want {
			return nil, fmt.Errorf("type %s: want %d arguments, got %d", s, want, len(args))
		}
		if len(args) == 0 {
			return nil, fmt.Errorf("type %s: no element types", s)
		}
		out := make([]*colType, len(args))
		for i, a := range args {
			if out[i], err = parseTypeDepth(stripElementName(a), depth+1); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	switch name {
	case "String":
		return &colType{kind: kindString}, nil
	case "FixedString":
		n, err := strconv.Atoi(strings.TrimSpace(firstArg(args)))
		if err != nil || n <= 0 || n > 1<<20 {
			return nil, fmt.Errorf("type %s: bad width", s)
		}
		return &colType{kind: kindFixed, width: n}, nil
	case "Decimal":
		p, err := strconv.Atoi(strings.TrimSpace(firstArg(args)))
		if err != nil || p < 1 || p > 76 {
			return nil, fmt.Errorf("type %s: bad precision", s)
		}
		return &colType{kind: kindFixed, width: decimalWidth(p)}, nil
	case "Nullable", "LowCardinality":
		elems, err := nested(1)
		if err != nil {
			return nil, err
		}
		kind := kindNullable
		if name == "LowCardinality" {
			kind = kindLowCard
		}
		return &colType{kind: kind, elems: elems}, nil
	case "Array":
		elems, err := nested(1)
		if err != nil {
			return nil, err
		}
		return &colType{kind: kindArray, elems: elems}, nil
	case "Tuple", "Nested":
		elems, err := nested(0)
		if err != nil {
			return nil, err
		}
		tuple := &colType{kind: kindTuple, elems: elems}
		if name == "Nested" {
			return &colType{kind: kindArray, elems: []*colType{tuple}}, nil
		}
		return tuple, nil
	case "Map":
		elems, err := nested(2)
		if err != nil {
			return nil, err
		}
		return &colType{kind: kindArray, elems: []*colType{{kind: kindTuple, elems: elems}}}, nil
	case "SimpleAggregateFunction":
		if len(args) != 2 {
			return nil, fmt.Errorf("type %s: want a function and a type", s)
		}
		return parseTypeDepth(strings.TrimSpace(args[1]), depth+1)
	case "Point":
		return &colType{kind: kindFixed, width: 16}, nil
	}
	return nil, fmt.Errorf("type %s: %w", s, errUnsupportedType)
}

// decimalWidth is the storage width of Decimal(p, s).
func decimalWidth(p int) int {
	switch {
	case p <= 9:
		return 4
	case p <= 18:
		return 8
	case p <= 38:
		return 16
	}
	return 32
}

func firstArg(args []string) string {
	if len(args) == 0 {
		return ""
	}
	return args[0]
}

// splitType splits "Name(a, b)" into Name and its top-level arguments;
// quoted strings (Enum values, zone names) may hold commas and brackets.
func splitType(s string) (string, []string, error) {
	open := strings.IndexByte(s, '(')
	if open < 0 {
		return s, nil, nil
	}
	if !strings.HasSuffix(s, ")") {
		return "", nil, fmt.Errorf("type %q: unbalanced brackets", s)
	}
	name, body := s[:open], s[open+1:len(s)-1]
	var args []string
	depth, start := 0, 0
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '\'', '`', '"':
			q := body[i]
			for i++; i < len(body) && body[i] != q; i++ {
				if body[i] == '\\' {
					i++
				}
			}
			if i >= len(body) {
				return "", nil, fmt.Errorf("type %q: unterminated quote", s)
			}
		case '(':
			depth++
		case ')':
			depth--
			if depth < 0 {
				return "", nil, fmt.Errorf("type %q: unbalanced brackets", s)
			}
		case ',':
			if depth == 0 {
				args = append(args, strings.TrimSpace(body[start:i]))
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return "", nil, fmt.Errorf("type %q: unbalanced brackets", s)
	}
	if rest := strings.TrimSpace(body[start:]); rest != "" || len(args) > 0 {
		args = append(args, rest)
	}
	return strings.TrimSpace(name), args, nil
}

// stripElementName drops the name of a named Tuple or Nested element
// ("name Type"): types have no top-level spaces, names come first.
func stripElementName(arg string) string {
	depth := 0
	for i := 0; i < len(arg); i++ {
		switch arg[i] {
		case '(':
			depth++
		case ')':
			depth--
		case '`':
			if j := strings.IndexByte(arg[i+1:], '`'); j >= 0 {
				i += j + 1
			}
		case ' ':
			if depth == 0 {
				return strings.TrimSpace(arg[i+1:])
			}
		}
	}
	return arg
}
