#!/usr/bin/env bash
# Installs the pinned golangci-lint into .deps/bin (make deps; idempotent).
set -euo pipefail
version="${GOLANGCI_LINT_VERSION:-v2.15.0}"
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="$root/.deps/bin/golangci-lint"
if [[ -x "$bin" ]] && "$bin" version 2>/dev/null | grep -q "version ${version#v}"; then
  exit 0
fi
echo "install-lint: building golangci-lint $version into .deps/bin (about 2 minutes, once)" >&2
GOBIN="$root/.deps/bin" go install "github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$version"
