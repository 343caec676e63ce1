#!/usr/bin/env bash
# Installs the Node.js packages Kaizen uses into .deps/node: ClickHouse's
# official JS client (to prove the embedded ClickHouse HTTP endpoint works
# with clients we did not write) and Pydantic's genai-prices (the source of
# the embedded price table, `make prices`, and the reference calculator of
# the pricing differential test). Idempotent: does nothing when the pinned
# versions are already installed; an install with another stamp is
# upgraded. Skips with a note when npm is missing (the tests that need node
# then skip or fail with a clear message).
set -euo pipefail

clickhouse="${CLICKHOUSE_JS_VERSION:-1.23.1}"
genaiprices="${GENAI_PRICES_VERSION:-0.1.8}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.deps/node"
stamp="$dest/VERSION"
pkgs=("@clickhouse/client@$clickhouse" "@pydantic/genai-prices@$genaiprices")
want="${pkgs[*]}"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -d "$dest/node_modules/@clickhouse/client" &&
  -d "$dest/node_modules/@pydantic/genai-prices" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "install-node-deps: npm not found; skipping $want (apt-get install nodejs npm)" >&2
  exit 0
fi
mkdir -p "$dest"
[[ -f "$dest/package.json" ]] || echo '{"name":"kaizen-test-deps","private":true}' > "$dest/package.json"
echo "install-node-deps: installing $want into $dest" >&2
(cd "$dest" && npm install --silent --no-audit --no-fund --save-exact "${pkgs[@]}" >/dev/null)
echo "$want" > "$stamp"
