package scheduler

import (
	"os"
	"testing"

	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

func TestMain(m *testing.M) { os.Exit(chtest.Main(m)) }
