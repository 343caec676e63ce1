package chserver

import (
	"strings"
	"testing"
)

// FuzzParseAST: any engine output (or text posing as one) is either a
// verified tree or an error, never a panic, and a verified tree's nodes
// have exactly the children they declare.
func FuzzParseAST(f *testing.F) {
	for _, seed := range []string{
		"SelectWithUnionQuery (children 1)\n ExpressionList (children 1)\n  SelectQuery (children 1)\n   ExpressionList (children 1)\n    Literal UInt64_1\n",
		"SYSTEM query\n",
		"SelectWithUnionQuery (children 1)\n Identifier we\nird\n",
		"InsertQuery   (children 2)\n Literal '/etc/passwd'\n Identifier t\n",
		"", "\n", " x\n", "A (children 3)\n B\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, out string) {
		root, err := parseAST(out)
		if err != nil {
			return
		}
		var walk func(*astNode)
		walk = func(n *astNode) {
			if len(n.children) != n.declared {
				t.Fatalf("%q: %d children, declared %d", n.label, len(n.children), n.declared)
			}
			for _, c := range n.children {
				walk(c)
			}
		}
		walk(root)
		_ = judge(root, "SELECT 1", RoleReader, 0)
	})
}

// FuzzSettingsClauses: the SETTINGS reader never panics and every name it
// returns is a word of the text.
func FuzzSettingsClauses(f *testing.F) {
	for _, seed := range []string{
		"SELECT 1 SETTINGS max_threads = 2, readonly = 1",
		"ALTER TABLE t MODIFY SETTING a = 1",
		"CREATE TABLE t (a UInt8) ENGINE = MergeTree ORDER BY a SETTINGS disk = disk(type = local, path = '/x/')",
		"SELECT 'SETTINGS x = 1', `SETTINGS` FROM t",
		"SELECT 1 SETTINGS", "SETTINGS =", "SETTINGS a = (", "SETTINGS a = 'unterminated",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, settings, err := settingsClauses(s)
		if err != nil {
			return
		}
		for _, st := range settings {
			if st.name == "" || !strings.Contains(s, st.name) {
				t.Fatalf("setting name %q not in %q", st.name, s)
			}
		}
	})
}
