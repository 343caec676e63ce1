#!/usr/bin/env bash
# make bench-collector: the same OTLP load (200k spans, half GenAI chat spans
# with 2 KB of input messages) sent to bin/kaizen-collector and to a collector
# built the same way (ocb v0.165.0) with the contrib clickhouseexporter
# v0.165.1, one after the other, both writing to one embedded ClickHouse.
# Prints stored spans/s, CPU seconds, peak RSS and the ratios.
#   scripts/bench-collector.sh [collector/bench flags, e.g. -spans 400000]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

ocb_version="v0.165.0"
ocb="$root/.deps/bin/builder-$ocb_version"
if [[ ! -x "$ocb" ]]; then
  # gen-collector.sh installs ocb; --check leaves the tree untouched.
  ./scripts/gen-collector.sh --check >/dev/null || true
fi

scratch="$(mktemp -d "${TMPDIR:-/tmp}/kaizen-bench-collector.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT

echo "bench-collector: building the contrib baseline with ocb $ocb_version in $scratch" >&2
sed "s#output_path: ./build#output_path: $scratch/contrib#" collector/bench/builder-contrib.yaml >"$scratch/builder.yaml"
if ! log="$("$ocb" --config "$scratch/builder.yaml" 2>&1)"; then
  echo "$log" >&2
  exit 1
fi
contrib="$scratch/contrib/contrib-clickhouse-collector"

echo "bench-collector: building bin/kaizen-collector" >&2
mkdir -p bin
go build -o bin/kaizen-collector ./collector/cmd/kaizen-collector

go run ./collector/bench -kaizen bin/kaizen-collector -contrib "$contrib" "$@"
