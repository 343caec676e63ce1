#!/usr/bin/env bash
# Installs chDB's libchdb (the embedded ClickHouse engine) into .deps/chdb
# from chDB's official npm package. Idempotent: does nothing when the pinned
# version is already installed.
set -euo pipefail

version="${CHDB_VERSION:-26.7.3-stable.1}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dest="$root/.deps/chdb"
stamp="$dest/VERSION"

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64)  pkg="@chdb/lib-linux-x64-gnu"; lib="libchdb.so" ;;
  Linux-aarch64) pkg="@chdb/lib-linux-arm64-gnu"; lib="libchdb.so" ;;
  Darwin-arm64)  pkg="@chdb/lib-darwin-arm64"; lib="libchdb.dylib" ;;
  Darwin-x86_64) pkg="@chdb/lib-darwin-x64"; lib="libchdb.dylib" ;;
  *) echo "install-chdb: no chDB library package for $(uname -s)-$(uname -m)" >&2; exit 1 ;;
esac

if [[ -f "$dest/$lib" && -f "$stamp" && "$(cat "$stamp")" == "$pkg@$version" ]]; then
  exit 0
fi
command -v npm >/dev/null || { echo "install-chdb: npm is required to fetch $pkg@$version (apt-get install npm)" >&2; exit 1; }

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
echo "install-chdb: fetching $pkg@$version" >&2
(cd "$tmp" && npm pack --silent "$pkg@$version" >/dev/null)
tar -xzf "$tmp"/*.tgz -C "$tmp" "package/$lib"
mkdir -p "$dest"
mv "$tmp/package/$lib" "$dest/$lib.partial"
mv "$dest/$lib.partial" "$dest/$lib"
echo "$pkg@$version" > "$stamp"
echo "install-chdb: installed $dest/$lib" >&2
