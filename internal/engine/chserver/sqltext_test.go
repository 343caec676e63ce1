package chserver

import (
	"strings"
	"testing"
)

func TestAnalyze(t *testing.T) {
	tests := []struct {
		sql        string
		kind       stmtKind
		format     string
		settings   string // SQL after withSettings with "a = '1'"
		wantErr    string
		insertData string // data after dataAt, for INSERT … FORMAT
	}{
		{sql: "SELECT 1", kind: kindQuery, settings: "SELECT 1\nSETTINGS a = '1'"},
		{sql: "SELECT 1 FORMAT JSON;", kind: kindQuery, format: "JSON", settings: "SELECT 1 FORMAT JSON\nSETTINGS a = '1';"},
		{sql: "SELECT format FROM t", kind: kindQuery},
		{sql: "SELECT 1 FORMAT CSV SETTINGS x=1", kind: kindQuery, format: "CSV"},
		{sql: "select 'a;b' -- c;\n", kind: kindQuery, settings: "select 'a;b' -- c;\n\nSETTINGS a = '1'"},
		{sql: "(SELECT 1) UNION ALL (SELECT 2 FORMAT TSV)", kind: kindQuery},
		{sql: "WITH x AS (SELECT 1) SELECT * FROM x FORMAT Native", kind: kindQuery, format: "Native"},
		{sql: "CREATE TABLE t (a UInt8) ENGINE = MergeTree ORDER BY a SETTINGS index_granularity = 1", kind: kindOther,
			settings: "CREATE TABLE t (a UInt8) ENGINE = MergeTree ORDER BY a SETTINGS index_granularity = 1"},
		{sql: "INSERT INTO t FORMAT Native\n\x00\n\n;SELECT", kind: kindInsert, format: "Native", insertData: "\x00\n\n;SELECT"},
		{sql: "INSERT INTO t (a, `b;`) FORMAT TSV  \r\n1\t2\n", kind: kindInsert, format: "TSV", insertData: "1\t2\n"},
		{sql: "INSERT INTO t VALUES (1, ';')", kind: kindInsert, format: "Values", settings: "INSERT INTO t  SETTINGS a = '1' VALUES (1, ';')"},
		{sql: "INSERT INTO t SELECT 1", kind: kindInsert, settings: "INSERT INTO t  SETTINGS a = '1' SELECT 1"},
		{sql: "INSERT INTO t SETTINGS b=2 VALUES (1)", kind: kindInsert, format: "Values", settings: "INSERT INTO t SETTINGS a = '1', b=2 VALUES (1)"},
		{sql: "SET x = 1", kind: kindSession},
		{sql: "use db", kind: kindSession},
		{sql: "SELECT 1; SELECT 2", wantErr: "Multi-statements"},
		{sql: "SELECT 1; -- trailing comment\n", kind: kindQuery},
		{sql: "INSERT INTO t SELECT 1; DROP TABLE t", wantErr: "Multi-statements"},
		{sql: "  /* only */ -- comments\n", wantErr: "Empty query"},
		{sql: ";", wantErr: "Empty query"},
		{sql: "INSERT INTO t FROM INFILE '/etc/passwd' FORMAT CSV", wantErr: "INFILE"},
		{sql: "SELECT * FROM t INTO OUTFILE 'x'", wantErr: "OUTFILE"},
		{sql: "INSERT INTO t FORMAT", wantErr: "format name"},
	}
	for _, tt := range tests {
		t.Run(tt.sql, func(t *testing.T) {
			st, err := analyze([]byte(tt.sql))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if st.kind != tt.kind || st.format != tt.format {
				t.Errorf("kind %d format %q, want %d %q", st.kind, st.format, tt.kind, tt.format)
			}
			if tt.settings != "" {
				if got := string(withSettings([]byte(tt.sql), st, []string{"a = '1'"})); got != tt.settings {
					t.Errorf("withSettings = %q, want %q", got, tt.settings)
				}
			}
			if tt.insertData != "" && tt.sql[st.dataAt:] != tt.insertData {
				t.Errorf("data = %q, want %q", tt.sql[st.dataAt:], tt.insertData)
			}
		})
	}
}

func TestInsertFromFile(t *testing.T) {
	sql := []byte("INSERT INTO t (a) SETTINGS b = 2 FORMAT Native\n\x01\x02")
	st, err := analyze(sql)
	if err != nil {
		t.Fatal(err)
	}
	got := string(insertFromFile(sql[:st.dataAt], st, []string{"a = '1'"}, "/proc/self/fd/9"))
	want := "INSERT INTO t (a)  FROM INFILE '/proc/self/fd/9' SETTINGS a = '1', b = 2 FORMAT Native"
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
}

// FuzzAnalyze checks the lexer never panics or loops and that offsets stay
// inside the text.
func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"SELECT 1", "INSERT INTO t FORMAT Native\n\x00", "SELECT '\\'' ; x", "/* /* */", "INSERT INTO t SETTINGS a=1 VALUES", "`", "SELECT 1 FORMAT"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, sql []byte) {
		st, err := analyze(sql)
		if err != nil {
			return
		}
		if st.settingsAt > len(sql) || st.dataAt > len(sql) || st.formatAt > len(sql) {
			t.Fatalf("offsets out of range: %+v (len %d)", st, len(sql))
		}
		_ = withSettings(sql, st, []string{"a = '1'"})
	})
}

func TestPickEncoding(t *testing.T) {
	tests := map[string]string{"": "", "gzip": "gzip", "br, gzip;q=0.5": "gzip", "gzip;q=0, br": "br", "identity": "", "*": "gzip", "deflate": "deflate", "zstd": "zstd"}
	for in, want := range tests {
		if got := pickEncoding(in); got != want {
			t.Errorf("pickEncoding(%q) = %q, want %q", in, got, want)
		}
	}
}
