package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/ptrace"

	"github.com/kaizenhq/kaizen/internal/testkit/e2e"
)

// Planted credentials, each unique so a hit names the place it leaked from.
const (
	plantResource = "sk-PLANTEDresource0123456789abcdef"
	plantScope    = "ghp_PLANTEDscope0123456789abcdefghijklmn"
	plantName     = "sk-PLANTEDspanname0123456789abcdef"
	plantStatus   = "AKIAPLANTEDSTATUS0123"
	plantBearer   = "PLANTEDbearer.abcdefghij0123456789"
	plantDBPass   = "PLANTEDdbpassword42"
	plantSecretKV = "PLANTEDsecretvalue7"
	plantURLPass  = "PLANTEDurlpassword9"
	plantEvent    = "sk-PLANTEDevent0123456789abcdefgh"
	plantLink     = "xoxb-PLANTEDlink0123456789"
	plantContent  = "sk-proj-PLANTEDcontent0123456789abcdef"
)

var plantedCredentials = []string{
	plantResource, plantScope, plantName, plantStatus, plantBearer, plantDBPass,
	plantSecretKV, plantURLPass, plantEvent, plantLink, plantContent,
}

// credentialTraces places every credential where issue 10 lists them: a
// resource attribute, the scope, a span name, a status message, an
// Authorization header, password= in db.statement, a secret-named key, a
// URL password, an event, a link, and GenAI content.
func credentialTraces() (ptrace.Traces, e2e.Expect) {
	td := ptrace.NewTraces()
	rs := td.ResourceSpans().AppendEmpty()
	rs.Resource().Attributes().PutStr("service.name", "credentials")
	rs.Resource().Attributes().PutStr("deployment.token", plantResource)
	ss := rs.ScopeSpans().AppendEmpty()
	ss.Scope().SetName("scope")
	ss.Scope().Attributes().PutStr("note", "installed with "+plantScope)
	tid := pcommon.TraceID{0xc7, 0xed, 1}
	now := pcommon.NewTimestampFromTime(time.Now())
	want := e2e.Expect{Spans: map[e2e.SpanKey]bool{}}
	add := func(n byte, name string) ptrace.Span {
		s := ss.Spans().AppendEmpty()
		s.SetTraceID(tid)
		s.SetSpanID(pcommon.SpanID{0xc7, 0xed, n})
		s.SetName(name)
		s.SetStartTimestamp(now)
		s.SetEndTimestamp(now + 1000)
		want.Spans[e2e.SpanKey{TraceID: tid.String(), SpanID: s.SpanID().String()}] = true
		return s
	}

	s := add(1, "GET /v1 "+plantName)
	s.SetKind(ptrace.SpanKindClient)
	s.Status().SetCode(ptrace.StatusCodeError)
	s.Status().SetMessage("upstream refused key " + plantStatus)
	a := s.Attributes()
	a.PutStr("http.request.method", "GET")
	a.PutEmptySlice("http.request.header.authorization").AppendEmpty().SetStr("Bearer " + plantBearer)
	a.PutStr("url.full", "https://svc:"+plantURLPass+"@api.example.com/v1")
	a.PutStr("client_secret", plantSecretKV)
	ev := s.Events().AppendEmpty()
	ev.SetName("retry")
	ev.Attributes().PutStr("detail", "retried with "+plantEvent)
	ln := s.Links().AppendEmpty()
	ln.SetTraceID(pcommon.TraceID{0xc7, 0xed, 2})
	ln.SetSpanID(pcommon.SpanID{0xc7, 0xed, 9})
	ln.Attributes().PutStr("why", "fan-in "+plantLink)

	s = add(2, "SELECT orders")
	s.Attributes().PutStr("db.system.name", "postgresql")
	s.Attributes().PutStr("db.statement", "SET SESSION AUTHORIZATION x; -- host=db password="+plantDBPass+" user=app")

	s = add(3, "chat gpt-4o-mini")
	s.SetKind(ptrace.SpanKindClient)
	a = s.Attributes()
	a.PutStr("gen_ai.operation.name", "chat")
	a.PutStr("gen_ai.provider.name", "openai")
	a.PutStr("gen_ai.request.model", "gpt-4o-mini")
	a.PutInt("gen_ai.usage.input_tokens", 12)
	a.PutInt("gen_ai.usage.output_tokens", 3)
	a.PutStr("gen_ai.input.messages", `[{"role":"user","parts":[{"type":"text","content":"my key is `+plantContent+`"}]}]`)
	return td, want
}

