package chserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"time"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
)

// reframeNative converts the engine's revision-0 Native output into the
// framing a client asked for with client_protocol_version: each block gains
// the block info header, and each column the custom-serialization flag from
// revision 54454 on. This is how ClickHouse's HTTP interface answers
// clickhouse-go. It returns the re-framed bytes and the number of rows.
func reframeNative(data []byte, revision uint64) ([]byte, uint64, error) {
	var rows uint64
	if revision == 0 {
		return data, 0, nil
	}
	out := &chproto.Buffer{Buf: make([]byte, 0, len(data)+64)}
	err := eachNativeBlock(data, func(block *proto.Block) error {
		rows += uint64(block.Rows())
		return block.Encode(out, revision)
	})
	if err != nil {
		return nil, 0, fmt.Errorf("re-frame Native output for client_protocol_version %d: %w", revision, err)
	}
	return out.Buf, rows, nil
}

// eachNativeBlock decodes the engine's revision-0 Native output block by
// block and calls fn with each.
func eachNativeBlock(data []byte, fn func(*proto.Block) error) error {
	reader := chproto.NewReader(bytes.NewReader(data))
	sc := &column.ServerContext{Timezone: time.UTC}
	for {
		block := proto.Block{ServerContext: sc}
		if err := block.Decode(reader, 0); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if err := fn(&block); err != nil {
			return err
		}
	}
}
