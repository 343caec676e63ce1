// Command gen-prices reads the dump of scripts/gen-prices.cjs on stdin and
// writes package pricing's embedded genaiprices.json to the path given as
// its argument (make prices).
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/kaizenhq/kaizen/internal/domain/pricing/internal/genaidata"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "gen-prices:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 2 {
		return fmt.Errorf("usage: node scripts/gen-prices.cjs | gen-prices <out.json>")
	}
	raw, err := io.ReadAll(os.Stdin)
	if err != nil {
		return fmt.Errorf("read dump: %w", err)
	}
	out, err := genaidata.Generate(raw)
	if err != nil {
		return err
	}
	if err := os.WriteFile(os.Args[1], out, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", os.Args[1], err)
	}
	return nil
}
