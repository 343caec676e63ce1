package fingerprint

import (
	"encoding/json"
	"math/rand/v2"
	"syscall"
	"testing"
	"time"
)

func benchPrompt() (string, string) {
	r := rand.New(rand.NewPCG(1, 1))
	text := randomPrompt(r, 330) // about 2 KB
	msgs, _ := json.Marshal([]map[string]any{{"role": "user", "parts": []map[string]string{{"type": "text", "content": text}}}})
	return text, string(msgs)
}

// benchCPU runs f b.N times and reports the process CPU time per call
// beside the wall time: on a shared machine the wall time includes waiting.
func benchCPU(b *testing.B, bytes int, f func()) {
	b.SetBytes(int64(bytes))
	b.ReportAllocs()
	c0 := cpuTime()
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64(cpuTime()-c0)/float64(b.N), "cpu-ns/op")
}

// cpuTime returns the process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func BenchmarkCanonical(b *testing.B) {
	text, _ := benchPrompt()
	benchCPU(b, len(text), func() { Canonical(text) })
}

func BenchmarkSimHash(b *testing.B) {
	text, _ := benchPrompt()
	c := Canonical(text)
	benchCPU(b, len(c), func() { simHashCanonical(c) })
}

func BenchmarkFromAttributes(b *testing.B) {
	_, msgs := benchPrompt()
	benchCPU(b, len(msgs), func() {
		if _, err := FromAttributes(`[{"type":"text","content":"You are helpful."}]`, msgs); err != nil {
			b.Fatal(err)
		}
	})
}
