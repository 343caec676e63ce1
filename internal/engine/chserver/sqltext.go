package chserver

import (
	"bytes"
	"strings"
)

// stmtKind classifies a statement by what the HTTP layer may do with it.
type stmtKind int

const (
	// kindQuery statements produce output and accept trailing FORMAT and
	// SETTINGS clauses (SELECT, WITH, SHOW, DESCRIBE, EXISTS, EXPLAIN, …).
	kindQuery stmtKind = iota
	// kindInsert statements may carry data after FORMAT or VALUES.
	kindInsert
	// kindOther statements (DDL and the rest) get no SETTINGS clause: for
	// CREATE TABLE it would mean table settings.
	kindOther
	// kindSession statements (SET, USE) would change the engine's single
	// shared session and are refused.
	kindSession
)

// statement is what the handler needs to know about one SQL statement.
type statement struct {
	kind    stmtKind
	keyword string // first keyword, upper case
	// format is the explicit output format of a query ("" when none).
	format string
	// settingsAt is the byte offset where a SETTINGS clause goes (-1: none).
	settingsAt int
	// settingsJoin: the INSERT already has SETTINGS; settingsAt is just
	// after that keyword and ours are joined with a comma.
	settingsJoin bool
	// readOnly reports a statement GET may run.
	readOnly bool
	// For an INSERT with FORMAT: formatAt is the offset of the FORMAT
	// keyword, dataAt where its inline data starts (len when none), and
	// settingsKw the offset of its own SETTINGS keyword (-1 when none).
	formatAt, dataAt, settingsKw int
}

// errMultiStatement and errEmptyQuery are syntax errors found by analyze.
type sqlError string

func (e sqlError) Error() string { return string(e) }

const (
	errMultiStatement sqlError = "Multi-statements are not allowed"
	errEmptyQuery     sqlError = "Empty query"
	errFileClause     sqlError = "INFILE and OUTFILE clauses are not allowed over HTTP: they would read or write files on the server"
)

var queryKeywords = map[string]bool{
	"SELECT": true, "WITH": true, "SHOW": true, "DESCRIBE": true, "DESC": true,
	"EXISTS": true, "EXPLAIN": true, "CHECK": true,
}

// token is a top-level word or a top-level ';' found by the lexer.
type token struct {
	start, end int
	word       string // upper case; "" for ';' and '('
	punct      byte
}

// lexer walks SQL text, skipping comments, literals and quoted identifiers
// and tracking bracket depth, and yields top-level tokens.
type lexer struct {
	s     []byte
	i     int
	depth int
}

// next returns the next top-level token; ok is false at the end.
func (l *lexer) next() (token, bool) {
	s := l.s
	for l.i < len(s) {
		c := s[l.i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			l.i++
		case c == '-' && l.peek(1) == '-', c == '#' && (l.peek(1) == ' ' || l.peek(1) == '!'):
			l.skipLine()
		case c == '/' && l.peek(1) == '*':
			l.skipBlockComment()
		case c == '\'' || c == '"' || c == '`':
			l.skipQuoted(c)
		case c == '(' || c == '[' || c == '{':
			start := l.i
			l.depth++
			l.i++
			if l.depth == 1 {
				return token{start: start, end: l.i, punct: c}, true
			}
		case c == ')' || c == ']' || c == '}':
			if l.depth > 0 {
				l.depth--
			}
			l.i++
		case c == ';' && l.depth == 0:
			l.i++
			return token{start: l.i - 1, end: l.i, punct: ';'}, true
		case isWordByte(c):
			start := l.i
			for l.i < len(s) && isWordByte(s[l.i]) {
				l.i++
			}
			if l.depth == 0 {
				return token{start: start, end: l.i, word: strings.ToUpper(string(s[start:l.i]))}, true
			}
		default:
			l.i++
		}
	}
	return token{}, false
}

func (l *lexer) peek(k int) byte {
	if l.i+k < len(l.s) {
		return l.s[l.i+k]
	}
	return 0
}

func (l *lexer) skipLine() {
	if j := bytes.IndexByte(l.s[l.i:], '\n'); j >= 0 {
		l.i += j + 1
		return
	}
	l.i = len(l.s)
}

// skipBlockComment skips a /* … */ comment; ClickHouse allows nesting.
func (l *lexer) skipBlockComment() {
	nest := 0
	for l.i < len(l.s) {
		switch {
		case l.s[l.i] == '/' && l.peek(1) == '*':
			nest++
			l.i += 2
		case l.s[l.i] == '*' && l.peek(1) == '/':
			nest--
			l.i += 2
			if nest == 0 {
				return
			}
		default:
			l.i++
		}
	}
}

// skipQuoted skips a literal or quoted identifier: backslash escapes and a
// doubled quote both stand for the quote character.
func (l *lexer) skipQuoted(q byte) {
	l.i++
	for l.i < len(l.s) {
		switch l.s[l.i] {
		case '\\':
			l.i += 2
		case q:
			if l.peek(1) == q {
				l.i += 2
				continue
			}
			l.i++
			return
		default:
			l.i++
		}
	}
}

func isWordByte(c byte) bool {
	return c == '_' || c == '$' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c >= 0x80
}

