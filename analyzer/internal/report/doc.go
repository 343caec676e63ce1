// Package report renders the analyzer's outputs — an analysis, the list of
// recent runs, one run's tree and a what-if comparison — as text, Markdown
// or JSON. The JSON documents carry schema_version (SchemaVersion) and kind;
// their fields are documented in analyzer/README.md and only ever added to
// within a schema version.
package report
