package corpus

import (
	"bytes"
	"compress/gzip"
	"flag"
	"io"
	"os"
	"testing"

	"github.com/kaizenhq/kaizen/analyzer/internal/run"
)

var update = flag.Bool("update", false, "regenerate testdata/corpus.json.gz and accuracy.md")

const (
	corpusFile   = "testdata/corpus.json.gz"
	accuracyFile = "testdata/accuracy.md"
	minPrecision = 0.9
	minRecall    = 0.85
)

func generated(t *testing.T) []byte {
	t.Helper()
	data, err := Encode(Generate(DefaultSeed, DefaultRuns, nil))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func readFrozen(t *testing.T) []byte {
	t.Helper()
	f, err := os.Open(corpusFile)
	if err != nil {
		t.Fatalf("open frozen corpus (regenerate with go test -run TestGenerateCorpus -update): %v", err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("read %s: %v", corpusFile, err)
	}
	data, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("read %s: %v", corpusFile, err)
	}
	return data
}

// TestGenerateCorpus checks that the generator reproduces the frozen
// corpus byte for byte (-update rewrites it).
func TestGenerateCorpus(t *testing.T) {
	data := generated(t)
	if *update {
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
		if _, err := zw.Write(data); err != nil {
			t.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(corpusFile, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if frozen := readFrozen(t); !bytes.Equal(frozen, data) {
		t.Fatalf("generator output (%d bytes) differs from %s (%d bytes): bump Version and run go test -run TestGenerateCorpus -update if the change is intended",
			len(data), corpusFile, len(frozen))
	}
}

func TestDecodeRoundTrip(t *testing.T) {
	frozen := readFrozen(t)
	cases, err := Decode(frozen)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Encode(cases)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, frozen) {
		t.Fatal("Encode(Decode(corpus)) differs from the corpus")
	}
	for _, c := range cases {
		for i, call := range c.Run.Calls {
			if call.Number != i+1 {
				t.Fatalf("%s: call %d numbered %d", c.Name, i, call.Number)
			}
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	for _, tc := range []struct{ name, in string }{
		{"not json", "{"},
		{"wrong version", `{"version":999,"cases":[]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Decode([]byte(tc.in)); err == nil {
				t.Fatal("want error")
			}
		})
	}
}

// TestCorpusShape checks the corpus plants every type and has clean runs,
// contentless runs and runs without processor fingerprints.
func TestCorpusShape(t *testing.T) {
	cases, err := Decode(readFrozen(t))
	if err != nil {
		t.Fatal(err)
	}
	labels := map[run.Type]int{}
	clean, contentless, noFP := 0, 0, 0
	for _, c := range cases {
		if len(c.Labels) == 0 {
			clean++
		}
		for _, l := range c.Labels {
			labels[l.Type]++
			for _, n := range l.Calls {
				if c.Run.Call(n) == nil {
					t.Fatalf("%s: label names unknown call %d", c.Name, n)
				}
			}
		}
		if c.Run.Calls[0].InputMessages == "" {
			contentless++
		}
		if c.Run.Calls[0].PromptHash == "" {
			noFP++
		}
		for _, call := range c.Run.Calls {
			if call.Cost <= 0 && call.ErrorType == "" {
				t.Fatalf("%s: call #%d is not priced (%s)", c.Name, call.Number, call.PriceStatus)
			}
		}
	}
	for _, ty := range run.Types {
		if labels[ty] < 5 {
			t.Errorf("only %d labels of type %s", labels[ty], ty)
		}
	}
	if clean == 0 || contentless == 0 || noFP == 0 {
		t.Errorf("clean=%d contentless=%d without fingerprints=%d: want each > 0", clean, contentless, noFP)
	}
}
