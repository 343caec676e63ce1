// Command gen writes Kaizen's generated Grafana dashboards to
// grafana/dashboards (make dashboards).
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/kaizenhq/kaizen/grafana/internal/dashboards"
)

func main() {
	out := flag.String("out", "grafana/dashboards", "folder the dashboard JSON files are written to")
	flag.Parse()
	files, err := dashboards.All()
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(*out, name), b, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
}
