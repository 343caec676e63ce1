package chserver

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/ClickHouse/ch-go/compress"
	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zlib"
	"github.com/klauspost/compress/zstd"
	"github.com/pierrec/lz4/v4"
)

// readBody reads the request body, undoing Content-Encoding and, with
// decompress=1, ClickHouse's native block compression. It reads at most
// limit decompressed bytes: more is a LIMIT_EXCEEDED exception, so a huge or
// hostile body (a compression bomb) never exhausts memory.
func readBody(r *http.Request, nativeCompressed bool, limit int64) ([]byte, error) {
	body, enc, done, err := contentDecoder(r)
	if err != nil {
		return nil, err
	}
	defer done()
	var data []byte
	if nativeCompressed {
		var over bool
		data, over, err = readNativeBlocks(body, nil, limit)
		if over {
			return nil, errBodyTooLarge(limit)
		}
	} else {
		data, err = io.ReadAll(io.LimitReader(body, limit+1))
	}
	if err != nil {
		return nil, bodyError(err, enc, nativeCompressed)
	}
	if int64(len(data)) > limit {
		return nil, errBodyTooLarge(limit)
	}
	return data, nil
}

// contentDecoder returns the request body with its Content-Encoding
// undone, the encoding, and a function releasing the decoder.
func contentDecoder(r *http.Request) (io.Reader, string, func(), error) {
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	if enc == "" || enc == "identity" {
		return r.Body, enc, func() {}, nil
	}
	dec, closeFn, err := decoder(enc, r.Body)
	if err != nil {
		return nil, enc, nil, err
	}
	return dec, enc, closeFn, nil
}

// bodyError is the exception for a body that could not be read or decoded.
func bodyError(err error, enc string, nativeCompressed bool) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, errNativeBlock) || isDecodeError(err) || (enc != "" && enc != "identity") || nativeCompressed {
		return newException(codeCannotDecompress, http.StatusBadRequest, "cannot decompress the request body (Content-Encoding %q, decompress=%t): %v", enc, nativeCompressed, err)
	}
	return newException(codeUnknownException, http.StatusBadRequest, "read request body: %v", err)
}

// errBodyTooLarge is the LIMIT_EXCEEDED exception for a body over limit.
func errBodyTooLarge(limit int64) error {
	return newException(codeLimitExceeded, http.StatusRequestEntityTooLarge,
		"request body exceeds the server's limit of %d bytes (max_request_bytes); split the insert into smaller batches", limit)
}

func isDecodeError(err error) bool {
	var ce *compress.CorruptedDataErr
	return errors.As(err, &ce) || errors.Is(err, gzip.ErrChecksum) || errors.Is(err, gzip.ErrHeader) || errors.Is(err, zlib.ErrHeader)
}

// decoder returns a reader undoing one HTTP Content-Encoding.
func decoder(enc string, r io.Reader) (io.Reader, func(), error) {
	noop := func() {}
	switch enc {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil, nil, newException(codeCannotDecompress, http.StatusBadRequest, "cannot decompress the request body (gzip): %v", err)
		}
		return zr, func() { _ = zr.Close() }, nil
	case "deflate":
		zr, err := zlib.NewReader(r)
		if err != nil {
			return nil, nil, newException(codeCannotDecompress, http.StatusBadRequest, "cannot decompress the request body (deflate): %v", err)
		}
		return zr, func() { _ = zr.Close() }, nil
	case "br":
		return brotli.NewReader(r), noop, nil
	case "zstd":
		zr, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, newException(codeCannotDecompress, http.StatusBadRequest, "cannot decompress the request body (zstd): %v", err)
		}
		return zr, zr.Close, nil
	case "lz4":
		return lz4.NewReader(r), noop, nil
	}
	return nil, nil, newException(codeNotImplemented, http.StatusUnsupportedMediaType,
		"unsupported Content-Encoding %q (supported: gzip, deflate, br, zstd, lz4)", enc)
}

// responseEncodings lists the encodings the server compresses responses
// with, in order of preference when a client accepts several.
var responseEncodings = []string{"gzip", "zstd", "br", "deflate"}

// pickEncoding chooses a response Content-Encoding from Accept-Encoding
// ("" for none). q=0 excludes an encoding.
func pickEncoding(accept string) string {
	if accept == "" {
		return ""
	}
	accepted := map[string]bool{}
	for _, part := range strings.Split(accept, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		q := strings.ReplaceAll(strings.TrimSpace(params), " ", "")
		if q == "q=0" || q == "q=0.0" || q == "q=0.00" || q == "q=0.000" {
			continue
		}
		accepted[name] = true
	}
	for _, enc := range responseEncodings {
		if accepted[enc] || accepted["*"] {
			return enc
		}
	}
	return ""
}

// encode compresses data with a response Content-Encoding.
func encode(enc string, data []byte) ([]byte, error) {
	var buf bytes.Buffer
	var w io.WriteCloser
	switch enc {
	case "gzip":
		w = gzip.NewWriter(&buf)
	case "deflate":
		w = zlib.NewWriter(&buf)
	case "br":
		w = brotli.NewWriter(&buf)
	case "zstd":
		zw, err := zstd.NewWriter(&buf, zstd.WithEncoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		w = zw
	default:
		return nil, fmt.Errorf("unsupported response encoding %q", enc)
	}
	if _, err := w.Write(data); err != nil {
		return nil, fmt.Errorf("compress response (%s): %w", enc, err)
	}
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("compress response (%s): %w", enc, err)
	}
	return buf.Bytes(), nil
}

// nativeBlockSize is how much uncompressed data goes into one ClickHouse
// compressed block (ClickHouse uses 1 MiB too).
const nativeBlockSize = 1 << 20

// encodeNative compresses data into ClickHouse's compressed block format
// (compress=1), with LZ4 or ZSTD as network_compression_method says.
func encodeNative(method string, data []byte) ([]byte, error) {
	m := compress.LZ4
	switch strings.ToUpper(method) {
	case "", "LZ4":
	case "LZ4HC":
		m = compress.LZ4HC
	case "ZSTD":
		m = compress.ZSTD
	case "NONE":
		m = compress.None
	default:
		return nil, newException(codeBadArguments, http.StatusBadRequest, "unknown network_compression_method %q (LZ4, LZ4HC, ZSTD, NONE)", method)
	}
	w := compress.NewWriter(compress.LevelZero, m)
	out := make([]byte, 0, len(data)/2+64)
	for len(data) > 0 {
		n := min(len(data), nativeBlockSize)
		if err := w.Compress(data[:n]); err != nil {
			return nil, fmt.Errorf("compress response (native %s): %w", method, err)
		}
		out = append(out, w.Data...)
		data = data[n:]
	}
	return out, nil
}
