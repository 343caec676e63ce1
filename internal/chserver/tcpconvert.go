package chserver

import (
	"encoding/binary"
	"errors"
	"fmt"

	chproto "github.com/ClickHouse/ch-go/proto"
	"github.com/ClickHouse/clickhouse-go/v2/lib/proto"
)

// Bounds on a client's Data block, checked before anything is read into
// memory for it. ClickHouse tables have at most a few thousand columns; the
// row bound is ClickHouse's own (clickhouse-go's decoder uses the same).
const (
	maxBlockColumns = 1 << 16
	maxBlockRows    = 1_000_000_000
	// copyChunk is how much column data is read per step, so memory grows
	// with the bytes that actually arrive, never with a declared size.
	copyChunk = 64 << 10
)

// LowCardinality serialization (ClickHouse's SerializationLowCardinality).
const (
	lcKeysVersion        = 1       // SharedDictionariesWithAdditionalKeys
	lcIndexTypeMask      = 0xff    // UInt8, UInt16, UInt32, UInt64 indexes
	lcNeedGlobalDict     = 1 << 8  // a dictionary shared across blocks: not sent by clients
	lcHasAdditionalKeys  = 1 << 9  // the granule carries its dictionary
	lcNeedUpdateDict     = 1 << 10 // ignored on read
	lcKnownFlags         = lcIndexTypeMask | lcNeedGlobalDict | lcHasAdditionalKeys | lcNeedUpdateDict
	lcMaxIndexTypeNumber = 3
)

// errMalformedBlock marks a client Data block that cannot be read;
// errBlockTooLarge one that would take the request over its byte limit.
var (
	errMalformedBlock = errors.New("malformed Data block")
	errBlockTooLarge  = errors.New("Data blocks exceed the byte limit")
)

// blockConverter copies a client's Native block (in the client's protocol
// revision: block info, and a custom-serialization flag per column from
// revision 54454 on) to revision-0 Native, the engine's input format. It
// parses each column's type to find where its data ends and copies the
// data unchanged, so no value is decoded, and every declared size (rows,
// string lengths, array offsets, dictionary sizes) is checked against the
// byte limit before anything is read: a hostile header cannot make the
// server allocate memory the client never sent.
type blockConverter struct {
	r     *chproto.Reader
	out   *chproto.Buffer
	limit uint64 // the most bytes out may hold
}

// convertBlock reads one block from r and appends it to out as
// revision-0 Native. It returns the block's column and row counts.
func convertBlock(r *chproto.Reader, revision uint64, out *chproto.Buffer, limit uint64) (cols, rows uint64, err error) {
	c := &blockConverter{r: r, out: out, limit: limit}
	if revision > 0 {
		var info chproto.BlockInfo
		if err := info.Decode(r); err != nil {
			return 0, 0, fmt.Errorf("%w: block info: %w", errMalformedBlock, err)
		}
	}
	if cols, err = r.UVarInt(); err != nil {
		return 0, 0, fmt.Errorf("%w: column count: %w", errMalformedBlock, err)
	}
	if rows, err = r.UVarInt(); err != nil {
		return 0, 0, fmt.Errorf("%w: row count: %w", errMalformedBlock, err)
	}
	if cols > maxBlockColumns || rows > maxBlockRows || (cols == 0 && rows > 0) {
		return 0, 0, fmt.Errorf("%w: %d columns and %d rows are out of range (at most %d columns and %d rows, no rows without columns)",
			errMalformedBlock, cols, rows, maxBlockColumns, maxBlockRows)
	}
	out.PutUVarInt(cols)
	out.PutUVarInt(rows)
	for i := range cols {
		if err := c.column(i, rows, revision); err != nil {
			return 0, 0, err
		}
	}
	return cols, rows, nil
}

// column copies one column: name, type, then (with rows) its state
// prefix and data.
func (c *blockConverter) column(i, rows, revision uint64) error {
	var name string
	for _, what := range []string{"name", "type"} {
		s, err := readBoundedStr(c.r, maxHelloString)
		if err != nil {
			return fmt.Errorf("%w: column %d %s: %w", errMalformedBlock, i, what, err)
		}
		if err := c.room(uint64(len(s)) + 10); err != nil {
			return err
		}
		c.out.PutString(s)
		name = s
		if what == "name" {
			continue
		}
		typ, err := parseType(s)
		if err != nil {
			return fmt.Errorf("%w: column %s: %w", errMalformedBlock, name, err)
		}
		if revision >= proto.DBMS_MIN_REVISION_WITH_CUSTOM_SERIALIZATION {
			custom, err := c.r.Bool()
			if err != nil {
				return fmt.Errorf("%w: column %s serialization flag: %w", errMalformedBlock, name, err)
			}
			if custom {
				return fmt.Errorf("%w: column %s uses custom (sparse) serialization, which this server does not read", errMalformedBlock, name)
			}
		}
		if rows == 0 {
			return nil
		}
		if err := c.prefix(typ); err != nil {
			return fmt.Errorf("%w: column %s state prefix: %w", errMalformedBlock, name, err)
		}
		if err := c.data(typ, rows); err != nil {
			return fmt.Errorf("column %s: %w", name, err)
		}
	}
	return nil
}

