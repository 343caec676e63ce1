package chserver

import (
	"bytes"
	"fmt"

	chproto "github.com/ClickHouse/ch-go/proto"
)

// Protocol revisions that add fields to a Query packet (ClickHouse's
// DBMS_MIN_REVISION_WITH_* constants, as ch-go's Feature values).
const (
	revQuotaKeyInClientInfo = 54060
	revVersionPatch         = 54401
	revClientWriteInfo      = 54420
	revInterServerSecret    = 54441
	revOpenTelemetry        = 54442
	revDistributedDepth     = 54448
	revQueryStartTime       = 54449
	revParallelReplicas     = 54453
	revParameters           = 54459
)

// maxQueryFields bounds the bytes of a Query packet besides its body.
const maxQueryFields = 4 << 20

// readQuery reads a Query packet (after its code) and decodes it with
// chproto.Query.DecodeAware. ch-go's reader allocates whatever length a
// string declares before reading it, so the packet is first copied by the
// bounded copier, field by field in the layout DecodeAware reads, with
// every string checked against its limit (the body against maxBody) and
// read in chunks: a hostile length fails instead of exhausting memory.
func readQuery(r *chproto.Reader, revision, maxBody uint64) (chproto.Query, error) {
	var raw bytes.Buffer
	c := newBlockConverter(r, &raw, maxBody+maxQueryFields)
	defer c.release()
	var q chproto.Query
	if err := c.queryPacket(revision, maxBody); err != nil {
		return q, err
	}
	if err := q.DecodeAware(chproto.NewReader(&raw), int(revision)); err != nil {
		return q, err
	}
	return q, nil
}

// queryPacket copies a Query packet's fields.
func (c *blockConverter) queryPacket(revision, maxBody uint64) error {
	if err := c.str(maxShortString); err != nil { // query id
		return fmt.Errorf("query id: %w", err)
	}
	if revision >= revClientWriteInfo {
		if err := c.clientInfo(revision); err != nil {
			return fmt.Errorf("client info: %w", err)
		}
	}
	if err := c.keyValues(); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if revision >= revInterServerSecret {
		if err := c.str(maxShortString); err != nil {
			return fmt.Errorf("inter-server secret: %w", err)
		}
	}
	for range 2 { // stage, compression
		if _, err := c.uvarint(); err != nil {
			return fmt.Errorf("stage and compression: %w", err)
		}
	}
	if err := c.str(maxBody); err != nil {
		return fmt.Errorf("query text: %w", err)
	}
	if revision >= revParameters {
		if err := c.keyValues(); err != nil {
			return fmt.Errorf("parameters: %w", err)
		}
	}
	return nil
}

// clientInfo copies the client info of a Query packet (TCP clients only,
// as chproto.ClientInfo.DecodeAware reads it).
func (c *blockConverter) clientInfo(revision uint64) error {
	if err := c.copyN(1); err != nil { // query kind
		return err
	}
	for range 3 { // initial user, query id, address
		if err := c.str(maxShortString); err != nil {
			return err
		}
	}
	if revision >= revQueryStartTime {
		if err := c.copyN(8); err != nil {
			return err
		}
	}
	iface, err := c.byteField()
	if err != nil {
		return err
	}
	if iface != byte(chproto.InterfaceTCP) {
		return fmt.Errorf("%w: client interface %d, want TCP (1)", errMalformedBlock, iface)
	}
	for range 3 { // OS user, hostname, client name
		if err := c.str(maxShortString); err != nil {
			return err
		}
	}
	for range 3 { // major, minor, protocol version
		if _, err := c.uvarint(); err != nil {
			return err
		}
	}
	if revision >= revQuotaKeyInClientInfo {
		if err := c.str(maxShortString); err != nil {
			return err
		}
	}
	if revision >= revDistributedDepth {
		if _, err := c.uvarint(); err != nil {
			return err
		}
	}
	if revision >= revVersionPatch {
		if _, err := c.uvarint(); err != nil {
			return err
		}
	}
	if revision >= revOpenTelemetry {
		hasTrace, err := c.byteField()
		if err != nil {
			return err
		}
		if hasTrace != 0 { // trace id, span id, trace state, flags
			if err := c.copyN(16 + 8); err != nil {
				return err
			}
			if err := c.str(maxShortString); err != nil {
				return err
			}
			if err := c.copyN(1); err != nil {
				return err
			}
		}
	}
	if revision >= revParallelReplicas {
		for range 3 {
			if _, err := c.uvarint(); err != nil {
				return err
			}
		}
	}
	return nil
}

// keyValues copies settings or parameters: key, flags, value, until an
// empty key.
func (c *blockConverter) keyValues() error {
	for {
		n, err := c.uvarint()
		if err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		if n > maxShortString {
			return fmt.Errorf("%w: name of %d bytes", errMalformedBlock, n)
		}
		if err := c.copyN(n); err != nil {
			return err
		}
		if _, err := c.uvarint(); err != nil { // flags
			return err
		}
		if err := c.str(maxShortString); err != nil {
			return err
		}
	}
}

// str copies a length-prefixed string of at most max bytes.
func (c *blockConverter) str(max uint64) error {
	n, err := c.uvarint()
	if err != nil {
		return err
	}
	if n > max {
		return fmt.Errorf("%w: string of %d bytes exceeds the limit of %d", errMalformedBlock, n, max)
	}
	return c.copyN(n)
}

// byteField copies one byte and returns it.
func (c *blockConverter) byteField() (byte, error) {
	if err := c.copyN(1); err != nil {
		return 0, err
	}
	return c.buf[0], nil
}
