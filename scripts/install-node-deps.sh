#!/usr/bin/env bash
# Installs the Node.js packages Kaizen's tests use (ClickHouse's official JS
# client, to prove the embedded ClickHouse HTTP endpoint works with clients we
# did not write) into .deps/node. Idempotent: does nothing when the pinned
# version is already installed. Skips with a note when npm is missing (the
# tests that need node then fail with a clear message).
set -euo pipefail

version="${CLICKHOUSE_JS_VERSION:-1.23.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.deps/node"
stamp="$dest/VERSION"
want="@clickhouse/client@$version"

if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -d "$dest/node_modules/@clickhouse/client" ]]; then
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "install-node-deps: npm not found; skipping $want (apt-get install nodejs npm)" >&2
  exit 0
fi
mkdir -p "$dest"
[[ -f "$dest/package.json" ]] || echo '{"name":"kaizen-test-deps","private":true}' > "$dest/package.json"
echo "install-node-deps: installing $want into $dest" >&2
(cd "$dest" && npm install --silent --no-audit --no-fund --save-exact "$want" >/dev/null)
echo "$want" > "$stamp"
