# Kaizen — build, test and benchmark entry points. Every target installs what
# it needs itself (Go modules, the chDB library), so a fresh clone works.

GO        ?= go
BIN       := bin
PKGS      := ./...
# The race detector needs cgo; the code itself does not (purego).
export CGO_ENABLED ?= 1

.PHONY: all deps build test vet lint fmt bench bench-collector collector collector-check demo up down clean

all: build

## deps: download Go modules (the root's and the instrumentation module's) and install the chDB library into .deps/chdb.
deps:
	$(GO) mod download
	cd instrumentation && $(GO) mod download
	./scripts/install-chdb.sh
	./scripts/install-node-deps.sh
	./scripts/install-lint.sh

## build: compile every package and the binaries into bin/.
build: deps
	$(GO) build $(PKGS)
	@mkdir -p $(BIN)
	@if [ -d analyzer/cmd/kaizen ]; then $(GO) build -o $(BIN)/kaizen ./analyzer/cmd/kaizen; fi
	@if [ -d collector/cmd/kaizen-collector ]; then $(GO) build -o $(BIN)/kaizen-collector ./collector/cmd/kaizen-collector; fi

## vet: go vet every package, of both modules.
vet:
	$(GO) vet $(PKGS)
	cd instrumentation && $(GO) vet ./...

## fmt: rewrite Go files with gofmt.
fmt:
	gofmt -w $$(git ls-files '*.go')

## lint: golangci-lint (pinned; govet, staticcheck, errcheck, ineffassign, unused, revive's exported rules, gofmt; .golangci.yml).
lint: deps
	.deps/bin/golangci-lint run ./...
	cd instrumentation && ../.deps/bin/golangci-lint run ./...

## test: deps, lint, then every test under the race detector.
test: deps lint collector-check
	$(GO) test -race -count=1 -timeout 45m $(PKGS)
	cd instrumentation && $(GO) test -race -count=1 ./...
	./scripts/demo-ci.sh

## collector: regenerate the ocb distribution and build bin/kaizen-collector.
collector: deps
	./scripts/gen-collector.sh
	@mkdir -p $(BIN)
	$(GO) build -o $(BIN)/kaizen-collector ./collector/cmd/kaizen-collector

## collector-check: fail when collector/cmd/kaizen-collector is stale.
collector-check:
	./scripts/gen-collector.sh --check

## bench: the benchmark harness the issues ask for (ratios against baselines).
bench: deps
	./scripts/bench.sh

## bench-collector: OTLP load through kaizen-collector and the contrib
## ClickHouse exporter (ocb-built), both into one embedded ClickHouse.
bench-collector: deps
	./scripts/bench-collector.sh

## demo: the $3.40 → $1.00 story on the embedded default (stack left running; make down stops it).
demo: deps
	./scripts/demo.sh

## up / down: start or stop the local stack (kaizen-collector + embedded ClickHouse, kaizen serve).
up: deps
	./scripts/stack.sh up
down:
	./scripts/stack.sh down

clean:
	rm -rf $(BIN)

## prices: regenerate internal/domain/pricing/genaiprices.json from the pinned genai-prices npm package.
.PHONY: prices
prices:
	./scripts/gen-prices.sh

## dashboards: regenerate grafana/dashboards/*.json from grafana/internal/dashboards (a test fails when stale).
.PHONY: dashboards
dashboards:
	$(GO) run ./grafana/cmd/gen -out grafana/dashboards
