package main

import (
	"context"
	"testing"
	"time"

	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// triageRuns is how many support-triage workflows each end-to-end test
// runs (4 LLM calls and 9 spans each).
const triageRuns = 3

// TestEndToEndInProcess runs the collector from collector/config.yaml in
// this process (its own chdb extension hosts the store), sends instrumented
// workflows, every dialect fixture and a batch of bad data, and checks every
// span and call in ClickHouse.
func TestEndToEndInProcess(t *testing.T) {
	ports := e2e.MustPorts(t)
	dir := t.TempDir()
	setEnv(t, ports.Env(dir))
	runInProcess(t, fileURI(embeddedConfig))
	endToEnd(t, ports, dir, 1)
}

// TestEndToEndBinary does the same with the built kaizen-collector binary.
func TestEndToEndBinary(t *testing.T) {
	bin := collectorBinary(t)
	ports := e2e.MustPorts(t)
	dir := t.TempDir()
	p, err := e2e.StartProcess(bin, []string{embeddedConfig}, ports.Env(dir), dir+"/collector.log")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := p.Stop(time.Minute); err != nil {
			t.Errorf("stop collector: %v", err)
		}
	})
	if err := p.WaitHealthy(context.Background(), ports.Health, time.Minute); err != nil {
		t.Fatal(err)
	}
	endToEnd(t, ports, dir, 2)
}

// endToEnd sends the workloads to a collector running collector/config.yaml
// on ports over data directory dir and verifies what it stored.
func endToEnd(t *testing.T, ports e2e.Ports, dir string, seed byte) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	want, err := e2e.RunTriage(ctx, ports.GRPC, triageRuns)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(want.Calls); got != 4*triageRuns {
		t.Fatalf("triage recorded %d LLM calls, want %d", got, 4*triageRuns)
	}
	fixtures, err := e2e.LoadFixtures(fixturesDir, seed)
	if err != nil {
		t.Fatal(err)
	}
	sender, err := e2e.NewSender(ports.GRPC)
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	for _, f := range fixtures {
		if err := sender.Send(ctx, f.Traces); err != nil {
			t.Fatalf("send fixture %s: %v", f.Name, err)
		}
		want.Add(f.Expect)
	}
	bad := newBadData(seed)
	if err := sender.Send(ctx, bad.traces); err != nil {
		t.Fatalf("send bad data: %v", err)
	}
	want.Add(bad.stored)

	writer, err := e2e.CollectorWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := e2e.Open(ports.CHDB, "kaizen", writer)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if err := e2e.WaitVerified(ctx, conn, want, time.Minute); err != nil {
		t.Fatalf("stored data after %d triage runs, %d fixtures and a bad batch:\n%v", triageRuns, len(fixtures), err)
	}
	t.Logf("verified %d spans and %d LLM calls", len(want.Spans), len(want.Calls))
	bad.check(ctx, t, conn, ports.MetricsURL())
}
