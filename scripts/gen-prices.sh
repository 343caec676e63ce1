#!/usr/bin/env bash
# Regenerates internal/domain/pricing/genaiprices.json from the pinned
# @pydantic/genai-prices npm package (installed by make deps).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"
"$root/scripts/install-node-deps.sh"
out="internal/domain/pricing/genaiprices.json"
node scripts/gen-prices.cjs | go run ./internal/domain/pricing/internal/genaidata/cmd/gen-prices "$out"
echo "gen-prices: wrote $out" >&2
