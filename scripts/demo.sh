#!/usr/bin/env bash
# make demo: the whole Kaizen story on the embedded default, no accounts.
#   1. start the stack (kaizen-collector with its embedded ClickHouse, and
#      kaizen serve) — scripts/stack.sh up; it stays up afterwards;
#   2. run the customer-operations workflow, wasteful variant (real OpenAI,
#      Anthropic and Gemini SDKs, instrumented, against a local fake LLM);
#   3. wait for the run to land and for kaizen serve to analyze it; show
#      kaizen traces, the analysis and a what-if;
#   4. run the optimized variant, show kaizen diff and the scale-up;
#   5. check the promise (democheck) and say how to look further and stop.
# With OPENAI_API_KEY, ANTHROPIC_API_KEY and GEMINI_API_KEY all set the
# workflow calls the real providers; with GEMINI_API_KEY the analysis asks
# Gemini too.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
data="${KAIZEN_DATA_DIR:-$root/.kaizen/demo}"
export KAIZEN_DATA_DIR="$data"

# shellcheck disable=SC1090
eval "$(scripts/stack.sh env | sed 's/^/export /')"
if curl -fsS "$KAIZEN_API/healthz" >/dev/null 2>&1; then
  echo "==> the stack is already up (make down stops it)"
else
  rm -rf "$data"
  scripts/stack.sh up
fi
eval "$(scripts/stack.sh env | sed 's/^/export /')"
go build -o bin/democheck ./scripts/democheck

step() { printf '\n==> %s\n' "$*"; }
fail() { echo "demo: $1 failed; see $2" >&2; tail -20 "$2" >&2 2>/dev/null || true; exit 1; }

# wait_analyzed TRACE CALLS: the run's calls are stored and kaizen serve analyzed it.
wait_analyzed() {
  local trace="$1" calls="$2" got=""
  for _ in $(seq 1 240); do
    got="$(curl -fsS "$KAIZEN_API/api/v1/runs/$trace/analysis" 2>/dev/null || true)"
    case "$got" in *'"status":"analyzed"'*)
      case "$got" in *"\"calls\":$calls,"*) return 0 ;; esac ;;
    esac
    sleep 0.5
  done
  echo "demo: run $trace was not analyzed with its $calls calls within 2 minutes; last answer: $got" >&2
  fail "waiting for kaizen serve" "$data/serve.log"
}

step "running the customer-operations workflow, wasteful variant (6 agents, 3 providers)"
bin/custops --otlp-endpoint "$KAIZEN_OTLP_GRPC_ENDPOINT" --variant wasteful >"$data/wasteful.tsv" 2>"$data/custops.log" ||
  fail "the wasteful run" "$data/custops.log"
read -r trace_a cost_a calls_a <"$data/wasteful.tsv"
echo "    trace $trace_a: $calls_a LLM calls, \$$cost_a at list prices"

step "waiting for the collector to store the run and kaizen serve to analyze it (settle 3 s)"
wait_analyzed "$trace_a" "$calls_a"
echo "    analyzed"

step "kaizen traces"
bin/kaizen traces --limit 5 -q
step "kaizen analyze $trace_a"
bin/kaizen analyze "$trace_a" -q
bin/kaizen analyze "$trace_a" -q --no-store --format json >"$data/analysis.json"
step "kaizen what-if $trace_a --cache"
bin/kaizen what-if "$trace_a" --cache -q | tail -4

step "running the optimized variant (each recommendation applied)"
bin/custops --otlp-endpoint "$KAIZEN_OTLP_GRPC_ENDPOINT" --variant optimized >"$data/optimized.tsv" 2>>"$data/custops.log" ||
  fail "the optimized run" "$data/custops.log"
read -r trace_b cost_b calls_b <"$data/optimized.tsv"
echo "    trace $trace_b: $calls_b LLM calls, \$$cost_b at list prices"
wait_analyzed "$trace_b" "$calls_b"

step "kaizen diff $trace_a $trace_b"
bin/kaizen diff "$trace_a" "$trace_b" -q
bin/kaizen diff "$trace_a" "$trace_b" -q --format json >"$data/diff.json"

step "the promise"
bin/democheck "$data"

cat <<MSG

==> the stack keeps running
    API:        curl -s $KAIZEN_API/api/v1/workflows        (OpenAPI at $KAIZEN_API/api/v1/openapi.json)
    CLI:        bin/kaizen traces · bin/kaizen show $trace_a
    ClickHouse: $KAIZEN_CLICKHOUSE_DSN (credentials in $data/chdb/credentials)
    Grafana:    see grafana/README.md "Run Grafana against the embedded store" (KAIZEN_DATA_DIR=$data)
    Stop:       make down
MSG
