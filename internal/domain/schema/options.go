package schema

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// DefaultDatabase is the database Kaizen uses unless told otherwise.
const DefaultDatabase = "kaizen"

// Engine names a MergeTree-family table engine for the tables Kaizen owns.
type Engine string

// Table engines Kaizen can render.
const (
	// EngineMergeTree is the single-node default.
	EngineMergeTree Engine = "MergeTree"
	// EngineReplicated replicates each shard's tables (the cluster default).
	EngineReplicated Engine = "ReplicatedMergeTree"
	// EngineShared is ClickHouse Cloud's shared-storage engine.
	EngineShared Engine = "SharedMergeTree"
)

// Options select how the schema is rendered.
type Options struct {
	// Database holds every table; DefaultDatabase when empty.
	Database string
	// TTL deletes rows older than this; 0 keeps data forever. It is applied
	// to otel_traces and llm_calls (analyses and findings are kept).
	TTL time.Duration
	// Cluster, when set, renders ON CLUSTER DDL with <name>_local tables and
	// Distributed tables named <name> over them.
	Cluster string
	// Engine is the engine of the tables that hold data; EngineMergeTree on a
	// single node and EngineReplicated on a cluster when empty.
	Engine Engine
	// ReplicationPath is the ZooKeeper/Keeper path of replicated tables;
	// DefaultReplicationPath when empty. {table} expands per table.
	ReplicationPath string
}

// DefaultReplicationPath is the Keeper path of replicated tables.
const DefaultReplicationPath = "/clickhouse/tables/{shard}/{database}/{table}"

var identifier = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,127}$`)

// withDefaults returns o with empty fields filled in.
func (o Options) withDefaults() Options {
	if o.Database == "" {
		o.Database = DefaultDatabase
	}
	if o.Engine == "" {
		o.Engine = EngineMergeTree
		if o.Cluster != "" {
			o.Engine = EngineReplicated
		}
	}
	if o.ReplicationPath == "" {
		o.ReplicationPath = DefaultReplicationPath
	}
	return o
}

// Validate reports options that cannot render valid, safe DDL.
func (o Options) Validate() error {
	o = o.withDefaults()
	var errs []error
	if !identifier.MatchString(o.Database) {
		errs = append(errs, fmt.Errorf("database %q: must be a plain identifier (letters, digits, underscore)", o.Database))
	}
	if o.Cluster != "" && !identifier.MatchString(o.Cluster) {
		errs = append(errs, fmt.Errorf("cluster %q: must be a plain identifier (letters, digits, underscore)", o.Cluster))
	}
	if o.TTL < 0 {
		errs = append(errs, fmt.Errorf("ttl %s: must not be negative", o.TTL))
	}
	if o.TTL > 0 && o.TTL < time.Second {
		errs = append(errs, fmt.Errorf("ttl %s: must be at least 1s", o.TTL))
	}
	switch o.Engine {
	case EngineMergeTree, EngineReplicated, EngineShared:
	default:
		errs = append(errs, fmt.Errorf("engine %q: must be one of %s, %s, %s", o.Engine, EngineMergeTree, EngineReplicated, EngineShared))
	}
	if strings.ContainsAny(o.ReplicationPath, `'\`) {
		errs = append(errs, fmt.Errorf("replication path %q: must not contain quotes or backslashes", o.ReplicationPath))
	}
	return errors.Join(errs...)
}

// engine renders the engine clause of a data table. variant is "" for a
// plain MergeTree table or e.g. "Replacing" with its arguments in args.
func (o Options) engine(variant string, args ...string) string {
	var name string
	switch o.Engine {
	case EngineReplicated:
		name = "Replicated" + variant + "MergeTree"
		args = append([]string{quote(o.ReplicationPath), "'{replica}'"}, args...)
	case EngineShared:
		name = "Shared" + variant + "MergeTree"
	default:
		name = variant + "MergeTree"
	}
	return name + "(" + strings.Join(args, ", ") + ")"
}

// onCluster renders the ON CLUSTER clause, or nothing on a single node.
func (o Options) onCluster() string {
	if o.Cluster == "" {
		return ""
	}
	return " ON CLUSTER " + quoteIdent(o.Cluster)
}

// ttl renders a TTL clause on column, or nothing when TTL is off.
func (o Options) ttl(column string) string {
	if o.TTL <= 0 {
		return ""
	}
	return fmt.Sprintf("TTL toDateTime(%s) + %s", column, interval(o.TTL))
}

// interval renders d in the largest whole ClickHouse interval unit.
func interval(d time.Duration) string {
	switch {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("toIntervalDay(%d)", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("toIntervalHour(%d)", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("toIntervalMinute(%d)", d/time.Minute)
	default:
		return fmt.Sprintf("toIntervalSecond(%d)", d/time.Second)
	}
}

func quote(s string) string      { return "'" + s + "'" }
func quoteIdent(s string) string { return "`" + s + "`" }
