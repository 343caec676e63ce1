package chserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	lru "github.com/hashicorp/golang-lru/v2"

	"github.com/kaizenhq/kaizen/internal/engine/chdb"
)

// policyCacheSize bounds the admitted statements remembered per server;
// clients repeat a few statements (the exporter's INSERTs, dashboards).
const policyCacheSize = 1024

// policy decides, with the engine's own parser, whether a role may run a
// statement. chDB is clickhouse-local: it has no users, grants,
// user_files_path confinement or settings constraints (its config file's
// profiles are ignored), so this is the wall, with readonly=1 on every
// read as the engine's own second one.
type policy struct {
	conn    *chdb.Conn
	maxTime time.Duration
	cache   *lru.Cache[policyKey, string]
}

type policyKey struct {
	role Role
	stmt string
}

func newPolicy(conn *chdb.Conn, maxTime time.Duration) *policy {
	cache, _ := lru.New[policyKey, string](policyCacheSize) // only fails for a size <= 0
	return &policy{conn: conn, maxTime: maxTime, cache: cache}
}

// admit returns the canonical text of stmt (one statement without inline
// data) when role may run it, or an exception saying why not. The engine
// formats stmt first, which refuses multi-statements and strips comments,
// then explains the canonical text's syntax tree; the handler runs the
// canonical text, so what runs is what was judged.
func (p *policy) admit(ctx context.Context, stmt []byte, params map[string]string, role Role) (string, error) {
	key := policyKey{role: role, stmt: string(stmt)}
	if len(params) == 0 {
		if canonical, ok := p.cache.Get(key); ok {
			return canonical, nil
		}
	}
	// A literal rather than a query parameter, which would serialize every
	// request behind the engine's one parameter slot.
	res, err := p.conn.Query(ctx, []byte("SELECT formatQuerySingleLine("+quoteString(string(stmt))+")"), "TSVRaw")
	if err != nil {
		return "", engineRefusal(err)
	}
	canonical := strings.TrimSuffix(string(res.Data), "\n")
	if canonical == "" || strings.ContainsAny(canonical, "\n\r") {
		return "", newException(codeSyntaxError, http.StatusBadRequest, "the statement could not be read as one statement")
	}
	res, err = p.conn.QueryParams(ctx, []byte("EXPLAIN AST "+canonical), "TSVRaw", params)
	if err != nil {
		return "", engineRefusal(err)
	}
	root, err := parseAST(string(res.Data))
	if err != nil {
		return "", newException(codeAccessDenied, http.StatusForbidden, "the statement's syntax tree could not be verified (%v); quote identifiers without control characters", err)
	}
	if err := judge(root, canonical, role, p.maxTime); err != nil {
		return "", err
	}
	if len(params) == 0 {
		p.cache.Add(key, canonical)
	}
	return canonical, nil
}

// inScope matches the " In scope SELECT formatQuerySingleLine(…)" context
// the engine appends, which names our wrapper rather than the client's SQL.
var inScope = regexp.MustCompile(`(?s)[:.]? In scope SELECT formatQuerySingleLine\(.*$`)

// engineRefusal turns an engine error about the client's statement into
// an exception without the wrapper's context.
func engineRefusal(err error) error {
	var ce *chdb.Error
	if !errors.As(err, &ce) {
		return err
	}
	trimmed := *ce
	trimmed.Message = inScope.ReplaceAllString(ce.Message, ".")
	return &trimmed
}

// astNode is one line of EXPLAIN AST output.
type astNode struct {
	label    string // "Function file", "SelectQuery", "Storage definition"
	declared int    // the "(children N)" the engine printed
	parent   *astNode
	children []*astNode
}

// kind is the node's first word ("Function", "InsertQuery").
func (n *astNode) kind() string { k, _, _ := strings.Cut(n.label, " "); return k }

// name is the node's second word ("file" in "Function file").
func (n *astNode) name() string {
	_, rest, _ := strings.Cut(n.label, " ")
	name, _, _ := strings.Cut(strings.TrimSpace(rest), " ")
	return name
}

var childCount = regexp.MustCompile(` \(children (\d+)\)$`)

