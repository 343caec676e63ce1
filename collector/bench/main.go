// Command bench is `make bench-collector`: it sends the same OTLP load to
// kaizen-collector and to a collector built the same way with the contrib
// clickhouseexporter, one after the other, both writing to one embedded
// ClickHouse hosted by this process, and reports stored spans/s, collector
// CPU seconds and peak RSS for both, and the ratio.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/kaizenhq/kaizen/internal/e2e"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-collector:", err)
		os.Exit(1)
	}
}

type options struct {
	spans, perRequest, senders, content int
	timeout                             time.Duration
}

// target is one collector under test.
type target struct {
	name    string
	bin     string
	configs []string
	env     []string
	db      string
	// tables must each reach their row count for the load to be stored.
	tables map[string]int
}

// result is one target's measurement.
type result struct {
	name     string
	spans    int
	elapsed  time.Duration
	cpu      time.Duration
	peakRSS  int64
	retries  int64
	rowsDone map[string]uint64
}

func (r result) spansPerSec() float64 { return float64(r.spans) / r.elapsed.Seconds() }

func run() error {
	kaizenBin := flag.String("kaizen", "bin/kaizen-collector", "kaizen-collector binary")
	contribBin := flag.String("contrib", "", "collector binary built from collector/bench/builder-contrib.yaml")
	kaizenConfig := flag.String("kaizen-config", "collector/config.clickhouse.yaml", "kaizen-collector config URIs, comma-separated (later ones override)")
	contribConfig := flag.String("contrib-config", "collector/bench/config.contrib.yaml", "contrib collector config")
	work := flag.String("dir", "", "scratch directory (default: a new temporary one, removed at the end)")
	var o options
	flag.IntVar(&o.spans, "spans", 200_000, "spans to send to each collector (half GenAI)")
	flag.IntVar(&o.perRequest, "per-request", 500, "spans per OTLP request")
	flag.IntVar(&o.senders, "senders", 4, "concurrent OTLP senders")
	flag.IntVar(&o.content, "content", 2048, "bytes of input messages per GenAI span")
	flag.DurationVar(&o.timeout, "timeout", 15*time.Minute, "per-collector limit for sending and storing everything")
	flag.Parse()
	if *contribBin == "" {
		return errors.New("-contrib: the contrib collector binary is required (scripts/bench-collector.sh builds it)")
	}
	dir := *work
	if dir == "" {
		d, err := os.MkdirTemp("", "kaizen-bench-collector-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	store, err := e2e.StartStore(filepath.Join(dir, "chdb"), "127.0.0.1:0")
	if err != nil {
		return err
	}
	defer store.Stop(context.Background())

	n := o.spans / o.perRequest * o.perRequest
	targets := []target{
		{name: "kaizen-collector (kaizen processor + kaizenclickhouse: otel_traces + llm_calls)", bin: *kaizenBin,
			configs: strings.Split(*kaizenConfig, ","), db: "bench_kaizen", tables: map[string]int{"otel_traces": n, "llm_calls": n / 2},
			env: []string{"KAIZEN_CLICKHOUSE_COMPRESSION=none", "KAIZEN_CLICKHOUSE_TTL=0s"}},
		{name: "contrib clickhouseexporter v0.165.1 (otel_traces)", bin: *contribBin,
			configs: []string{*contribConfig}, db: "bench_contrib", tables: map[string]int{"otel_traces": n}},
	}
	var results []result
	for i, t := range targets {
		r, err := measure(store, t, o, n, filepath.Join(dir, fmt.Sprintf("target%d", i)), uint32(i+1))
		if err != nil {
			return fmt.Errorf("%s: %w", t.name, err)
		}
		results = append(results, r)
	}
	report(results, o, n)
	return nil
}

// measure starts one collector, sends n spans and waits until every table
// holds its rows.
func measure(store *e2e.Store, t target, o options, n int, dir string, seed uint32) (result, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return result{}, err
	}
	if err := store.Exec("CREATE DATABASE IF NOT EXISTS " + t.db); err != nil {
		return result{}, err
	}
	ports, err := e2e.NewPorts()
	if err != nil {
		return result{}, err
	}
	env := append(ports.Env(dir), "KAIZEN_CLICKHOUSE_ENDPOINT="+store.URL(), "KAIZEN_CLICKHOUSE_DATABASE="+t.db)
	p, err := e2e.StartProcess(t.bin, t.configs, append(env, t.env...), filepath.Join(dir, "collector.log"))
	if err != nil {
		return result{}, err
	}
	defer p.Stop(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	if err := p.WaitHealthy(ctx, ports.Health, 2*time.Minute); err != nil {
		return result{}, err
	}
	conn, err := e2e.Open(store.Addr(), t.db)
	if err != nil {
		return result{}, err
	}
	defer conn.Close()
	cpu0, err := e2e.CPUTime(p.Pid())
	if err != nil {
		return result{}, err
	}

	res := result{name: t.name, spans: n, rowsDone: map[string]uint64{}}
	start := time.Now()
	// retries is the sender's until it reports on sendErr: the error paths
	// below return (copy) res while it may still be sending.
	var retries int64
	sendErr := make(chan error, 1)
	go func() {
		load := e2e.BulkLoad{Spans: n, PerRequest: o.perRequest, Senders: o.senders, Batches: e2e.NewBatches(seed, o.content)}
		var err error
		retries, err = load.Send(ctx, ports.GRPC)
		sendErr <- err
	}()
	for {
		done := true
		for table, want := range t.tables {
			var got uint64
			if err := conn.QueryRow(ctx, "SELECT count() FROM "+table).Scan(&got); err != nil {
				return res, fmt.Errorf("count %s.%s: %w", t.db, table, err)
			}
			res.rowsDone[table] = got
			done = done && got >= uint64(want)
		}
		if done {
			break
		}
		if p.Exited() || ctx.Err() != nil {
			return res, fmt.Errorf("stored %v of %v rows when the collector exited or time ran out:\n%s", res.rowsDone, t.tables, p.LogTail(20))
		}
		time.Sleep(50 * time.Millisecond)
	}
	res.elapsed = time.Since(start)
	err = <-sendErr
	res.retries = retries
	if err != nil {
		return res, err
	}
	cpu1, err := e2e.CPUTime(p.Pid())
	if err != nil {
		return res, err
	}
	res.cpu = cpu1 - cpu0
	res.peakRSS, err = e2e.PeakRSS(p.Pid())
	return res, err
}

func report(rs []result, o options, n int) {
	fmt.Printf("\n%d spans per collector (%d per request, %d senders), half GenAI chat spans with %d B of input messages\n\n", n, o.perRequest, o.senders, o.content)
	fmt.Println("| collector | stored spans/s | time to store all | CPU s (user+sys) | CPU µs/span | peak RSS (MiB) | rows | send retries |")
	fmt.Println("|---|---|---|---|---|---|---|---|")
	for _, r := range rs {
		fmt.Printf("| %s | %.0f | %.2fs | %.2f | %.1f | %.0f | %v | %d |\n", r.name, r.spansPerSec(), r.elapsed.Seconds(),
			r.cpu.Seconds(), float64(r.cpu.Microseconds())/float64(r.spans), float64(r.peakRSS)/(1<<20), r.rowsDone, r.retries)
	}
	if len(rs) == 2 {
		fmt.Printf("\nratio kaizen/contrib: stored spans/s %.2f×, CPU per span %.2f×, peak RSS %.2f×\n",
			rs[0].spansPerSec()/rs[1].spansPerSec(), rs[0].cpu.Seconds()/rs[1].cpu.Seconds(), float64(rs[0].peakRSS)/float64(rs[1].peakRSS))
	}
}
