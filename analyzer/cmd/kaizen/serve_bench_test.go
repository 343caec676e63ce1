package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/ClickHouse/clickhouse-go/v2"
	"github.com/ClickHouse/clickhouse-go/v2/lib/driver"

	"github.com/kaizenhq/kaizen/analyzer/internal/cli"
	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// BenchmarkServeThroughput is issue 12's target: kaizen serve keeps up
// with 100 finished runs a minute of 50 calls each while the collector
// ingests them. Runs are sent for KAIZEN_SERVE_BENCH_MINUTES (default 2);
// the lag of a run is from the moment it settled (last span + settle) to
// its analyzed row.
func BenchmarkServeThroughput(b *testing.B) {
	minutes := 2.0
	if v := os.Getenv("KAIZEN_SERVE_BENCH_MINUTES"); v != "" {
		var err error
		if minutes, err = strconv.ParseFloat(v, 64); err != nil {
			b.Fatal(err)
		}
	}
	const runsPerMinute, callsPerRun, settle = 100, 50, 10 * time.Second
	for b.Loop() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Duration(minutes*float64(time.Minute))+10*time.Minute)
		chAddr, grpcAddr, dataDir, collectorPid := startCollectorPid(ctx, b)
		b.Setenv("KAIZEN_DATA_DIR", dataDir)
		b.Setenv("GEMINI_API_KEY", "")
		b.Setenv("GOOGLE_API_KEY", "")
		conn := storeConn(b, chAddr, dataDir)
		addr, err := e2e.FreeAddr()
		if err != nil {
			b.Fatal(err)
		}
		sctx, stop := context.WithCancel(ctx)
		var log bytes.Buffer
		done := make(chan int, 1)
		go func() {
			done <- cli.Main(sctx, []string{"serve", "--dsn", "http://" + chAddr + "/kaizen", "--listen", addr,
				"--settle", settle.String(), "--interval", "1s", "--log-format", "text"},
				cli.Config{Stdout: &bytes.Buffer{}, Stderr: &syncWriter{w: &log}})
		}()
		sender, err := e2e.NewSender(grpcAddr)
		if err != nil {
			b.Fatal(err)
		}
		batches := e2e.NewBatches(0x5e7e, 2000)
		var self0 syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self0)
		collCPU0, _ := e2e.CPUTime(collectorPid)
		began := time.Now()
		sent := 0
		tick := time.NewTicker(time.Minute / runsPerMinute)
		for time.Since(began) < time.Duration(minutes*float64(time.Minute)) {
			<-tick.C
			if err := sender.Send(ctx, batches.Next(2*callsPerRun+1).Traces); err != nil {
				b.Fatalf("send run %d: %v", sent, err)
			}
			sent++
		}
		tick.Stop()
		sendDone := time.Now()
		for {
			n, _ := strconv.Atoi(scalar(b, conn, "SELECT toString(uniqExactIf(TraceId, Status = 'analyzed')) FROM analyses"))
			if n >= sent {
				break
			}
			if time.Since(sendDone) > 5*time.Minute {
				b.Fatalf("%d of %d runs analyzed 5 minutes after the last was sent:\n%s", n, sent, tail(log.String(), 40))
			}
			time.Sleep(500 * time.Millisecond)
		}
		caughtUp := time.Since(sendDone)
		var self1 syscall.Rusage
		_ = syscall.Getrusage(syscall.RUSAGE_SELF, &self1)
		collCPU1, _ := e2e.CPUTime(collectorPid)
		lags := lagsMs(b, conn, settle)
		// Every run repeats one prompt 50 times: an analysis without findings did not run the detectors.
		findings, _ := strconv.Atoi(scalar(b, conn, "SELECT toString(uniqExact(TraceId)) FROM findings"))
		if findings < sent {
			b.Errorf("findings for %d of %d runs", findings, sent)
		}
		stop()
		if code := <-done; code != 0 {
			b.Errorf("kaizen serve exited %d", code)
		}
		_ = sender.Close()
		cancel()

		wall := sendDone.Sub(began) + caughtUp
		selfCPU := time.Duration(self1.Utime.Nano()+self1.Stime.Nano()-self0.Utime.Nano()-self0.Stime.Nano()) * time.Nanosecond
		slices.Sort(lags)
		q := func(p float64) float64 { return lags[min(len(lags)-1, int(p*float64(len(lags))))] / 1000 }
		b.ReportMetric(float64(sent), "runs")
		b.ReportMetric(float64(sent*callsPerRun), "calls")
		b.ReportMetric(q(0.5), "lag-p50-s")
		b.ReportMetric(q(0.95), "lag-p95-s")
		b.ReportMetric(lags[len(lags)-1]/1000, "lag-max-s")
		b.ReportMetric(caughtUp.Seconds(), "catch-up-s")
		b.ReportMetric(selfCPU.Seconds()/wall.Seconds(), "serve+load-cores")
		b.ReportMetric((collCPU1-collCPU0).Seconds()/wall.Seconds(), "collector-cores")
		fmt.Fprintf(os.Stderr, "serve throughput: %d runs × %d calls in %.1f min; lag p50 %.1fs p95 %.1fs max %.1fs; caught up %.1fs after the last run; CPU serve+load %.2f cores, collector %.2f cores\n",
			sent, callsPerRun, minutes, q(0.5), q(0.95), lags[len(lags)-1]/1000, caughtUp.Seconds(),
			selfCPU.Seconds()/wall.Seconds(), (collCPU1-collCPU0).Seconds()/wall.Seconds())
	}
}

// lagsMs is, per run, how long after it settled its analysis was stored.
func lagsMs(b *testing.B, conn driver.Conn, settle time.Duration) []float64 {
	b.Helper()
	rows, err := conn.Query(context.Background(), `SELECT toFloat64(dateDiff('millisecond', t.End, a.Done)) - {settle:Float64}
FROM (SELECT TraceId, max(Timestamp + toIntervalNanosecond(Duration)) AS End FROM otel_traces GROUP BY TraceId) AS t
INNER JOIN (SELECT TraceId, min(UpdatedAt) AS Done FROM analyses WHERE Status = 'analyzed' GROUP BY TraceId) AS a ON t.TraceId = a.TraceId`,
		clickhouse.Named("settle", fmt.Sprint(settle.Milliseconds())))
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	var out []float64
	for rows.Next() {
		var v float64
		if err := rows.Scan(&v); err != nil {
			b.Fatal(err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil || len(out) == 0 {
		b.Fatalf("lags: %v (%d runs)", err, len(out))
	}
	return out
}

func tail(s string, lines int) string {
	parts := bytes.Split([]byte(s), []byte("\n"))
	if len(parts) > lines {
		parts = parts[len(parts)-lines:]
	}
	return string(bytes.Join(parts, []byte("\n")))
}
