package chserver

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/go-faster/city"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// ClickHouse's compressed block framing (decompress=1 request bodies):
// a 16-byte CityHash128 of the rest of the block, then a 9-byte header
// (method byte, compressed size including the 9-byte header, decompressed
// size, both little-endian uint32), then the compressed payload.
const (
	blockChecksumSize = 16
	blockHeaderSize   = 9
	blockPrefixSize   = blockChecksumSize + blockHeaderSize

	methodNone = 0x02
	methodLZ4  = 0x82 // LZ4 and LZ4HC decode the same way
	methodZSTD = 0x90

	// maxCompressedBlock is ClickHouse's own limit on one block's sizes
	// (DBMS_MAX_COMPRESSED_SIZE, 1 GiB); the request limit applies to the
	// sum of the decompressed sizes as well.
	maxCompressedBlock = 1 << 30
)

// errNativeBlock marks malformed compressed-block input.
var errNativeBlock = errors.New("malformed ClickHouse compressed block")

// zstdDecoders reuses ZSTD decoders across requests (they are costly to
// create and hold tables worth keeping).
var zstdDecoders = sync.Pool{New: func() any {
	d, err := zstd.NewReader(nil, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxMemory(maxCompressedBlock))
	if err != nil {
		return err
	}
	return d
}}

// readNativeBlocks reads a stream of ClickHouse compressed blocks from r
// to its end and appends the decompressed data to dst. Every read is a full
// read (io.ReadFull), so a body that arrives in small or oddly split pieces
// (chunked transfer encoding, a slow client) decodes exactly like one sent
// in one piece; the stream may end only at a block boundary. The declared
// sizes are checked against ClickHouse's per-block limit and against limit
// (the most decompressed bytes dst may hold) before any memory is
// allocated, and every block's checksum is verified, so a truncated,
// corrupted or hostile body is an error, never a crash or a silent loss.
// The returned bool is true when the data would exceed limit.
func readNativeBlocks(r io.Reader, dst []byte, limit int64) ([]byte, bool, error) {
	var prefix [blockPrefixSize]byte
	var raw []byte
	var zd *zstd.Decoder
	defer func() {
		if zd != nil {
			zstdDecoders.Put(zd)
		}
	}()
	for block := 0; ; block++ {
		if _, err := io.ReadFull(r, prefix[:]); err != nil {
			if errors.Is(err, io.EOF) {
				return dst, false, nil // the stream ended at a block boundary
			}
			if errors.Is(err, io.ErrUnexpectedEOF) {
				return dst, false, fmt.Errorf("%w %d: the body ends inside the block's 25-byte header", errNativeBlock, block)
			}
			return dst, false, fmt.Errorf("read compressed block %d: %w", block, err)
		}
		method := prefix[blockChecksumSize]
		compressed := int64(binary.LittleEndian.Uint32(prefix[blockChecksumSize+1:]))
		size := int64(binary.LittleEndian.Uint32(prefix[blockChecksumSize+5:]))
		if compressed < blockHeaderSize || size > maxCompressedBlock || compressed > blockHeaderSize+compressBound(size) {
			return dst, false, fmt.Errorf("%w %d: compressed size %d and decompressed size %d are out of range (at most %d bytes, compressed at most the LZ4/ZSTD bound)",
				errNativeBlock, block, compressed, size, maxCompressedBlock)
		}
		if int64(len(dst))+size > limit {
			return dst, true, nil
		}
		payload := int(compressed - blockHeaderSize)
		if cap(raw) < blockHeaderSize+payload {
			raw = make([]byte, blockHeaderSize+payload)
		}
		raw = raw[:blockHeaderSize+payload]
		copy(raw, prefix[blockChecksumSize:])
		if _, err := io.ReadFull(r, raw[blockHeaderSize:]); err != nil {
			if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
				return dst, false, fmt.Errorf("%w %d: the body ends inside the block's %d-byte payload", errNativeBlock, block, payload)
			}
			return dst, false, fmt.Errorf("read compressed block %d: %w", block, err)
		}
		if sum := cityHash(raw); sum[0] != binary.LittleEndian.Uint64(prefix[0:8]) || sum[1] != binary.LittleEndian.Uint64(prefix[8:16]) {
			return dst, false, fmt.Errorf("%w %d: checksum mismatch (corrupted data)", errNativeBlock, block)
		}
		start := len(dst)
		dst = grow(dst, int(size))
		out := dst[start : start+int(size)]
		src := raw[blockHeaderSize:]
		var n int
		var err error
		switch method {
		case methodNone:
			n = copy(out, src)
			if len(src) != len(out) {
				err = fmt.Errorf("uncompressed payload of %d bytes", len(src))
			}
		case methodLZ4:
			n, err = lz4.UncompressBlock(src, out)
		case methodZSTD:
			if zd == nil {
				if zd, err = zstdDecoder(); err != nil {
					return dst[:start], false, err
				}
			}
			var res []byte
			res, err = zd.DecodeAll(src, out[:0:len(out)])
			if n = len(res); err == nil && n == len(out) && n > 0 && &res[0] != &out[0] {
				copy(out, res) // the decoder chose its own buffer
			}
		default:
			return dst[:start], false, fmt.Errorf("%w %d: unknown compression method 0x%02x (want 0x02 none, 0x82 LZ4, 0x90 ZSTD)", errNativeBlock, block, method)
		}
		if err == nil && n != int(size) {
			err = fmt.Errorf("%d bytes", n)
		}
		if err != nil {
			return dst[:start], false, fmt.Errorf("%w %d: decompressed size does not match the declared %d bytes: %v", errNativeBlock, block, size, err)
		}
	}
}

// cityHash is the block checksum: ClickHouse's CityHash128 (v1.0.2) of
// the header and payload, as low and high halves.
func cityHash(b []byte) [2]uint64 {
	h := city.CH128(b)
	return [2]uint64{h.Low, h.High}
}

// compressBound is the largest compressed payload LZ4 or ZSTD produce for
// size bytes (incompressible input grows by under 1/255 plus a constant),
// with slack: a larger declared size is malformed, and checking it first
// bounds the memory a hostile header can make the server allocate.
func compressBound(size int64) int64 { return size + size/128 + 1024 }

// zstdDecoder takes a decoder from the pool.
func zstdDecoder() (*zstd.Decoder, error) {
	switch v := zstdDecoders.Get().(type) {
	case *zstd.Decoder:
		return v, nil
	case error:
		return nil, fmt.Errorf("create zstd decoder: %w", v)
	}
	return nil, errors.New("create zstd decoder")
}

// grow extends b by n bytes, reallocating at most geometrically.
func grow(b []byte, n int) []byte {
	if cap(b)-len(b) >= n {
		return b[:len(b)+n]
	}
	nb := make([]byte, len(b)+n, max(2*cap(b), len(b)+n))
	copy(nb, b)
	return nb
}
