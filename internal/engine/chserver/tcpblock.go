package chserver

import (
	"encoding/json"
	"fmt"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
)

// columnMeta is one result column's name and type.
type columnMeta struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

// encodeHeader appends a block with columns and no rows in revision: what
// ClickHouse sends before a result and as an INSERT's table structure.
// Zero rows of any type are zero bytes of data.
func encodeHeader(b *chproto.Buffer, cols []columnMeta, revision uint64) {
	if revision > 0 {
		chproto.BlockInfo{BucketNum: -1}.Encode(b)
	}
	b.PutUVarInt(uint64(len(cols)))
	b.PutUVarInt(0)
	for _, c := range cols {
		b.PutString(c.Name)
		b.PutString(c.Type)
		if revision >= proto.DBMS_MIN_REVISION_WITH_CUSTOM_SERIALIZATION {
			b.PutBool(false)
		}
	}
}

// blockMeta returns a decoded block's column names and types.
func blockMeta(b *proto.Block) []columnMeta {
	cols := make([]columnMeta, len(b.Columns))
	for i, c := range b.Columns {
		cols[i] = columnMeta{Name: c.Name(), Type: string(c.Type())}
	}
	return cols
}

// parseMeta reads the column names and types from JSONCompact output
// (its "meta" list is there even when there are no rows).
func parseMeta(data []byte) ([]columnMeta, error) {
	var out struct {
		Meta []columnMeta `json:"meta"`
	}
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, fmt.Errorf("read result columns from JSONCompact output: %w", err)
	}
	return out.Meta, nil
}
