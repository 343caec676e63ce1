package detect

import (
	"slices"
	"strings"
	"testing"
)

func TestSegments(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		kinds []string
		first []string // how each segment starts
	}{
		{"paragraphs", "First para line one.\nline two.\n\nSecond para.\n\n\nThird.", []string{KindParagraph, KindParagraph, KindParagraph}, []string{"First", "Second", "Third"}},
		{"context then question", "Here is the catalog:\n\nSKU | product | price\nSKU-1 | kettle | 12.00\nSKU-2 | whisk | 3.50\n\nWhich product is cheapest?",
			[]string{KindParagraph, KindTable, KindParagraph}, []string{"Here", "SKU |", "Which"}},
		{"fence", "Look:\n```go\nfunc main() {}\n\n// blank line inside\n```\nWhy?", []string{KindParagraph, KindCode, KindParagraph}, []string{"Look", "```go", "Why"}},
		{"tagged documents", "<document id=\"1\">\nAlpha text.\n\nMore alpha.\n</document>\n<document id=\"2\">Beta.</document>\nAnswer from the documents.",
			[]string{KindTagged, KindTagged, KindParagraph}, []string{"<document id=\"1\">", "<document id=\"2\">", "Answer"}},
		{"json", "Data:\n{\"orders\": [\n {\"id\": 1},\n {\"id\": 2}\n]}\nSummarize.", []string{KindParagraph, KindJSON, KindParagraph}, []string{"Data", "{\"orders\"", "Summarize"}},
		{"citation marker is not json", "[1] The first passage.\n\n[2] The second passage.", []string{KindParagraph, KindParagraph}, []string{"[1]", "[2]"}},
		{"csv", "id,name,city\n1,Ann,Oslo\n2,Bob,Rome\n3,Cid,Lima\nCount the cities.", []string{KindCSV, KindParagraph}, []string{"id,name", "Count"}},
		{"tsv", "a\tb\n1\t2\n3\t4", []string{KindCSV}, []string{"a\tb"}},
		{"quote", "> quoted line one\n> quoted two\nWhat does it mean?", []string{KindQuote, KindParagraph}, []string{"> quoted", "What"}},
		{"triple quote", "Text:\n\"\"\"\nDoc body.\n\nMore body.\n\"\"\"\nTranslate it.", []string{KindParagraph, KindQuote, KindParagraph}, []string{"Text", "\"\"\"", "Translate"}},
		{"begin end", "=== BEGIN DOCUMENT ===\nBody.\n\nBody two.\n=== END DOCUMENT ===\nQ?", []string{KindSection, KindParagraph}, []string{"=== BEGIN", "Q?"}},
		{"headings", "# Refunds\nRefund text.\n\n## Detail\nMore.\n# Shipping\nShip text.\n---\nTail.", []string{KindSection, KindSection, KindParagraph}, []string{"# Refunds", "# Shipping", "Tail"}},
		{"unclosed fence", "```\ncode", []string{KindCode}, []string{"```"}},
		{"empty", "  \n\n ", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs := Segments(tt.text)
			var kinds []string
			for i, s := range segs {
				kinds = append(kinds, s.Kind)
				if i < len(tt.first) && !strings.HasPrefix(tt.text[s.Start:s.End], tt.first[i]) {
					t.Errorf("segment %d = %q, want it to start with %q", i, tt.text[s.Start:s.End], tt.first[i])
				}
			}
			if !slices.Equal(kinds, tt.kinds) {
				t.Errorf("kinds = %v, want %v", kinds, tt.kinds)
			}
			checkSegments(t, tt.text, segs)
		})
	}
}

// checkSegments asserts the Segments invariants: ordered, disjoint,
// trimmed, within the text, and covering every non-space byte.
func checkSegments(t *testing.T, text string, segs []Segment) {
	t.Helper()
	covered := make([]bool, len(text))
	prev := 0
	for _, s := range segs {
		if s.Start < prev || s.End <= s.Start || s.End > len(text) {
			t.Fatalf("segment %+v out of order or bounds (prev end %d, len %d)", s, prev, len(text))
		}
		if isSpace(text[s.Start]) || isSpace(text[s.End-1]) {
			t.Fatalf("segment %+v not trimmed: %q", s, text[s.Start:s.End])
		}
		for i := s.Start; i < s.End; i++ {
			covered[i] = true
		}
		prev = s.End
	}
	ls := splitLines(text)
	for _, l := range ls {
		lt := strings.TrimSpace(text[l.start:l.end])
		if lt == "" || isRule(lt) {
			continue
		}
		for i := l.start; i < l.end; i++ {
			if !covered[i] && !isSpace(text[i]) {
				t.Fatalf("byte %d (%q) of line %q in no segment: %+v", i, text[i], text[l.start:l.end], segs)
			}
		}
	}
}

// FuzzSegments: any text segments without panic into ordered, disjoint,
// trimmed segments covering all its content.
func FuzzSegments(f *testing.F) {
	for _, s := range []string{"", "a", "\n\n", "# h\n```\n{\n", "<a>\n</a>", "<a/>x", "[1]", "{\"a\":[1,2]}\n,", "a|b|c\n1|2|3",
		"=== begin\nx", "=== BEGIN ===\n\n=== END ===", ">\n>", "\"\"\"", "a,b,c\n1,2,3\n4,5,6", "---\n***\n", "\xff\n<\x00>", "\r\n\r\n x \r\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkSegments(t, s, Segments(s))
	})
}