// parseAST reads EXPLAIN AST output (one node per line, indented one space
// per level) and verifies that it is one tree whose nodes have exactly the
// children the engine declared, so text inside identifiers cannot pose as
// nodes or hide them.
func parseAST(out string) (*astNode, error) {
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	var root *astNode
	var stack []*astNode
	for i, line := range lines {
		text := strings.TrimLeft(line, " ")
		depth := len(line) - len(text)
		n := &astNode{}
		if m := childCount.FindStringSubmatchIndex(text); m != nil {
			n.declared, _ = strconv.Atoi(text[m[2]:m[3]])
			text = text[:m[0]]
		}
		n.label = strings.TrimRight(text, " ")
		if n.label == "" {
			return nil, fmt.Errorf("line %d is empty", i+1)
		}
		if i == 0 {
			if depth != 0 {
				return nil, errors.New("the tree does not start at its root")
			}
			root, stack = n, []*astNode{n}
			continue
		}
		if depth == 0 || depth > len(stack) {
			return nil, fmt.Errorf("line %d is not inside the tree", i+1)
		}
		stack = stack[:depth]
		n.parent = stack[depth-1]
		n.parent.children = append(n.parent.children, n)
		stack = append(stack, n)
	}
	if root == nil {
		return nil, errors.New("empty tree")
	}
	var verify func(*astNode) error
	verify = func(n *astNode) error {
		if len(n.children) != n.declared {
			return fmt.Errorf("%q declares %d children and has %d", n.label, n.declared, len(n.children))
		}
		for _, c := range n.children {
			if err := verify(c); err != nil {
				return err
			}
		}
		return nil
	}
	return root, verify(root)
}

// Statement kinds by the root node of their syntax tree.
var (
	readRoots  = map[string]bool{"SelectWithUnionQuery": true, "SelectIntersectExceptQuery": true, "DescribeQuery": true, "Explain": true}
	writeRoots = map[string]bool{"InsertQuery": true, "CreateQuery": true, "AlterQuery": true}
)

// ioFunctions read or write files, run programs or reach the network, as
// table functions, scalar functions or dictionary sources.
var ioFunctions = map[string]bool{
	"file": true, "filecluster": true, "url": true, "urlcluster": true, "cluster": true, "clusterallreplicas": true,
	"gcs": true, "cosn": true, "oss": true, "input": true, "dictionary": true, "catboostevaluate": true,
	"addresstoline": true, "addresstolinewithinlines": true, "addresstosymbol": true,
	"filesystemavailable": true, "filesystemcapacity": true, "filesystemunreserved": true,
}

// ioFunctionPrefixes name families of such functions.
var ioFunctionPrefixes = []string{
	"s3", "remote", "mysql", "postgresql", "mongodb", "redis", "sqlite", "jdbc", "odbc", "hdfs",
	"azureblob", "iceberg", "deltalake", "hudi", "paimon", "executable", "arrowflight", "ytsaurus", "kafka", "nats", "rabbitmq",
}

// tableFunctions are the table functions that only compute.
var tableFunctions = map[string]bool{
	"numbers": true, "numbers_mt": true, "zeros": true, "zeros_mt": true, "generate_series": true, "generateseries": true,
	"values": true, "view": true, "null": true, "merge": true, "format": true, "generaterandom": true,
}

// engines are the table and database engines that keep data in the
// store's own directory.
var engines = map[string]bool{
	"mergetree": true, "replacingmergetree": true, "summingmergetree": true, "aggregatingmergetree": true,
	"collapsingmergetree": true, "versionedcollapsingmergetree": true, "coalescingmergetree": true,
	"memory": true, "null": true, "atomic": true,
}

// alterCommands are the ALTER actions schema migrations use; none reads
// or writes outside the table or throws data away.
var alterCommands = map[string]bool{
	"ADD_COLUMN": true, "MODIFY_COLUMN": true, "COMMENT_COLUMN": true, "ADD_INDEX": true, "MATERIALIZE_INDEX": true,
	"ADD_PROJECTION": true, "MATERIALIZE_PROJECTION": true, "MODIFY_TTL": true, "MATERIALIZE_TTL": true,
	"MODIFY_SETTING": true, "MODIFY_COMMENT": true,
}

// tableSettings may be given to CREATE TABLE and ALTER … MODIFY SETTING;
// others (disk, storage_policy, parts_to_throw_insert, …) can point the
// store at other paths or break ingestion.
var tableSettings = map[string]bool{
	"index_granularity": true, "index_granularity_bytes": true, "ttl_only_drop_parts": true,
	"non_replicated_deduplication_window": true, "min_bytes_for_wide_part": true, "min_rows_for_wide_part": true,
	"allow_nullable_key": true, "merge_with_ttl_timeout": true, "min_age_to_force_merge_seconds": true,
	"mutations_sync": true, "alter_sync": true,
}

