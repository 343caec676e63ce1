package chserver

import (
	"fmt"
	"strings"
)

// Role is what an authenticated user may do on the store.
type Role int

const (
	// RoleReader runs read-only statements, always under readonly=1:
	// Grafana, kaizen's reads, and every GET request.
	RoleReader Role = iota + 1
	// RoleWriter may also INSERT into tables and create or alter them
	// (schema migrations): the exporter, kaizen storing analyses.
	RoleWriter
)

// String returns the role's configuration name.
func (r Role) String() string {
	switch r {
	case RoleReader:
		return "reader"
	case RoleWriter:
		return "writer"
	}
	return fmt.Sprintf("Role(%d)", int(r))
}

// ParseRole reads a role's configuration name ("reader" or "writer").
func ParseRole(s string) (Role, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "reader":
		return RoleReader, nil
	case "writer":
		return RoleWriter, nil
	}
	return 0, fmt.Errorf("role %q: want reader or writer", s)
}

// User is one account of the store.
type User struct {
	// Name is the user name clients send.
	Name string
	// Password is compared in constant time and never logged; it must not
	// be empty.
	Password string
	// Role is what the user may do.
	Role Role
}
