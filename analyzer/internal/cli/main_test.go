package cli

import (
	"os"
	"testing"

	"github.com/kaizenhq/kaizen/internal/chtest"
)

func TestMain(m *testing.M) { os.Exit(chtest.Main(m)) }
