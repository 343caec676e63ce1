package kaizenclickhouseexporter

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strings"
)

// maxTargetName bounds the target name stored in a journal record (its
// length is one byte); the hash covers the whole name.
const maxTargetName = 255

// journalTarget identifies the ClickHouse a journal record belongs to: its
// hosts and the database the exporter writes. Rows confirmed stored in one
// target say nothing about another, so a record of another target must not
// make a push drop any row.
type journalTarget struct {
	// hash is the first 8 bytes of the SHA-256 of the whole name; records
	// are matched on it.
	hash uint64
	// name is the hosts, lower-cased, sorted and without repeats, and the
	// database: "ch-1:9000,ch-2:9000/kaizen". It never holds credentials
	// (the DSN's user info and parameters are not part of it); it is kept
	// for the log line naming a discarded record's target.
	name string
}

// targetOf returns the target cfg writes to. An endpoint that does not
// parse (start refuses it before the journal opens) names no host.
func targetOf(cfg *Config) journalTarget {
	var hosts []string
	if opt, err := cfg.clickhouseOptions(); err == nil {
		for _, h := range opt.Addr {
			if h = strings.ToLower(strings.TrimSpace(h)); h != "" {
				hosts = append(hosts, h)
			}
		}
	}
	slices.Sort(hosts)
	name := strings.Join(slices.Compact(hosts), ",") + "/" + cfg.database()
	sum := sha256.Sum256([]byte(name))
	if len(name) > maxTargetName {
		name = name[:maxTargetName-3] + "..."
	}
	return journalTarget{hash: binary.LittleEndian.Uint64(sum[:]), name: name}
}

// String returns the target's name, for logs.
func (t journalTarget) String() string {
	if t.hash == 0 {
		return "unknown"
	}
	return t.name
}
