package chserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/column"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
)

// Bounds on a client's Data block, checked before anything is allocated
// for it. ClickHouse tables have at most a few thousand columns; the row
// bound is ClickHouse's own (clickhouse-go's decoder uses the same).
const (
	maxBlockColumns = 1 << 16
	maxBlockRows    = 1_000_000_000
)

// errMalformedBlock marks a client Data block that cannot be decoded.
var errMalformedBlock = errors.New("malformed Data block")

// utcContext decodes DateTime columns of client blocks; the values are
// re-encoded unchanged, so the zone only has to be valid.
var utcContext = &column.ServerContext{Timezone: time.UTC}

// decodeBlock reads one Native block in the client's revision (block info,
// then columns with the custom-serialization flag from 54454 on), as
// clickhouse-go's proto.Block.Decode does, but with the column and row
// counts checked first so a hostile header cannot make the server allocate
// memory it was never sent. maxRows bounds the rows further (the bytes the
// request may still use: every row costs at least a byte).
func decodeBlock(r *chproto.Reader, revision uint64, maxRows uint64) (*proto.Block, error) {
	if revision > 0 {
		var info chproto.BlockInfo
		if err := info.Decode(r); err != nil {
			return nil, fmt.Errorf("%w: block info: %w", errMalformedBlock, err)
		}
	}
	numCols, err := r.UVarInt()
	if err != nil {
		return nil, fmt.Errorf("%w: column count: %w", errMalformedBlock, err)
	}
	numRows, err := r.UVarInt()
	if err != nil {
		return nil, fmt.Errorf("%w: row count: %w", errMalformedBlock, err)
	}
	if numCols > maxBlockColumns || numRows > min(maxBlockRows, maxRows) {
		return nil, fmt.Errorf("%w: %d columns and %d rows are out of range (at most %d columns and %d rows)",
			errMalformedBlock, numCols, numRows, maxBlockColumns, min(maxBlockRows, maxRows))
	}
	if numCols == 0 && numRows > 0 {
		return nil, fmt.Errorf("%w: %d rows without columns", errMalformedBlock, numRows)
	}
	block := &proto.Block{ServerContext: utcContext}
	for i := range numCols {
		name, err := readBoundedStr(r, maxHelloString)
		if err != nil {
			return nil, fmt.Errorf("%w: column %d name: %w", errMalformedBlock, i, err)
		}
		typ, err := readBoundedStr(r, maxHelloString)
		if err != nil {
			return nil, fmt.Errorf("%w: column %s type: %w", errMalformedBlock, name, err)
		}
		col, err := column.Type(typ).Column(name, utcContext)
		if err != nil {
			return nil, fmt.Errorf("%w: column %s: %w", errMalformedBlock, name, err)
		}
		if revision >= proto.DBMS_MIN_REVISION_WITH_CUSTOM_SERIALIZATION {
			custom, err := r.Bool()
			if err != nil {
				return nil, fmt.Errorf("%w: column %s serialization flag: %w", errMalformedBlock, name, err)
			}
			if custom {
				return nil, fmt.Errorf("%w: column %s uses custom (sparse) serialization, which this server does not decode", errMalformedBlock, name)
			}
		}
		if numRows > 0 {
			if cs, ok := col.(column.CustomSerialization); ok {
				if err := cs.ReadStatePrefix(r); err != nil {
					return nil, fmt.Errorf("%w: column %s state prefix: %w", errMalformedBlock, name, err)
				}
			}
			if err := col.Decode(r, int(numRows)); err != nil {
				return nil, fmt.Errorf("%w: column %s data: %w", errMalformedBlock, name, err)
			}
		}
		block.Columns = append(block.Columns, col)
	}
	return block, nil
}

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
