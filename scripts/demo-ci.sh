#!/usr/bin/env bash
# make test's last step: make demo on ports and a data directory of its
# own, its promise checked by democheck, the stack stopped afterwards.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
tmp="$(mktemp -d)"
export KAIZEN_PORT_BASE="${KAIZEN_PORT_BASE:-24310}" KAIZEN_DATA_DIR="$tmp/demo"
trap 'scripts/stack.sh down >/dev/null 2>&1 || true; rm -rf "$tmp"' EXIT
if ! scripts/demo.sh >"$tmp/demo.out" 2>&1; then
  cat "$tmp/demo.out" >&2
  echo "demo-ci: make demo failed (output above)" >&2
  exit 1
fi
grep -E '^(wasteful run|at 1,000 runs/day|demo check)' "$tmp/demo.out"
