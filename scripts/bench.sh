#!/usr/bin/env bash
# make bench: the benchmarks the issues ask for, each beside its baseline in
# the same run. Raw `go test -bench` output goes to .deps/bench/<name>.txt;
# the summary printed at the end holds the numbers the READMEs quote.
#   BENCH_ONLY=processor scripts/bench.sh   run one section
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
out="$root/.deps/bench"
mkdir -p "$out"
summary="$out/summary.txt"
: >"$summary"

section() { # name package bench benchtime target
  local name="$1" pkg="$2" bench="$3" benchtime="$4" target="$5"
  if [[ -n "${BENCH_ONLY:-}" && "$BENCH_ONLY" != "$name" ]]; then return; fi
  echo "==> $name: go test -run '^\$' -bench '$bench' -benchtime $benchtime -benchmem $pkg" >&2
  go test -run '^$' -bench "$bench" -benchtime "$benchtime" -benchmem -v "$pkg" >"$out/$name.txt" 2>&1 || {
    cat "$out/$name.txt" >&2
    echo "bench: $name failed" >&2
    exit 1
  }
  {
    echo "## $name — target: $target"
    grep -E '^Benchmark|ratio|×' "$out/$name.txt" | sed 's/^/  /'
    echo
  } >>"$summary"
}

section chserver ./internal/engine/chserver 'BenchmarkInsert100k' 3x \
  "HTTP insert (clickhouse-go → chserver → chDB) ≥ 0.7× the in-process insert (issue 2)"
section instrumentation ./internal/testkit/sdktest 'BenchmarkChat|BenchmarkStream200' 2000x \
  "added CPU ≤ 50 µs per non-streaming call and ≤ 1 µs per streamed chunk; the ratio to otelhttp is reported (issue 11)"
section processor ./processor/kaizenprocessor 'BenchmarkProcessor' 20x \
  "≥ 100k GenAI spans/s on one core; plain spans within 1.5× of the pass-through floor (issue 4)"
section exporter ./exporter/kaizenclickhouseexporter 'BenchmarkPushTraces' 5x \
  "exporter-level spans/s, ours vs the contrib clickhouseexporter (issue 5; the collector-level run is make bench-collector)"
section analyzer ./analyzer/internal/cli 'BenchmarkOfflineAnalysis' 3x \
  "offline analysis incl. fetch from the embedded ClickHouse: 1,000 calls ≤ 1 s, 10,000 calls ≤ 10 s (issue 6)"
section serve ./analyzer/cmd/kaizen 'BenchmarkServeThroughput' 1x \
  "kaizen serve keeps up with 100 finished runs/min of 50 calls each while the collector ingests them (issue 12)"
section grafana ./grafana/internal/dashboards 'BenchmarkPanels' 3x \
  "every Overview and Findings panel ≤ 1 s, the whole Overview ≤ 3 s at 10M calls over 30 days (issue 13)"
section gemini-request ./analyzer/internal/gemini 'BenchmarkRequestRatio' 1x \
  "Gemini request size ≤ 0.35 × the naive JSON dump of the run (issue 6)"

echo
cat "$summary"
