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
	"runtime/pprof"
	"slices"
	"strings"
	"time"

	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench-collector:", err)
		os.Exit(1)
	}
}

type options struct {
	spans, perRequest, senders, content, rounds int
	timeout, settle                             time.Duration
	profile                                     string
}

// target is one collector under test.
type target struct {
	name    string
	short   string // kaizen or contrib, in file names
	round   int
	bin     string
	configs []string
	env     []string
	db      string
	// tables must each reach their row count for the load to be stored.
	tables map[string]int
}

// result is one target's measurement.
type result struct {
	name    string
	round   int
	spans   int
	elapsed time.Duration
	cpu     time.Duration
	// hostCPU is this process's CPU over the same time: the embedded
	// ClickHouse storing the rows plus the OTLP senders.
	hostCPU time.Duration
	// sent is when the last request was acknowledged to the senders.
	sent time.Duration
	// steady is the rate between 10 % and 90 % of the rows stored: the
	// throughput without start-up and the last partial batch's flush wait.
	steady   float64
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
	flag.StringVar(&o.profile, "cpuprofile", "", "write a CPU profile of this process (the store and the senders) per run to <prefix>-r<round>-<kaizen|contrib>.pprof")
	flag.IntVar(&o.rounds, "rounds", 3, "rounds; each runs both collectors, alternating which goes first")
	flag.DurationVar(&o.settle, "settle", 2*time.Minute, "longest wait before a run for the store to finish merging and go idle")
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
		{short: "kaizen", name: "kaizen-collector (kaizen processor + kaizenclickhouse: otel_traces + llm_calls)", bin: *kaizenBin,
			configs: strings.Split(*kaizenConfig, ","), db: "bench_kaizen", tables: map[string]int{"otel_traces": n, "llm_calls": n / 2},
			env: []string{"KAIZEN_CLICKHOUSE_COMPRESSION=none", "KAIZEN_CLICKHOUSE_TTL=0s"}},
		{short: "contrib", name: "contrib clickhouseexporter v0.165.1 (otel_traces)", bin: *contribBin,
			configs: []string{*contribConfig}, db: "bench_contrib", tables: map[string]int{"otel_traces": n}},
	}
	results := make([][]result, len(targets))
	for round := range o.rounds {
		// Alternate the order so that neither collector always runs on a
		// store still merging the other's parts.
		for k := range targets {
			i := (k + round) % len(targets)
			t := targets[i]
			t.db = fmt.Sprintf("%s_%d", t.db, round+1)
			t.round = round + 1
			if err := settle(store, o.settle); err != nil {
				return err
			}
			r, err := measure(store, t, o, n, filepath.Join(dir, fmt.Sprintf("round%d-target%d", round+1, i)), uint32(round*len(targets)+i+1))
			if err != nil {
				return fmt.Errorf("round %d, %s: %w", round+1, t.name, err)
			}
			fmt.Fprintf(os.Stderr, "bench-collector: round %d: %s: %.0f spans/s\n", r.round, r.name, r.spansPerSec())
			results[i] = append(results[i], r)
		}
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
	p, err := e2e.StartProcess(t.bin, t.configs, append(collectorEnv(ports, dir, store, t.db), t.env...), filepath.Join(dir, "collector.log"))
	if err != nil {
		return result{}, err
	}
	defer p.Stop(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), o.timeout)
	defer cancel()
	if err := p.WaitHealthy(ctx, ports.Health, 2*time.Minute); err != nil {
		return result{}, err
	}
	conn, err := e2e.Open(store.Addr(), t.db, store.Writer())
	if err != nil {
		return result{}, err
	}
	defer conn.Close()
	cpu0, err := e2e.CPUTime(p.Pid())
	if err != nil {
		return result{}, err
	}
	host0, err := e2e.CPUTime(os.Getpid())
	if err != nil {
		return result{}, err
	}

	if o.profile != "" {
		f, err := os.Create(fmt.Sprintf("%s-r%d-%s.pprof", o.profile, t.round, t.short))
		if err != nil {
			return result{}, err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return result{}, err
		}
		defer pprof.StopCPUProfile()
	}
	res := result{name: t.name, round: t.round, spans: n, rowsDone: map[string]uint64{}}
	start := time.Now()
	// retries is the sender's until it reports on sendErr: the error paths
	// below return (copy) res while it may still be sending.
	var retries int64
	var sent time.Duration
	sendErr := make(chan error, 1)
	go func() {
		load := e2e.BulkLoad{Spans: n, PerRequest: o.perRequest, Senders: o.senders, Batches: e2e.NewBatches(seed, o.content)}
		var err error
		retries, err = load.Send(ctx, ports.GRPC)
		sent = time.Since(start)
		sendErr <- err
	}()
	var wantRows uint64
	for _, want := range t.tables {
		wantRows += uint64(want)
	}
	var t10, t90 time.Duration
	for {
		done := true
		var rows uint64
		for table, want := range t.tables {
			var got uint64
			if err := conn.QueryRow(ctx, "SELECT count() FROM "+table).Scan(&got); err != nil {
				return res, fmt.Errorf("count %s.%s: %w", t.db, table, err)
			}
			res.rowsDone[table] = got
			rows += min(got, uint64(want))
			done = done && got >= uint64(want)
		}
		if t10 == 0 && rows*10 >= wantRows {
			t10 = time.Since(start)
		}
		if t90 == 0 && rows*10 >= wantRows*9 {
			t90 = time.Since(start)
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
	res.sent = sent
	if t90 > t10 {
		res.steady = 0.8 * float64(n) / (t90 - t10).Seconds()
	}
	if err != nil {
		return res, err
	}
	cpu1, err := e2e.CPUTime(p.Pid())
	if err != nil {
		return res, err
	}
	res.cpu = cpu1 - cpu0
	host1, err := e2e.CPUTime(os.Getpid())
	if err != nil {
		return res, err
	}
	res.hostCPU = host1 - host0
	res.peakRSS, err = e2e.PeakRSS(p.Pid())
	return res, err
}

func report(rs [][]result, o options, n int) {
	fmt.Printf("\n%d spans per collector and run (%d per request, %d senders), half GenAI chat spans with %d B of input messages; %d rounds\n\n", n, o.perRequest, o.senders, o.content, o.rounds)
	fmt.Println("| collector | round | stored spans/s | time to store all | all acknowledged at | steady spans/s (10→90 % stored) | CPU s (user+sys) | CPU µs/span | store + senders CPU s | peak RSS (MiB) | rows | send retries |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|---|")
	for _, runs := range rs {
		for _, r := range runs {
			fmt.Printf("| %s | %d | %.0f | %.2fs | %.2fs | %.0f | %.2f | %.1f | %.2f | %.0f | %v | %d |\n", r.name, r.round, r.spansPerSec(), r.elapsed.Seconds(),
				r.sent.Seconds(), r.steady, r.cpu.Seconds(), float64(r.cpu.Microseconds())/float64(r.spans), r.hostCPU.Seconds(), float64(r.peakRSS)/(1<<20), r.rowsDone, r.retries)
		}
	}
	if len(rs) != 2 || len(rs[0]) == 0 || len(rs[1]) == 0 {
		return
	}
	med := func(runs []result, f func(result) float64) float64 {
		v := make([]float64, len(runs))
		for i, r := range runs {
			v[i] = f(r)
		}
		slices.Sort(v)
		if len(v)%2 == 1 {
			return v[len(v)/2]
		}
		return (v[len(v)/2-1] + v[len(v)/2]) / 2
	}
	rate := func(r result) float64 { return r.spansPerSec() }
	cpu := func(r result) float64 { return r.cpu.Seconds() }
	host := func(r result) float64 { return r.hostCPU.Seconds() }
	rss := func(r result) float64 { return float64(r.peakRSS) }
	fmt.Printf("\nmedians: kaizen %.0f spans/s (collector %.2f CPU s, store + senders %.2f CPU s), contrib %.0f spans/s (collector %.2f CPU s, store + senders %.2f CPU s)\n",
		med(rs[0], rate), med(rs[0], cpu), med(rs[0], host), med(rs[1], rate), med(rs[1], cpu), med(rs[1], host))
	steady := func(r result) float64 { return r.steady }
	fmt.Printf("ratio kaizen/contrib (medians): stored spans/s %.2f×, steady spans/s %.2f×, collector CPU per span %.2f×, peak RSS %.2f×\n",
		med(rs[0], rate)/med(rs[1], rate), med(rs[0], steady)/med(rs[1], steady), med(rs[0], cpu)/med(rs[1], cpu), med(rs[0], rss)/med(rs[1], rss))
	// On a CPU-bound box a collector that cost nothing would still need its
	// store's CPU: contrib's total over kaizen's store CPU bounds the ratio.
	fmt.Printf("bound on this machine: contrib's total CPU / kaizen's store + senders CPU = %.2f× (the stored spans/s ratio a zero-cost kaizen-collector could reach while the run is CPU-bound)\n",
		(med(rs[1], cpu)+med(rs[1], host))/med(rs[0], host))
}

// settle waits until the store has no merge running and this process (the
// store and nothing else, between runs) stays nearly idle for a second, so
// a run does not pay for the previous run's background merges. It gives up
// quietly after limit: the run then reports what it measured.
func settle(store *e2e.Store, limit time.Duration) error {
	conn, err := e2e.Open(store.Addr(), "system", store.Writer())
	if err != nil {
		return err
	}
	defer conn.Close()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		var merges uint64
		if err := conn.QueryRow(context.Background(), "SELECT count() FROM system.merges").Scan(&merges); err != nil {
			return fmt.Errorf("settle: count merges: %w", err)
		}
		c0, err := e2e.CPUTime(os.Getpid())
		if err != nil {
			return err
		}
		time.Sleep(time.Second)
		c1, err := e2e.CPUTime(os.Getpid())
		if err != nil {
			return err
		}
		if merges == 0 && c1-c0 < 50*time.Millisecond {
			return nil
		}
	}
	fmt.Fprintf(os.Stderr, "bench-collector: the store was still busy after %v; measuring anyway\n", limit)
	return nil
}

// collectorEnv is the environment both collectors' configs read: their
// ports and data directory, and the store's endpoint, account and database.
func collectorEnv(ports e2e.Ports, dir string, store *e2e.Store, db string) []string {
	return append(append(ports.Env(dir), store.Env()...), "KAIZEN_CLICKHOUSE_DATABASE="+db)
}
