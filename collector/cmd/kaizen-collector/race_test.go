//go:build race

package main

// raceEnabled: the test binary runs under the race detector, and so does the
// collector binary the tests build.
const raceEnabled = true
