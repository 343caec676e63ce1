// Command kaizen finds the money multi-agent LLM workflows waste: it lists
// and shows the runs Kaizen stored in ClickHouse, analyzes one for wasted
// calls (deterministic detectors plus Gemini, with verified savings) and
// re-prices runs under what-if scenarios. See analyzer/README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/kaizenhq/kaizen/analyzer/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Config{})
	stop()
	os.Exit(code)
}
