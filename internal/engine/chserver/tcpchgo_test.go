package chserver_test

import (
	"context"
	"testing"

	"github.com/ClickHouse/ch-go"
	"github.com/ClickHouse/ch-go/proto"

	"github.com/kaizenhq/kaizen/internal/engine/chserver"
	"github.com/kaizenhq/kaizen/internal/testkit/chtest"
)

// TestNativeChGo: ch-go's client (which sends INSERT … VALUES and reads
// results block by block) works too, with and without compression.
func TestNativeChGo(t *testing.T) {
	addr := startTCP(t, chserver.Config{})
	for _, compression := range []ch.Compression{ch.CompressionDisabled, ch.CompressionLZ4, ch.CompressionZSTD} {
		t.Run(compression.String(), func(t *testing.T) {
			db := chtest.NewDatabase(t)
			ctx := context.Background()
			c, err := ch.Dial(ctx, ch.Options{Address: addr, Database: db, Compression: compression})
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Ping(ctx); err != nil {
				t.Fatal(err)
			}
			if err := c.Do(ctx, ch.Query{Body: "CREATE TABLE nums (n UInt64, s LowCardinality(String)) ENGINE = MergeTree ORDER BY n"}); err != nil {
				t.Fatal(err)
			}
			n := proto.ColUInt64{1, 2, 3}
			s := proto.NewLowCardinality[string](new(proto.ColStr))
			s.AppendArr([]string{"a", "b", "a"})
			if err := c.Do(ctx, ch.Query{Body: "INSERT INTO nums VALUES", Input: proto.Input{{Name: "n", Data: &n}, {Name: "s", Data: s}}}); err != nil {
				t.Fatalf("insert: %v", err)
			}
			var rows, sum uint64
			var got proto.ColUInt64
			err = c.Do(ctx, ch.Query{
				Body:   "SELECT number FROM numbers(200000) UNION ALL SELECT n FROM nums",
				Result: proto.Results{{Name: "number", Data: &got}},
				OnResult: func(_ context.Context, b proto.Block) error {
					for _, v := range got {
						sum += v
					}
					rows += uint64(b.Rows)
					got.Reset()
					return nil
				},
			})
			if err != nil {
				t.Fatalf("select: %v", err)
			}
			if want := uint64(199999*200000/2 + 6); rows != 200003 || sum != want {
				t.Errorf("rows, sum = %d, %d; want 200003, %d", rows, sum, want)
			}
		})
	}
}
