package e2e

import (
	"context"
	"fmt"

	"go.opentelemetry.io/collector/pdata/ptrace"
	"go.opentelemetry.io/collector/pdata/ptrace/ptraceotlp"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
)

// Sender exports ptrace.Traces to an OTLP gRPC endpoint.
type Sender struct {
	conn   *grpc.ClientConn
	client ptraceotlp.GRPCClient
}

// maxMessageBytes matches the receiver's max_recv_msg_size_mib in
// collector/config.yaml.
const maxMessageBytes = 64 << 20

// NewSender connects (lazily) to an OTLP gRPC endpoint (host:port).
func NewSender(endpoint string) (*Sender, error) {
	conn, err := grpc.NewClient(endpoint, grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultCallOptions(grpc.MaxCallSendMsgSize(maxMessageBytes)))
	if err != nil {
		return nil, fmt.Errorf("OTLP gRPC client for %s: %w", endpoint, err)
	}
	return &Sender{conn: conn, client: ptraceotlp.NewGRPCClient(conn)}, nil
}

// Send exports td; a nil error means the collector acknowledged every span
// (a partial success with rejected spans is an error).
func (s *Sender) Send(ctx context.Context, td ptrace.Traces) error {
	resp, err := s.client.Export(ctx, ptraceotlp.NewExportRequestFromTraces(td))
	if err != nil {
		return err
	}
	if ps := resp.PartialSuccess(); ps.RejectedSpans() > 0 {
		return fmt.Errorf("collector rejected %d spans: %s", ps.RejectedSpans(), ps.ErrorMessage())
	}
	return nil
}

// Close closes the connection.
func (s *Sender) Close() error { return s.conn.Close() }
