// Package diff compares two runs of a workflow — typically one before and
// one after applying the analyzer's recommendations: calls, tokens and
// cost per agent and per model side by side, which findings of the first
// run are gone in the second, and the saving realized against the saving
// the analysis predicted for the first.
package diff