// deniedSettings and deniedSettingPrefixes are query settings a client
// may not change: limits and permissions, and settings of the engines and
// table functions that reach files or the network.
var (
	deniedSettings = map[string]bool{
		"allow_ddl": true, "allow_introspection_functions": true, "default_table_engine": true,
		"default_temporary_table_engine": true, "function_sleep_max_microseconds_per_block": true,
		"max_untracked_memory": true, "max_guaranteed_memory_usage": true, "min_execution_speed": true,
		"max_estimated_execution_time": true, "max_concurrent_queries_for_user": true,
		"max_concurrent_queries_for_all_users": true, "max_server_memory_usage": true,
		"min_execution_speed_bytes": true, "max_execution_speed": true, "max_execution_speed_bytes": true,
		"user_files_path": true,
	}
	deniedSettingPrefixes = []string{
		"max_execution_time_", "timeout_", "max_memory_usage", "memory_", "engine_file_", "engine_url_",
		"storage_file_", "s3_", "azure_", "hdfs_", "http_", "remote_", "max_network_",
	}
)

// settingAllowed reports whether a client may set name to value in a
// query: readonly only to 1 or 2, max_execution_time only within maxTime.
func settingAllowed(name, value string, maxTime time.Duration) bool {
	name = strings.ToLower(name)
	switch name {
	case "readonly":
		return value == "1" || value == "2"
	case "max_execution_time":
		secs, err := strconv.ParseFloat(strings.Trim(value, "'"), 64)
		return err == nil && secs > 0 && (maxTime <= 0 || time.Duration(secs*float64(time.Second)) <= maxTime)
	}
	if deniedSettings[name] {
		return false
	}
	for _, p := range deniedSettingPrefixes {
		if strings.HasPrefix(name, p) {
			return false
		}
	}
	return true
}

func denied(format string, args ...any) error {
	return newException(codeAccessDenied, http.StatusForbidden, format, args...)
}