// TestCredentialsNeverStored sends credentials in every place of a span to
// the built collector and finds them in neither table (read back as text,
// since column files are compressed), in no file of the data directory in
// clear (staged inserts, logs) and not in the collector's log, while every
// span is stored.
func TestCredentialsNeverStored(t *testing.T) {
	bin := collectorBinary(t)
	ports := e2e.MustPorts(t)
	dir := t.TempDir()
	logPath := filepath.Join(dir, "collector.log")
	p, err := e2e.StartProcess(bin, []string{embeddedConfig}, ports.Env(dir), logPath)
	if err != nil {
		t.Fatal(err)
	}
	stopped := false
	stop := func() {
		if !stopped {
			stopped = true
			if err := p.Stop(time.Minute); err != nil {
				t.Errorf("stop collector: %v", err)
			}
		}
	}
	t.Cleanup(stop)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	if err := p.WaitHealthy(ctx, ports.Health, time.Minute); err != nil {
		t.Fatal(err)
	}
	sender, err := e2e.NewSender(ports.GRPC)
	if err != nil {
		t.Fatal(err)
	}
	defer sender.Close()
	td, want := credentialTraces()
	if err := sender.Send(ctx, td); err != nil {
		t.Fatalf("send: %v", err)
	}
	writer, err := e2e.CollectorWriter(dir)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := e2e.Open(ports.CHDB, "kaizen", writer)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	deadline := time.Now().Add(time.Minute)
	for {
		counts, err := e2e.SpanCounts(ctx, conn, "otel_traces")
		stored := 0
		for k := range want.Spans {
			if counts[k] > 0 {
				stored++
			}
		}
		if err == nil && stored == len(want.Spans) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d spans stored after a minute (last error %v)", stored, len(want.Spans), err)
		}
		time.Sleep(200 * time.Millisecond)
	}

	for _, table := range []string{"otel_traces", "llm_calls"} {
		dump, err := dumpTable(ctx, ports.CHDB, writer.Name, writer.Password, table)
		if err != nil {
			t.Fatal(err)
		}
		if len(dump) == 0 {
			t.Fatalf("%s is empty", table)
		}
		for _, c := range plantedCredentials {
			if bytes.Contains(dump, []byte(c)) {
				t.Errorf("table %s stores %q", table, c)
			}
		}
		// The redacted values must still say what was there.
		if !bytes.Contains(dump, []byte("[REDACTED")) {
			t.Errorf("%s holds no [REDACTED marker: the credentials were dropped, not redacted", table)
		}
	}
	conn.Close()
	stop() // the store flushes its parts and the log is complete
	if err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err // symlinks point into the same directory
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		for _, c := range plantedCredentials {
			if bytes.Contains(b, []byte(c)) {
				t.Errorf("%s holds %q", strings.TrimPrefix(path, dir), c)
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(logPath); err != nil {
		t.Fatalf("collector log: %v", err)
	}
}

// dumpTable returns every row of kaizen.table as TSV, read over the store's
// HTTP interface as user.
func dumpTable(ctx context.Context, addr, user, password, table string) ([]byte, error) {
	q := url.Values{"database": {"kaizen"}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/?"+q.Encode(),
		strings.NewReader("SELECT * FROM "+table+" FORMAT TSVRaw"))
	if err != nil {
		return nil, err
	}
	req.SetBasicAuth(user, password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("dump %s: %w", table, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("dump %s: %w", table, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("dump %s: HTTP %d: %s", table, resp.StatusCode, b)
	}
	return b, nil
}