// prefix copies the serialization state prefix of a column of type t:
// LowCardinality's key version, for every LowCardinality inside t.
func (c *blockConverter) prefix(t *colType) error {
	switch t.kind {
	case kindNullable, kindArray, kindTuple:
		for _, e := range t.elems {
			if err := c.prefix(e); err != nil {
				return err
			}
		}
	case kindLowCard:
		v, err := c.uint64LE()
		if err != nil {
			return err
		}
		if v != lcKeysVersion {
			return fmt.Errorf("LowCardinality keys version %d, want %d", v, lcKeysVersion)
		}
	}
	return nil
}

// data copies rows values of type t.
func (c *blockConverter) data(t *colType, rows uint64) error {
	if rows == 0 {
		return nil
	}
	switch t.kind {
	case kindFixed:
		return c.copyFixed(rows, uint64(t.width))
	case kindString:
		for range rows {
			n, err := c.uvarint()
			if err != nil {
				return err
			}
			if err := c.copyN(n); err != nil {
				return err
			}
		}
		return nil
	case kindNullable:
		if err := c.copyFixed(rows, 1); err != nil {
			return err
		}
		return c.data(t.elems[0], rows)
	case kindArray:
		if err := c.copyFixed(rows, 8); err != nil {
			return err
		}
		offsets := c.out.Buf[len(c.out.Buf)-int(rows)*8:]
		var prev uint64
		for i := 0; i < len(offsets); i += 8 {
			o := binary.LittleEndian.Uint64(offsets[i:])
			if o < prev {
				return fmt.Errorf("%w: array offsets decrease (%d after %d)", errMalformedBlock, o, prev)
			}
			prev = o
		}
		if err := c.room(prev); err != nil { // every element takes at least a byte
			return err
		}
		return c.data(t.elems[0], prev)
	case kindTuple:
		for _, e := range t.elems {
			if err := c.data(e, rows); err != nil {
				return err
			}
		}
		return nil
	case kindLowCard:
		return c.lowCardinality(t, rows)
	}
	return fmt.Errorf("%w: unknown column layout %d", errMalformedBlock, t.kind)
}

// lowCardinality copies LowCardinality granules (each a dictionary and
// indexes into it) until they cover rows.
func (c *blockConverter) lowCardinality(t *colType, rows uint64) error {
	dict := t.elems[0]
	if dict.kind == kindNullable { // the dictionary holds the non-null values
		dict = dict.elems[0]
	}
	for rows > 0 {
		flags, err := c.uint64LE()
		if err != nil {
			return err
		}
		if flags&^lcKnownFlags != 0 || flags&lcIndexTypeMask > lcMaxIndexTypeNumber || flags&lcNeedGlobalDict != 0 || flags&lcHasAdditionalKeys == 0 {
			return fmt.Errorf("%w: LowCardinality flags 0x%x (want a per-block dictionary)", errMalformedBlock, flags)
		}
		keys, err := c.uint64LE()
		if err != nil {
			return err
		}
		if err := c.room(keys); err != nil {
			return err
		}
		if err := c.data(dict, keys); err != nil {
			return err
		}
		n, err := c.uint64LE()
		if err != nil {
			return err
		}
		if n > rows || n == 0 {
			return fmt.Errorf("%w: LowCardinality granule of %d rows, %d left", errMalformedBlock, n, rows)
		}
		if err := c.copyFixed(n, 1<<(flags&lcIndexTypeMask)); err != nil {
			return err
		}
		rows -= n
	}
	return nil
}

// room reports errBlockTooLarge unless out can take n more bytes.
func (c *blockConverter) room(n uint64) error {
	if used := uint64(len(c.out.Buf)); used > c.limit || n > c.limit-used {
		return errBlockTooLarge
	}
	return nil
}

// copyFixed copies rows values of width bytes each.
func (c *blockConverter) copyFixed(rows, width uint64) error {
	if width > 0 && rows > (c.limit+1)/width {
		return errBlockTooLarge
	}
	return c.copyN(rows * width)
}

// copyN copies n bytes from the client to out, in chunks.
func (c *blockConverter) copyN(n uint64) error {
	if err := c.room(n); err != nil {
		return err
	}
	for n > 0 {
		k := int(min(n, copyChunk))
		start := len(c.out.Buf)
		c.out.Buf = append(c.out.Buf, make([]byte, k)...)
		if err := c.r.ReadFull(c.out.Buf[start:]); err != nil {
			return fmt.Errorf("%w: %w", errMalformedBlock, err)
		}
		n -= uint64(k)
	}
	return nil
}

// uvarint reads a UVarInt and copies it to out.
func (c *blockConverter) uvarint() (uint64, error) {
	if err := c.room(binary.MaxVarintLen64); err != nil {
		return 0, err
	}
	v, err := c.r.UVarInt()
	if err != nil {
		return 0, fmt.Errorf("%w: %w", errMalformedBlock, err)
	}
	c.out.PutUVarInt(v)
	return v, nil
}

// uint64LE reads a little-endian UInt64 and copies it to out.
func (c *blockConverter) uint64LE() (uint64, error) {
	if err := c.copyN(8); err != nil {
		return 0, err
	}
	return binary.LittleEndian.Uint64(c.out.Buf[len(c.out.Buf)-8:]), nil
}
