#!/usr/bin/env bash
# The local Kaizen stack on the embedded default: kaizen-collector (with its
# embedded ClickHouse) and kaizen serve, in the background.
#   scripts/stack.sh up     build, check ports, start, wait until healthy
#   scripts/stack.sh down   stop both (queued data is flushed first)
#   scripts/stack.sh env    print the variables the other scripts use
# Ports (all on 127.0.0.1) can be moved with KAIZEN_PORT_BASE=N (N+0 OTLP
# gRPC, +1 OTLP HTTP, +2 ClickHouse HTTP, +3 health, +4 metrics, +5 API).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

data="${KAIZEN_DATA_DIR:-$root/.kaizen/demo}"
if [[ -n "${KAIZEN_PORT_BASE:-}" ]]; then
  b="$KAIZEN_PORT_BASE"
  grpc=$b http=$((b + 1)) chdb=$((b + 2)) health=$((b + 3)) metrics=$((b + 4)) api=$((b + 5))
else
  grpc=4317 http=4318 chdb=8123 health=13133 metrics=8888 api=8790
fi
export KAIZEN_DATA_DIR="$data"
export KAIZEN_OTLP_GRPC_ENDPOINT="127.0.0.1:$grpc" KAIZEN_OTLP_HTTP_ENDPOINT="127.0.0.1:$http"
export KAIZEN_CHDB_ENDPOINT="127.0.0.1:$chdb" KAIZEN_HEALTH_ENDPOINT="127.0.0.1:$health" KAIZEN_METRICS_PORT="$metrics"
export KAIZEN_CLICKHOUSE_DSN="http://127.0.0.1:$chdb/kaizen"
export KAIZEN_API="http://127.0.0.1:$api"

step() { printf '\n==> %s\n' "$*"; }
fail() { # step, log
  echo "stack: $1 failed; the last lines of $2:" >&2
  tail -25 "$2" >&2 2>/dev/null || true
  exit 1
}

up() {
  for p in "$grpc" "$http" "$chdb" "$health" "$metrics" "$api"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "stack: port $p on 127.0.0.1 is in use (another Kaizen? run make down, or set KAIZEN_PORT_BASE)" >&2
      exit 1
    fi
  done
  mkdir -p "$data" bin
  step "building kaizen-collector, kaizen and the example workflows"
  go build -o bin/kaizen-collector ./collector/cmd/kaizen-collector
  go build -o bin/kaizen ./analyzer/cmd/kaizen
  go build -o bin/custops ./examples/cmd/custops
  step "starting kaizen-collector (embedded ClickHouse on 127.0.0.1:$chdb, OTLP on :$grpc/:$http; log $data/collector.log)"
  setsid bin/kaizen-collector --config collector/config.yaml >"$data/collector.log" 2>&1 &
  echo $! >"$data/collector.pid"
  for _ in $(seq 1 240); do
    curl -fsS "http://127.0.0.1:$health/" >/dev/null 2>&1 && break
    kill -0 "$(cat "$data/collector.pid")" 2>/dev/null || fail "starting the collector" "$data/collector.log"
    sleep 0.25
  done
  curl -fsS "http://127.0.0.1:$health/" >/dev/null 2>&1 || fail "the collector's health check (60 s)" "$data/collector.log"
  step "starting kaizen serve (API on $KAIZEN_API; log $data/serve.log)"
  setsid bin/kaizen serve --listen "127.0.0.1:$api" --settle 3s --interval 1s >"$data/serve.log" 2>&1 &
  echo $! >"$data/serve.pid"
  for _ in $(seq 1 120); do
    curl -fsS "$KAIZEN_API/healthz" >/dev/null 2>&1 && break
    kill -0 "$(cat "$data/serve.pid")" 2>/dev/null || fail "starting kaizen serve" "$data/serve.log"
    sleep 0.25
  done
  curl -fsS "$KAIZEN_API/healthz" >/dev/null 2>&1 || fail "kaizen serve's health check (30 s)" "$data/serve.log"
  echo "    the stack is up (stop it with: make down)"
}

down() {
  for name in serve collector; do
    f="$data/$name.pid"
    [[ -f "$f" ]] || continue
    pid="$(cat "$f")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 120); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -0 "$pid" 2>/dev/null && { echo "stack: $name (pid $pid) still running after 30 s; killing it" >&2; kill -KILL "$pid"; }
      echo "stopped $name"
    fi
    rm -f "$f"
  done
}

case "${1:-}" in
up) up ;;
down) down ;;
env) env | grep -E '^KAIZEN_' | sort ;;
*) echo "usage: scripts/stack.sh up|down|env" >&2; exit 2 ;;
esac
