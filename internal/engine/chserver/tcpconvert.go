package chserver

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

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

// errMalformedBlock marks a client Data block (or Query packet) that
// cannot be read, errBlockTooLarge one that would take the request over
// its byte limit, and errConvertWrite a failure to write the converted
// block.
var (
	errMalformedBlock = errors.New("malformed packet")
	errBlockTooLarge  = errors.New("Data blocks exceed the byte limit")
	errConvertWrite   = errors.New("write converted block")
)

// blockConverter copies a client's Native block (in the client's protocol
// revision: block info, and a custom-serialization flag per column from
// revision 54454 on) to revision-0 Native, the engine's input format. It
// parses each column's type to find where its data ends and streams the
// data through a small buffer unchanged, so no value is decoded, memory
// stays at one chunk whatever the block's size, and every declared size
// (rows, string lengths, array offsets, dictionary sizes) is checked
// against the byte limit before anything is read: a hostile header cannot
// make the server allocate or write what the client never sent. readQuery
// walks Query packets with it too.
type blockConverter struct {
	r       *chproto.Reader
	w       io.Writer
	written uint64 // bytes written to w
	limit   uint64 // the most bytes w may take
	buf     []byte // copyChunk bytes of scratch, from scratchBuffers
	varint  [binary.MaxVarintLen64]byte
}

// scratchBuffers recycles the converters' copyChunk buffers: every Query
// and Data packet takes one.
var scratchBuffers = sync.Pool{New: func() any { return new([copyChunk]byte) }}

// newBlockConverter returns a converter from r to w of at most limit
// bytes; release returns its buffer.
func newBlockConverter(r *chproto.Reader, w io.Writer, limit uint64) *blockConverter {
	return &blockConverter{r: r, w: w, limit: limit, buf: scratchBuffers.Get().(*[copyChunk]byte)[:]}
}

// release returns the converter's buffer; the converter is not used after.
func (c *blockConverter) release() { scratchBuffers.Put((*[copyChunk]byte)(c.buf)) }

// convertBlock reads one block from r and writes it to w as revision-0
// Native, at most limit bytes. A block without rows writes nothing (an
// empty block ends the data for the engine). It returns the block's column
// and row counts and the bytes written.
func convertBlock(r *chproto.Reader, revision uint64, w io.Writer, limit uint64) (cols, rows, written uint64, err error) {
	c := newBlockConverter(r, w, limit)
	defer c.release()
	if revision > 0 {
		var info chproto.BlockInfo
		if err := info.Decode(r); err != nil {
			return 0, 0, 0, fmt.Errorf("%w: block info: %w", errMalformedBlock, err)
		}
	}
	if cols, err = r.UVarInt(); err != nil {
		return 0, 0, 0, fmt.Errorf("%w: column count: %w", errMalformedBlock, err)
	}
	if rows, err = r.UVarInt(); err != nil {
		return 0, 0, 0, fmt.Errorf("%w: row count: %w", errMalformedBlock, err)
	}
	if cols > maxBlockColumns || rows > maxBlockRows || (cols == 0 && rows > 0) {
		return 0, 0, 0, fmt.Errorf("%w: %d columns and %d rows are out of range (at most %d columns and %d rows, no rows without columns)",
			errMalformedBlock, cols, rows, maxBlockColumns, maxBlockRows)
	}
	if rows == 0 {
		c.w = io.Discard // the column names and types are still read
	}
	if err := c.putUVarInt(cols); err != nil {
		return 0, 0, 0, err
	}
	if err := c.putUVarInt(rows); err != nil {
		return 0, 0, 0, err
	}
	for i := range cols {
		if err := c.column(i, rows, revision); err != nil {
			return 0, 0, 0, err
		}
	}
	if rows == 0 {
		return cols, 0, 0, nil
	}
	return cols, rows, c.written, nil
}

