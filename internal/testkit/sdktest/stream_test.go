package sdktest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/openai/openai-go/v3"
)

// TestStreamNoBuffering proves chunks reach the SDK as they arrive: the
// server writes chunk N+1 only after the SDK has received chunk N.
func TestStreamNoBuffering(t *testing.T) {
	const chunks = 5
	received := make(chan int, chunks)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fl := w.(http.Flusher)
		for i := 0; i < chunks; i++ {
			fmt.Fprintf(w, "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"%d\"}}]}\n\n", i)
			fl.Flush()
			select {
			case got := <-received:
				if got != i {
					t.Errorf("SDK received chunk %d, server wrote %d", got, i)
				}
			case <-time.After(5 * time.Second):
				t.Errorf("SDK did not receive chunk %d before chunk %d was written: the stream is buffered", i, i+1)
				return
			}
		}
		fmt.Fprint(w, "data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":1,\"completion_tokens\":5}}\n\ndata: [DONE]\n\n")
	}))
	defer srv.Close()
	rec, tp := newTracing()
	hc, _ := instrumentedClient(tp)
	client := openaiClient(&fakeLLM{Server: srv}, hc)
	stream := client.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model: "m", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x")},
	})
	n := 0
	for stream.Next() {
		c := stream.Current()
		if n < chunks && len(c.Choices) > 0 && c.Choices[0].Delta.Content != "" {
			received <- n
			n++
		}
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	stream.Close()
	if n != chunks {
		t.Fatalf("received %d chunks", n)
	}
	expectAttrs(t, clientSpan(t, rec), map[string]any{"gen_ai.usage.output_tokens": 5, "error.type": nil})
}

// TestStreamAbortedByClient: the caller stops reading and closes; the span
// ends with what was seen and says the stream was aborted.
func TestStreamAbortedByClient(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		for _, word := range []string{"Hello", " there"} {
			fmt.Fprintf(w, "data: {\"id\":\"chatcmpl-stream1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":%q}}]}\n\n", word)
		}
		w.(http.Flusher).Flush()
		<-r.Context().Done() // the stream stays open until the client leaves
	}))
	defer srv.Close()
	rec, tp := newTracing()
	hc, _ := instrumentedClient(tp)
	client := openaiClient(&fakeLLM{Server: srv}, hc)
	stream := client.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
		Model: "gpt-4o-mini", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Hi")},
	})
	stream.Next()
	stream.Next()
	stream.Close()
	s := clientSpan(t, rec)
	expectAttrs(t, s, map[string]any{"error.type": "aborted", "gen_ai.response.id": "chatcmpl-stream1"})
	if !strings.Contains(s.Status().Description, "before completion") {
		t.Errorf("status %q", s.Status().Description)
	}
	if attrMap(s)["gen_ai.response.time_to_first_chunk"].AsFloat64() <= 0 {
		t.Error("ttfc missing on aborted stream")
	}
}

// TestStreamAbortedByServer: the connection drops mid-stream; the SDK sees
// the same error as without the transport and the span records it.
func TestStreamAbortedByServer(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		fmt.Fprint(w, "data: {\"id\":\"c1\",\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hel\"}}]}\n\n")
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	run := func(hc *http.Client) error {
		client := openaiClient(&fakeLLM{Server: srv}, hc)
		stream := client.Chat.Completions.NewStreaming(context.Background(), openai.ChatCompletionNewParams{
			Model: "m", Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("x")},
		})
		for stream.Next() {
		}
		defer stream.Close()
		return stream.Err()
	}
	bareErr := run(&http.Client{})
	rec, tp := newTracing()
	hc, _ := instrumentedClient(tp)
	err := run(hc)
	if fmt.Sprint(err) != fmt.Sprint(bareErr) {
		t.Errorf("SDK error %v, without transport %v", err, bareErr)
	}
	s := clientSpan(t, rec)
	expectAttrs(t, s, map[string]any{"error.type": "unexpected_eof"})
	if got := jsonAttr(t, s, "gen_ai.output.messages"); fmt.Sprint(got) != "[map[finish_reason: parts:[map[content:Hel type:text]] role:assistant]]" && !strings.Contains(fmt.Sprint(got), "Hel") {
		t.Errorf("partial output not kept: %v", got)
	}
}
