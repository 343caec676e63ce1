#!/usr/bin/env bash
# make demo: the whole Kaizen loop on the embedded default, from a fresh clone.
#   1. build kaizen-collector (ocb), kaizen and the support-triage example;
#   2. start the collector with collector/config.yaml (embedded ClickHouse);
#   3. run the multi-agent support-triage workflow against a local fake LLM
#      server (real OpenAI, Anthropic and Gemini SDKs, instrumented);
#   4. kaizen serve analyzes every run by itself once it has settled;
#   5. list the runs, show one as a tree, analyze it, and read the API.
# Gemini is used when GEMINI_API_KEY is set; otherwise the analysis is
# offline (deterministic detectors) and says so.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

data="${KAIZEN_DATA_DIR:-$root/.kaizen/demo}"
export KAIZEN_DATA_DIR="$data" # kaizen finds the collector's generated credentials here
rm -rf "$data"
mkdir -p "$data" bin
log="$data/collector.log"

go build -o bin/kaizen-collector ./collector/cmd/kaizen-collector
go build -o bin/kaizen ./analyzer/cmd/kaizen
go build -o bin/triage ./examples/cmd/triage

for port in 4317 4318 8123 13133 8790; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
    echo "demo: port $port is in use on 127.0.0.1; stop whatever listens there (another collector?)" >&2
    exit 1
  fi
done

echo "==> starting kaizen-collector (data in $data, log in $log)"
bin/kaizen-collector --config collector/config.yaml >"$log" 2>&1 &
collector=$!
serve=""
trap 'kill $serve "$collector" 2>/dev/null; wait $serve "$collector" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  if curl -fsS http://127.0.0.1:13133/ >/dev/null 2>&1; then break; fi
  if ! kill -0 "$collector" 2>/dev/null; then echo "demo: collector exited:" >&2; tail -30 "$log" >&2; exit 1; fi
  sleep 0.5
done
curl -fsS http://127.0.0.1:13133/ >/dev/null || { echo "demo: collector not healthy after 60s" >&2; tail -30 "$log" >&2; exit 1; }

echo "==> starting kaizen serve (continuous analysis + API on 127.0.0.1:8790, log in $data/serve.log)"
bin/kaizen serve --settle 5s --interval 1s >"$data/serve.log" 2>&1 &
serve=$!

echo "==> running the support-triage workflow (3 tickets)"
bin/triage --otlp-endpoint 127.0.0.1:4317 --runs 3 | tee "$data/runs.tsv"
trace="$(head -1 "$data/runs.tsv" | cut -f1)"

echo "==> waiting for the collector to store the calls"
want=12 # 4 calls per run
for _ in $(seq 1 120); do
  n="$(curl -fsS -u "kaizen_reader:$(cat "$data/chdb/credentials/reader.password")" \
    'http://127.0.0.1:8123/?database=kaizen' --data-binary 'SELECT count() FROM llm_calls' 2>/dev/null || echo 0)"
  [[ "$n" -ge "$want" ]] && break
  sleep 0.5
done
echo "    $n LLM calls stored"

echo "==> waiting for kaizen serve to analyze the 3 runs (settle time 5 s)"
analyzed=0
for _ in $(seq 1 120); do
  analyzed="$(curl -fsS 'http://127.0.0.1:8790/api/v1/runs?analyzed=true' 2>/dev/null | grep -o '"trace_id"' | wc -l || echo 0)"
  [[ "$analyzed" -ge 3 ]] && break
  if ! kill -0 "$serve" 2>/dev/null; then echo "demo: kaizen serve exited:" >&2; tail -30 "$data/serve.log" >&2; exit 1; fi
  sleep 0.5
done
echo "    $analyzed runs analyzed by kaizen serve"

echo
echo "==> kaizen traces"
bin/kaizen traces
echo
echo "==> kaizen show $trace"
bin/kaizen show "$trace"
echo
echo "==> kaizen analyze $trace"
bin/kaizen analyze "$trace"
echo
echo "==> kaizen what-if $trace --model gpt-4o-mini"
bin/kaizen what-if "$trace" --model gpt-4o-mini
echo
echo "==> curl http://127.0.0.1:8790/api/v1/workflows"
curl -fsS http://127.0.0.1:8790/api/v1/workflows
echo
echo "==> curl 'http://127.0.0.1:8790/api/v1/findings?limit=3'"
curl -fsS 'http://127.0.0.1:8790/api/v1/findings?limit=3'
