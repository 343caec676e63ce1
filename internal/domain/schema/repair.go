package schema

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// ErrSchemaMismatch is returned (wrapped in a *MismatchError) when a table
// the recorded schema version promises exists but lacks a column or has one
// of another type: Kaizen never alters or drops columns that hold data, so
// a person has to decide.
var ErrSchemaMismatch = errors.New("database schema does not match its recorded version")

// Problem is one difference between the database and the schema version it
// records.
type Problem struct {
	// Table is the table's name in the database.
	Table string
	// Column is empty when the whole table (or view) is missing.
	Column string
	// Want is the type the schema defines; Got the type found, empty when
	// the column or table is missing.
	Want, Got string
}

func (p Problem) String() string {
	switch {
	case p.Column == "":
		return fmt.Sprintf("table %s is missing", p.Table)
	case p.Got == "":
		return fmt.Sprintf("table %s has no column %s (expected type %s)", p.Table, p.Column, p.Want)
	default:
		return fmt.Sprintf("table %s column %s has type %s, expected %s", p.Table, p.Column, p.Got, p.Want)
	}
}

// MismatchError lists every column problem found in a database.
type MismatchError struct {
	Database string
	Version  int
	Problems []Problem
}

func (e *MismatchError) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		parts[i] = p.String()
	}
	return fmt.Sprintf("%v: database %s at version %d: %s; Kaizen recreates missing tables but never alters columns that hold data: "+
		"fix the column with ALTER TABLE, or move the table aside with RENAME TABLE so the next start recreates it empty",
		ErrSchemaMismatch, e.Database, e.Version, strings.Join(parts, "; "))
}

func (e *MismatchError) Unwrap() error { return ErrSchemaMismatch }

// Check compares the database with everything schema version promises and
// returns each difference: missing tables and views, missing columns and
// columns of another type (extra columns are allowed). It changes nothing.
func Check(ctx context.Context, db DB, o Options, version int) ([]Problem, error) {
	o = o.withDefaults()
	if err := o.Validate(); err != nil {
		return nil, fmt.Errorf("schema options: %w", err)
	}
	want, err := o.expected(version)
	if err != nil {
		return nil, err
	}
	got, err := inspect(ctx, db, o.Database)
	if err != nil {
		return nil, err
	}
	var problems []Problem
	for _, obj := range want {
		cols, ok := got[obj.name]
		if !ok {
			problems = append(problems, Problem{Table: o.Database + "." + obj.name})
			continue
		}
		for _, c := range obj.columns {
			switch typ, ok := cols[c.Name]; {
			case !ok:
				problems = append(problems, Problem{Table: o.Database + "." + obj.name, Column: c.Name, Want: c.Type})
			case normalizeType(typ) != c.Type:
				problems = append(problems, Problem{Table: o.Database + "." + obj.name, Column: c.Name, Want: c.Type, Got: typ})
			}
		}
	}
	return problems, nil
}

// Repair recreates the tables and views of schema version that are missing
// from the database (running, for each, the statements of every migration
// up to version that build it, so a recreated table matches a migrated
// one) and returns their names. Existing tables are never altered: when one
// has a missing or mistyped column Repair changes nothing and returns a
// *MismatchError naming each column. Migrate calls it on every start, so a
// dropped table never stops a writer from starting.
func Repair(ctx context.Context, db DB, o Options, version int) ([]string, error) {
	o = o.withDefaults()
	problems, err := Check(ctx, db, o, version)
	if err != nil {
		return nil, err
	}
	missing := map[string]bool{}
	var columnProblems []Problem
	for _, p := range problems {
		if p.Column == "" {
			missing[p.Table] = true
		} else {
			columnProblems = append(columnProblems, p)
		}
	}
	if len(columnProblems) > 0 {
		return nil, &MismatchError{Database: o.Database, Version: version, Problems: columnProblems}
	}
	if len(missing) == 0 {
		return nil, nil
	}
	objs, err := o.expected(version)
	if err != nil {
		return nil, err
	}
	rebuild := map[string]bool{} // logical names, whose steps create the missing objects
	var repaired []string
	for _, obj := range objs {
		if missing[o.Database+"."+obj.name] {
			rebuild[obj.logical] = true
			repaired = append(repaired, obj.name)
		}
	}
	for _, m := range Migrations {
		if m.Version > version {
			break
		}
		steps, err := m.steps(o)
		if err != nil {
			return nil, fmt.Errorf("render migration %d: %w", m.Version, err)
		}
		for _, s := range steps {
			if !rebuild[s.object] {
				continue
			}
			if err := db.Exec(ctx, s.sql); err != nil {
				return nil, fmt.Errorf("recreate %s.%s (migration %d): %w", o.Database, s.object, m.Version, err)
			}
		}
	}
	// Check again: what was recreated must now be whole.
	problems, err = Check(ctx, db, o, version)
	if err != nil {
		return repaired, err
	}
	if len(problems) > 0 {
		return repaired, &MismatchError{Database: o.Database, Version: version, Problems: problems}
	}
	return repaired, nil
}

// inspect reads every table of database with its columns and types.
func inspect(ctx context.Context, db DB, database string) (map[string]map[string]string, error) {
	pctx := withParams(ctx, map[string]string{"db": database})
	var names []string
	if err := db.QueryRow(pctx, "SELECT groupArray(name) FROM system.tables WHERE database = {db:String}").Scan(&names); err != nil {
		return nil, fmt.Errorf("list tables of %s: %w", database, err)
	}
	got := make(map[string]map[string]string, len(names))
	for _, n := range names {
		got[n] = map[string]string{}
	}
	var tables, columns, types []string
	q := "SELECT groupArray(table), groupArray(name), groupArray(type) FROM system.columns WHERE database = {db:String}"
	if err := db.QueryRow(pctx, q).Scan(&tables, &columns, &types); err != nil {
		return nil, fmt.Errorf("read columns of %s: %w", database, err)
	}
	if len(tables) != len(columns) || len(columns) != len(types) {
		return nil, fmt.Errorf("read columns of %s: %d tables, %d names, %d types", database, len(tables), len(columns), len(types))
	}
	for i, t := range tables {
		if got[t] == nil {
			got[t] = map[string]string{}
		}
		got[t][columns[i]] = types[i]
	}
	return got, nil
}