// analyze classifies sql and finds where a SETTINGS clause goes. For an
// INSERT it stops at the data (after FORMAT <name> or VALUES), so a large
// body is never scanned.
func analyze(sql []byte) (statement, error) {
	l := &lexer{s: sql}
	first, ok := l.next()
	if !ok {
		return statement{}, errEmptyQuery
	}
	st := statement{settingsAt: -1, keyword: first.word, formatAt: -1, dataAt: -1, settingsKw: -1}
	switch {
	case first.punct == '(' || queryKeywords[first.word]:
		st.kind, st.readOnly = kindQuery, true
	case first.word == "INSERT":
		st.kind = kindInsert
		return st, analyzeInsert(l, &st)
	case first.word == "SET" || first.word == "USE":
		st.kind = kindSession
	case first.punct == ';':
		return statement{}, errEmptyQuery
	default:
		st.kind = kindOther
	}
	end, err := scanToEnd(l, &st)
	if err != nil {
		return statement{}, err
	}
	if st.kind == kindQuery {
		st.settingsAt = end
	}
	return st, nil
}

// scanToEnd lexes the rest of a statement, records its output format
// (a top-level "FORMAT <name>" followed by nothing but a SETTINGS clause),
// and returns the statement's end (its ';' or the end of the text).
// Anything but comments after a top-level ';' is a second statement.
func scanToEnd(l *lexer, st *statement) (int, error) {
	var toks []token
	end := len(l.s)
	for {
		t, ok := l.next()
		if !ok {
			break
		}
		if t.punct == ';' {
			if _, more := l.next(); more {
				return 0, errMultiStatement
			}
			end = t.start
			break
		}
		if t.word == "INFILE" || t.word == "OUTFILE" {
			return 0, errFileClause
		}
		toks = append(toks, t)
	}
	for k := len(toks) - 2; k >= 0; k-- {
		if toks[k].word == "FORMAT" && toks[k+1].word != "" && (k+2 == len(toks) || toks[k+2].word == "SETTINGS") {
			st.format = string(l.s[toks[k+1].start:toks[k+1].end])
			break
		}
	}
	return end, nil
}

// analyzeInsert finds the data start of an INSERT and where SETTINGS goes:
// before FORMAT, VALUES or SELECT/WITH, or joined to an existing SETTINGS.
func analyzeInsert(l *lexer, st *statement) error {
	for {
		t, ok := l.next()
		if !ok {
			if st.settingsAt < 0 {
				st.settingsAt = len(l.s)
			}
			return nil
		}
		switch t.word {
		case "INFILE", "OUTFILE":
			return errFileClause
		case "SETTINGS":
			if st.settingsAt < 0 {
				st.settingsAt, st.settingsJoin, st.settingsKw = t.end, true, t.start
			}
		case "VALUES":
			if st.settingsAt < 0 {
				st.settingsAt = t.start
			}
			// Values data follows: staged like any format's, so a ';' in
			// it can never start a second statement.
			st.format, st.formatAt, st.dataAt = "Values", t.start, t.end
			return nil
		case "FORMAT":
			if st.settingsAt < 0 {
				st.settingsAt = t.start
			}
			name, ok := l.next()
			if !ok || name.word == "" {
				return sqlError("INSERT: FORMAT must be followed by a format name")
			}
			st.format = string(l.s[name.start:name.end])
			st.formatAt, st.dataAt = t.start, dataStart(l.s, name.end)
			return nil
		case "SELECT", "WITH":
			if st.settingsAt < 0 {
				st.settingsAt = t.start
			}
			_, err := scanToEnd(l, &statement{})
			return err
		}
		if t.punct == ';' {
			if _, more := l.next(); more {
				return errMultiStatement
			}
			if st.settingsAt < 0 {
				st.settingsAt = t.start
			}
			return nil
		}
	}
}

// dataStart returns where INSERT data begins after the format name at i:
// as in ClickHouse, after the first newline when one follows the
// whitespace, otherwise after all the whitespace.
func dataStart(s []byte, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\f') {
		i++
	}
	if i < len(s) && s[i] == '\r' {
		i++
	}
	if i < len(s) && s[i] == '\n' {
		i++
	}
	return i
}

// insertFromFile rewrites an INSERT … FORMAT f <data> as
// INSERT … FROM INFILE 'path' SETTINGS … FORMAT f, the data having been
// written to path. The engine's multi-statement parser ends inline data at
// the first blank line ("\n\n"), which binary Native data and text formats
// both contain, so inline data is never passed through.
func insertFromFile(sql []byte, st statement, settings []string, path string) []byte {
	head, own := sql[:st.formatAt], ""
	if st.settingsKw >= 0 {
		head = sql[:st.settingsKw]
		own = strings.TrimSpace(string(sql[st.settingsAt:st.formatAt]))
	}
	if own != "" {
		settings = append(append([]string(nil), settings...), own)
	}
	var b strings.Builder
	b.Write(head)
	b.WriteString(" FROM INFILE ")
	b.WriteString(quoteString(path))
	if len(settings) > 0 {
		b.WriteString(" SETTINGS ")
		b.WriteString(strings.Join(settings, ", "))
	}
	b.WriteString(" FORMAT ")
	b.WriteString(st.format)
	return []byte(b.String())
}

// withSettings returns sql with a SETTINGS clause for settings (already
// rendered as "name = 'value'" pairs) placed where st allows, or sql
// unchanged when it allows none.
func withSettings(sql []byte, st statement, settings []string) []byte {
	if len(settings) == 0 || st.settingsAt < 0 {
		return sql
	}
	list := strings.Join(settings, ", ")
	var clause string
	switch {
	case st.settingsJoin:
		clause = " " + list + ","
	case st.kind == kindQuery:
		clause = "\nSETTINGS " + list // a newline ends a trailing -- comment
	default:
		clause = " SETTINGS " + list + " "
	}
	out := make([]byte, 0, len(sql)+len(clause))
	out = append(out, sql[:st.settingsAt]...)
	out = append(out, clause...)
	return append(out, sql[st.settingsAt:]...)
}
