// Package analysis is the one path from a stored run to a stored, verified
// analysis — fetch, detect, Gemini, verify, store — that `kaizen analyze`
// and `kaizen serve` both call.
package analysis
