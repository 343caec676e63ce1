package chserver

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/ClickHouse/ch-go/compress"
	chproto "github.com/ClickHouse/ch-go/proto"
)

// Bounds on the compressed frames of a client's Data packet.
const (
	// maxFrameSize is the most decompressed bytes one frame may declare:
	// ch-go's compress.Reader limit, checked here first so the error names
	// the frame.
	maxFrameSize = 128 << 20
	// blockOverhead is what a block in the client's revision carries that
	// the converted revision-0 block does not (the block info and a
	// serialization flag per column): the frames of a block may declare
	// that much more than the converter may write.
	blockOverhead = 8 + maxBlockColumns
)

// frameGuard feeds ch-go's compress.Reader the compressed frames of a
// Data block from the connection, checking each frame's header first.
// compress.Reader allocates the sizes a header declares before the frame
// arrives; the guard refuses a header whose sizes are inconsistent (a
// compressed size under the 9-byte header or over what LZ4/ZSTD produce
// for the declared size), over maxFrameSize, or over what the block may
// still hold (errBlockTooLarge), so a hostile header cannot make the
// server allocate more than the request's remaining byte budget.
type frameGuard struct {
	r      io.Reader // the connection, compression off
	header [blockPrefixSize]byte
	served int   // bytes of header handed on
	left   int64 // payload bytes of the current frame still to hand on
	active bool  // inside a frame
	budget int64 // decompressed bytes later frames of the block may declare
}

// Read hands on the current frame, reading and checking the next header
// when the last frame is done.
func (g *frameGuard) Read(p []byte) (int, error) {
	if !g.active {
		if err := g.next(); err != nil {
			return 0, err
		}
	}
	if g.served < len(g.header) {
		n := copy(p, g.header[g.served:])
		g.served += n
		g.active = g.served < len(g.header) || g.left > 0
		return n, nil
	}
	if int64(len(p)) > g.left {
		p = p[:g.left]
	}
	n, err := g.r.Read(p)
	g.left -= int64(n)
	g.active = g.left > 0
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF // the frame is cut short
	}
	return n, err
}

// next reads and checks a frame header.
func (g *frameGuard) next() error {
	if _, err := io.ReadFull(g.r, g.header[:]); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF // a block is still being read
		}
		return err
	}
	compressed := int64(binary.LittleEndian.Uint32(g.header[blockChecksumSize+1:]))
	size := int64(binary.LittleEndian.Uint32(g.header[blockChecksumSize+5:]))
	switch {
	case compressed < blockHeaderSize || compressed > blockHeaderSize+compressBound(size):
		return fmt.Errorf("%w: compressed frame of %d bytes for %d decompressed bytes (at least the %d-byte header, at most the LZ4/ZSTD bound)",
			errNativeBlock, compressed, size, blockHeaderSize)
	case size > maxFrameSize:
		return fmt.Errorf("%w: compressed frame declares %d decompressed bytes, over the limit of %d per frame", errNativeBlock, size, maxFrameSize)
	case size > g.budget:
		return errBlockTooLarge
	}
	g.budget -= size
	g.served, g.left, g.active = 0, compressed-blockHeaderSize, true
	return nil
}

// blockReader returns the reader of the session's compressed Data blocks
// (ch-go's decompressor behind the frame guard), letting the block's
// frames declare what limit converted bytes can come from.
func (ss *session) blockReader(limit uint64) *chproto.Reader {
	if ss.frames == nil {
		ss.frames = &frameGuard{r: ss.r}
		ss.decompressed = chproto.NewReader(compress.NewReader(ss.frames))
	}
	ss.frames.budget = int64(min(limit, 1<<62)) + blockOverhead
	return ss.decompressed
}