// judge applies the rules to a verified tree of canonical text.
func judge(root *astNode, canonical string, role Role, maxTime time.Duration) error {
	kind := root.kind()
	switch {
	case readRoots[kind] || strings.HasPrefix(kind, "Show") || strings.HasPrefix(kind, "Exists"):
	case writeRoots[kind]:
		if role != RoleWriter {
			return newException(codeReadonly, http.StatusForbidden,
				"Cannot execute query in readonly mode: this user has the reader role (and every GET request runs read-only); use the writer's credentials over POST to insert or change the schema")
		}
	default:
		return denied("%s is not allowed on the embedded store: it serves SELECT, SHOW, DESCRIBE, EXISTS and EXPLAIN to readers, and INSERT, CREATE and ALTER of tables to writers", statementName(canonical))
	}
	sets := 0
	var walk func(*astNode) error
	walk = func(n *astNode) error {
		if err := judgeNode(n, root); err != nil {
			return err
		}
		if n.label == "Set" {
			sets++
		}
		for _, c := range n.children {
			if err := walk(c); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root); err != nil {
		return err
	}
	return judgeSettings(canonical, sets, kind, maxTime)
}

// statementName is the statement's leading keywords, for messages.
func statementName(canonical string) string {
	words := strings.Fields(canonical)
	if len(words) > 2 {
		words = words[:2]
	}
	return strings.Join(words, " ")
}

// judgeNode applies the per-node rules.
func judgeNode(n, root *astNode) error {
	parent := n.parent
	switch n.kind() {
	case "Function":
		name := strings.ToLower(n.name())
		if isIOFunction(name) {
			return denied("function %s reads or writes files, runs programs or reaches the network, which the embedded store does for nobody", n.name())
		}
		switch {
		case parent == nil:
		case parent.label == "TableExpression" && !tableFunctions[name]:
			return denied("table function %s is not allowed on the embedded store (allowed: numbers, zeros, generate_series, values, view, merge, null, format, generateRandom)", n.name())
		case parent.kind() == "InsertQuery":
			return denied("INSERT INTO FUNCTION is not allowed on the embedded store")
		case parent.kind() == "CreateQuery":
			return denied("CREATE TABLE … AS %s(…) is not allowed on the embedded store", n.name())
		case parent.label == "Storage definition" && parent.children[0] == n && !engines[name]:
			return denied("engine %s is not allowed on the embedded store: tables use the MergeTree family, Memory or Null", n.name())
		}
	case "FunctionWithKeyValueArguments", "Dictionary":
		return denied("dictionaries are not allowed on the embedded store")
	case "Refresh":
		return denied("refreshable materialized views are not allowed on the embedded store")
	case "AlterCommand":
		if !alterCommands[n.name()] {
			return denied("ALTER %s is not allowed on the embedded store (allowed: adding or modifying columns, indexes, projections, TTL, comments and table settings)", strings.ReplaceAll(n.name(), "_", " "))
		}
	case "Literal":
		if parent != nil && (parent.kind() == "SelectWithUnionQuery" || parent.kind() == "InsertQuery") {
			return denied("INTO OUTFILE and FROM INFILE are not allowed on the embedded store")
		}
	case "Identifier":
		if parent == root && writeRoots[root.kind()] {
			if db := strings.ToLower(n.name()); db == "system" || db == "information_schema" {
				return denied("the %s database is not writable", n.name())
			}
		}
	}
	return nil
}

func isIOFunction(name string) bool {
	if ioFunctions[name] {
		return true
	}
	for _, p := range ioFunctionPrefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// judgeSettings reads every SETTINGS clause of the canonical text (the
// tree shows a clause as a bare "Set" node, without its names) and checks
// each setting; the clause count must match the tree's, so a clause
// cannot hide from the reader.
func judgeSettings(canonical string, sets int, rootKind string, maxTime time.Duration) error {
	clauses, settings, err := settingsClauses(canonical)
	if err != nil {
		return denied("%v", err)
	}
	if clauses != sets {
		return denied("the statement's SETTINGS clauses could not be read (%d found, the parser has %d); write them as SETTINGS name = value", clauses, sets)
	}
	for _, s := range settings {
		switch rootKind {
		case "CreateQuery", "AlterQuery":
			if !tableSettings[strings.ToLower(s.name)] {
				return denied("setting %s is not allowed in CREATE or ALTER on the embedded store", s.name)
			}
		default:
			if !settingAllowed(s.name, s.value, maxTime) {
				return denied("setting %s = %s is not allowed: limits, permissions and file or network settings are fixed by the server", s.name, s.value)
			}
		}
	}
	return nil
}

// setting is one "name = value" of a SETTINGS clause.
type setting struct{ name, value string }

// settingsClauses scans canonical (formatQuerySingleLine output: keywords
// upper case, no comments, one space between tokens) for SETTINGS and
// MODIFY SETTING clauses, skipping quoted text.
func settingsClauses(s string) (int, []setting, error) {
	var clauses int
	var out []setting
	prev := ""
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			i = skipQuotedAt(s, i)
			prev = ""
		case isWordByte(c):
			j := i
			for j < len(s) && isWordByte(s[j]) {
				j++
			}
			word := s[i:j]
			i = j
			if word == "SETTINGS" || (word == "SETTING" && prev == "MODIFY") {
				clauses++
				list, end, err := readSettingList(s, i)
				if err != nil {
					return 0, nil, err
				}
				out = append(out, list...)
				i = end
				prev = ""
				continue
			}
			prev = word
		default:
			i++
		}
	}
	return clauses, out, nil
}

// readSettingList reads "name = value, name = value" starting at i.
func readSettingList(s string, i int) ([]setting, int, error) {
	var out []setting
	for {
		i = skipSpaces(s, i)
		j := i
		for j < len(s) && isWordByte(s[j]) {
			j++
		}
		if j == i {
			return nil, 0, errors.New("a SETTINGS clause without a setting name")
		}
		name := s[i:j]
		i = skipSpaces(s, j)
		if i >= len(s) || s[i] != '=' {
			return nil, 0, fmt.Errorf("setting %s has no value", name)
		}
		i = skipSpaces(s, i+1)
		start, depth := i, 0
	value:
		for i < len(s) {
			switch c := s[i]; {
			case c == '\'' || c == '"' || c == '`':
				i = skipQuotedAt(s, i)
			case c == '(' || c == '[':
				depth++
				i++
			case (c == ')' || c == ']') && depth > 0:
				depth--
				i++
			case depth == 0 && (c == ',' || c == ' ' || c == ')' || c == ']'):
				break value
			default:
				i++
			}
		}
		out = append(out, setting{name: name, value: s[start:i]})
		if i < len(s) && s[i] == ',' {
			i++
			continue
		}
		return out, i, nil
	}
}

func skipSpaces(s string, i int) int {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	return i
}

// skipQuotedAt returns the offset after the quoted text starting at i.
func skipQuotedAt(s string, i int) int {
	q := s[i]
	for i++; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case q:
			if i+1 < len(s) && s[i+1] == q {
				i++
				continue
			}
			return i + 1
		}
	}
	return len(s)
}
