package macros

import (
	"strings"
	"testing"
	"time"
)

func TestExpand(t *testing.T) {
	from, to := time.Unix(1000, 0), time.Unix(2000, 0)
	tests := []struct {
		name, sql string
		vars      map[string]string
		want      string
		wantErr   string
	}{
		{name: "time filter", sql: "WHERE $__timeFilter(Timestamp)",
			want: "WHERE Timestamp >= toDateTime(1000) AND Timestamp <= toDateTime(2000)"},
		{name: "time interval", sql: "SELECT $__timeInterval(Timestamp)",
			want: "SELECT toStartOfInterval(toDateTime(Timestamp), INTERVAL 60 second)"},
		{name: "conditional all at All", sql: "WHERE $__conditionalAll(Model IN (${model:singlequote}), $model)",
			vars: map[string]string{"model": "$__all"}, want: "WHERE 1=1"},
		{name: "conditional all at a value", sql: "WHERE $__conditionalAll(Model IN (${model:singlequote}), $model)",
			vars: map[string]string{"model": "gpt-4o"}, want: "WHERE Model IN ('gpt-4o')"},
		{name: "quote in a value", sql: "WHERE w = $workflow",
			vars: map[string]string{"workflow": "a'b"}, want: `WHERE w = 'a\'b'`},
		{name: "variable at All outside conditionalAll", sql: "WHERE w = $workflow",
			vars: map[string]string{"workflow": "$__all"}, wantErr: "interpolated at All"},
		{name: "undefined variable", sql: "WHERE w = $nope", wantErr: "interpolated at All"},
		{name: "time filter in ms", sql: "WHERE $__timeFilter_ms(t)",
			want: "WHERE t >= fromUnixTimestamp64Milli(1000000) AND t <= fromUnixTimestamp64Milli(2000000)"},
		{name: "date filter", sql: "WHERE $__dateFilter(d)", want: "WHERE d >= toDate('1970-01-01') AND d <= toDate('1970-01-01')"},
		{name: "range bounds", sql: "SELECT $__fromTime, $__toTime, $__fromTime_ms, $__toTime_ms",
			want: "SELECT toDateTime(1000), toDateTime(2000), fromUnixTimestamp64Milli(1000000), fromUnixTimestamp64Milli(2000000)"},
		{name: "interval", sql: "SELECT $__interval_s, $__timeInterval_ms(t)",
			want: "SELECT 60, toStartOfInterval(toDateTime64(t, 3), INTERVAL 60000 millisecond)"},
		{name: "unknown macro", sql: "WHERE $__unixEpochFilter(d)", wantErr: "unexpanded macro"},
		{name: "unclosed conditionalAll", sql: "WHERE $__conditionalAll(a, $m", wantErr: "bad $__conditionalAll"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Expand(tt.sql, tt.vars, from, to, time.Minute)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Expand = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestVariables(t *testing.T) {
	got := strings.Join(Variables("WHERE $__timeFilter(t) AND a = ${model:singlequote} AND b = $workflow"), ",")
	if got != "model,workflow" {
		t.Errorf("Variables = %q", got)
	}
}

func FuzzExpand(f *testing.F) {
	for _, s := range []string{"$__conditionalAll(a, $m)", "$__timeFilter(x)", "${v:raw} $w", "$__conditionalAll((", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		out, err := Expand(sql, map[string]string{"m": "x", "v": "y", "w": "$__all"}, time.Unix(0, 0), time.Unix(1, 0), time.Second)
		if err == nil && strings.Contains(out, "$__") {
			t.Fatalf("macro left in %q -> %q", sql, out)
		}
	})
}