// column copies one column: name, type, then (with rows) its state
// prefix and data.
func (c *blockConverter) column(i, rows, revision uint64) error {
	name, err := readBoundedStr(c.r, maxShortString)
	if err != nil {
		return fmt.Errorf("%w: column %d name: %w", errMalformedBlock, i, err)
	}
	typeName, err := readBoundedStr(c.r, maxShortString)
	if err != nil {
		return fmt.Errorf("%w: column %s type: %w", errMalformedBlock, name, err)
	}
	for _, s := range []string{name, typeName} {
		if err := c.putUVarInt(uint64(len(s))); err != nil {
			return err
		}
		if err := c.write([]byte(s)); err != nil {
			return err
		}
	}
	typ, err := parseType(typeName)
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
		return fmt.Errorf("column %s state prefix: %w", name, err)
	}
	if err := c.data(typ, rows); err != nil {
		return fmt.Errorf("column %s: %w", name, err)
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
			return fmt.Errorf("%w: LowCardinality keys version %d, want %d", errMalformedBlock, v, lcKeysVersion)
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
		elems, err := c.offsets(rows)
		if err != nil {
			return err
		}
		return c.data(t.elems[0], elems)
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

// offsets copies an array column's rows offsets, checks they never
// decrease, and returns the last: the number of elements.
func (c *blockConverter) offsets(rows uint64) (uint64, error) {
	if err := c.roomFixed(rows, 8); err != nil {
		return 0, err
	}
	var last uint64
	for rows > 0 {
		k := min(rows, copyChunk/8)
		chunk := c.buf[:k*8]
		if err := c.r.ReadFull(chunk); err != nil {
			return 0, fmt.Errorf("%w: array offsets: %w", errMalformedBlock, err)
		}
		for i := 0; i < len(chunk); i += 8 {
			o := binary.LittleEndian.Uint64(chunk[i:])
			if o < last {
				return 0, fmt.Errorf("%w: array offsets decrease (%d after %d)", errMalformedBlock, o, last)
			}
			last = o
		}
		if err := c.write(chunk); err != nil {
			return 0, err
		}
		rows -= k
	}
	if err := c.room(last); err != nil { // every element takes at least a byte
		return 0, err
	}
	return last, nil
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

// room reports errBlockTooLarge unless n more bytes fit under the limit.
func (c *blockConverter) room(n uint64) error {
	if c.written > c.limit || n > c.limit-c.written {
		return errBlockTooLarge
	}
	return nil
}

// roomFixed is room for rows values of width bytes.
func (c *blockConverter) roomFixed(rows, width uint64) error {
	if width > 0 && rows > (c.limit+1)/width {
		return errBlockTooLarge
	}
	return c.room(rows * width)
}

// copyFixed copies rows values of width bytes each.
func (c *blockConverter) copyFixed(rows, width uint64) error {
	if err := c.roomFixed(rows, width); err != nil {
		return err
	}
	return c.copyN(rows * width)
}

// copyN copies n bytes from the client, a chunk at a time.
func (c *blockConverter) copyN(n uint64) error {
	if err := c.room(n); err != nil {
		return err
	}
	for n > 0 {
		chunk := c.buf[:min(n, copyChunk)]
		if err := c.r.ReadFull(chunk); err != nil {
			return fmt.Errorf("%w: %w", errMalformedBlock, err)
		}
		if err := c.write(chunk); err != nil {
			return err
		}
		n -= uint64(len(chunk))
	}
	return nil
}

// write writes p, counting it against the limit.
func (c *blockConverter) write(p []byte) error {
	if err := c.room(uint64(len(p))); err != nil {
		return err
	}
	if _, err := c.w.Write(p); err != nil {
		return fmt.Errorf("%w: %w", errConvertWrite, err)
	}
	c.written += uint64(len(p))
	return nil
}

// putUVarInt writes v as a UVarInt.
func (c *blockConverter) putUVarInt(v uint64) error {
	return c.write(binary.AppendUvarint(c.varint[:0], v))
}

// uvarint reads a UVarInt and copies it.
func (c *blockConverter) uvarint() (uint64, error) {
	v, err := c.r.UVarInt()
	if err != nil {
		return 0, fmt.Errorf("%w: %w", errMalformedBlock, err)
	}
	return v, c.putUVarInt(v)
}

// uint64LE reads a little-endian UInt64 and copies it.
func (c *blockConverter) uint64LE() (uint64, error) {
	b := c.buf[:8]
	if err := c.r.ReadFull(b); err != nil {
		return 0, fmt.Errorf("%w: %w", errMalformedBlock, err)
	}
	v := binary.LittleEndian.Uint64(b)
	return v, c.write(b)
}
