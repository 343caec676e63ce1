package fakellm

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	anthropicoption "github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"github.com/tiktoken-go/tokenizer"
	"google.golang.org/genai"
)

type clients struct {
	oa openai.Client
	an anthropic.Client
	gc *genai.Client
}

func newClients(t *testing.T, fake *Server) clients {
	t.Helper()
	srv := httptest.NewServer(fake)
	t.Cleanup(srv.Close)
	gc, err := genai.NewClient(context.Background(), &genai.ClientConfig{APIKey: "k", Backend: genai.BackendGeminiAPI,
		HTTPOptions: genai.HTTPOptions{BaseURL: srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	return clients{
		oa: openai.NewClient(option.WithBaseURL(srv.URL+"/v1"), option.WithAPIKey("k"), option.WithMaxRetries(0)),
		an: anthropic.NewClient(anthropicoption.WithBaseURL(srv.URL), anthropicoption.WithAPIKey("k"),
			anthropicoption.WithMaxRetries(0), anthropicoption.WithoutOpenTelemetry()),
		gc: gc,
	}
}

func o200k(t *testing.T, text string) int64 {
	t.Helper()
	c, err := tokenizer.Get(tokenizer.O200kBase)
	if err != nil {
		t.Fatal(err)
	}
	n, err := c.Count(text)
	if err != nil {
		t.Fatal(err)
	}
	return int64(n)
}

// TestRealSDKs drives the fake with the real provider SDKs, plain and
// streaming, and checks the usage is the tokenizer's count of the prompt
// and of the reply.
func TestRealSDKs(t *testing.T) {
	ctx := context.Background()
	c := newClients(t, New(nil))
	const sys, user = "Classify the ticket.", "I was charged twice"

	t.Run("openai", func(t *testing.T) {
		chat, err := c.oa.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
			Model:    "gpt-4o",
			Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage(sys), openai.UserMessage(user)},
		})
		if err != nil {
			t.Fatal(err)
		}
		got := chat.Choices[0].Message.Content
		if !contains(Categories, got) {
			t.Errorf("classification = %q", got)
		}
		if chat.Usage.PromptTokens != o200k(t, sys+"\n"+user+"\n") || chat.Usage.CompletionTokens != o200k(t, got) {
			t.Errorf("usage = %+v", chat.Usage)
		}
	})
	t.Run("openai stream", func(t *testing.T) {
		stream := c.oa.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
			Model:         "gpt-4o-mini",
			Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Where is my order ORD-7 now?")},
			StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
		})
		var acc openai.ChatCompletionAccumulator
		for stream.Next() {
			acc.AddChunk(stream.Current())
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		text := acc.Choices[0].Message.Content
		if !strings.Contains(text, "Where is my order ORD-7 now?") || acc.Usage.CompletionTokens != o200k(t, text) ||
			acc.Usage.PromptTokens != o200k(t, "Where is my order ORD-7 now?\n") {
			t.Errorf("stream: %q usage %+v", text, acc.Usage)
		}
	})
	anParams := anthropic.MessageNewParams{
		Model: anthropic.Model("claude-sonnet-4-5"), MaxTokens: 256,
		System:   []anthropic.TextBlockParam{{Text: "Summarize."}},
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("The app crashes. It started today."))},
	}
	anPrompt := "Summarize.\nThe app crashes. It started today.\n"
	t.Run("anthropic", func(t *testing.T) {
		msg, err := c.an.Messages.New(ctx, anParams)
		if err != nil {
			t.Fatal(err)
		}
		if msg.Content[0].Text != "The app crashes." || msg.Usage.InputTokens != o200k(t, anPrompt) ||
			msg.Usage.OutputTokens != o200k(t, "The app crashes.") || msg.StopReason != anthropic.StopReasonEndTurn {
			t.Errorf("anthropic = %q usage %+v", msg.Content[0].Text, msg.Usage)
		}
	})
	t.Run("anthropic stream", func(t *testing.T) {
		stream := c.an.Messages.NewStreaming(ctx, anParams)
		var msg anthropic.Message
		for stream.Next() {
			if err := msg.Accumulate(stream.Current()); err != nil {
				t.Fatal(err)
			}
		}
		if err := stream.Err(); err != nil {
			t.Fatal(err)
		}
		if len(msg.Content) != 1 || msg.Content[0].Text != "The app crashes." || msg.Usage.InputTokens != o200k(t, anPrompt) ||
			msg.Usage.OutputTokens != o200k(t, "The app crashes.") {
			t.Errorf("anthropic stream = %+v", msg)
		}
	})
	t.Run("gemini", func(t *testing.T) {
		res, err := c.gc.Models.GenerateContent(ctx, "gemini-2.5-flash", genai.Text("Translate: hello"), nil)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(res.Text(), "[fr]") || int64(res.UsageMetadata.PromptTokenCount) != o200k(t, "Translate: hello\n") ||
			int64(res.UsageMetadata.CandidatesTokenCount) != o200k(t, res.Text()) {
			t.Errorf("gemini = %q usage %+v", res.Text(), res.UsageMetadata)
		}
	})
	t.Run("gemini stream", func(t *testing.T) {
		var text strings.Builder
		var last *genai.GenerateContentResponse
		for res, err := range c.gc.Models.GenerateContentStream(ctx, "gemini-2.5-flash", genai.Text("Translate: good morning to you"), nil) {
			if err != nil {
				t.Fatal(err)
			}
			text.WriteString(res.Text())
			last = res
		}
		if text.String() != "[fr] Translate: good morning to you" || last == nil || last.UsageMetadata == nil ||
			int64(last.UsageMetadata.CandidatesTokenCount) != o200k(t, text.String()) ||
			last.Candidates[0].FinishReason != genai.FinishReasonStop {
			t.Errorf("gemini stream = %q last %+v", text.String(), last)
		}
	})
}

func TestTokensUseTheModelsEncoding(t *testing.T) {
	cl, err := tokenizer.Get(tokenizer.Cl100kBase)
	if err != nil {
		t.Fatal(err)
	}
	text := "Le client a été facturé deux fois : {\"order\": \"ORD-1001\", \"amount\": 79.00}"
	want, _ := cl.Count(text)
	tests := []struct {
		model string
		want  int64
	}{
		{"gpt-4o", o200k(t, text)},
		{"gpt-4.1-mini", o200k(t, text)},
		{"claude-sonnet-4-5", o200k(t, text)},
		{"gemini-2.5-flash", o200k(t, text)},
		{"gpt-4-turbo", int64(want)},
		{"gpt-3.5-turbo", int64(want)},
	}
	for _, tt := range tests {
		if got := Tokens(tt.model, text); got != tt.want {
			t.Errorf("Tokens(%s) = %d, want %d", tt.model, got, tt.want)
		}
	}
	if Tokens("gpt-4o", "") != 0 {
		t.Error("empty text has tokens")
	}
}

// words returns text of about n tokens that no other call shares.
func words(seed string, n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString(seed)
		b.WriteString(string(rune('a' + i%26)))
		b.WriteString(" ")
	}
	return b.String()
}

// TestCaching checks each provider's caching rule on a second call that
// repeats the first call's prefix.
func TestCaching(t *testing.T) {
	long := words("policy", 3000) // ≥ every minimum
	short := words("note", 300)   // below every minimum
	mid := words("section", 1500) // ≥ 1024, < 4096
	tests := []struct {
		name string
		// call makes one call with prefix and a varying tail, returning
		// its cached (read) and written tokens and the prefix's tokens.
		call   func(c clients, prefix, tail string, mark bool) (read, write int64)
		prefix string
		mark   bool // Anthropic cache_control on the prefix
		want   func(prefixTokens int64) (read1, write1, read2, write2 int64)
		model  string
	}{
		{name: "openai long prefix cached in 128-token steps from 1024", call: openAICall, prefix: long, model: "gpt-4o",
			want: func(p int64) (int64, int64, int64, int64) { return 0, 0, 1024 + (p-1024)/128*128, 0 }},
		{name: "openai short prefix never cached", call: openAICall, prefix: short, model: "gpt-4o",
			want: func(int64) (int64, int64, int64, int64) { return 0, 0, 0, 0 }},
		{name: "anthropic without cache_control never cached", call: anthropicCall, prefix: long, model: "claude-sonnet-4-5",
			want: func(int64) (int64, int64, int64, int64) { return 0, 0, 0, 0 }},
		{name: "anthropic breakpoint written then read", call: anthropicCall, prefix: long, mark: true, model: "claude-sonnet-4-5",
			want: func(p int64) (int64, int64, int64, int64) { return 0, p, p, 0 }},
		{name: "anthropic breakpoint below the minimum", call: anthropicCall, prefix: short, mark: true, model: "claude-sonnet-4-5",
			want: func(int64) (int64, int64, int64, int64) { return 0, 0, 0, 0 }},
		{name: "gemini flash implicit from 1024", call: geminiCall("gemini-2.5-flash"), prefix: mid, model: "gemini-2.5-flash",
			want: func(p int64) (int64, int64, int64, int64) { return 0, 0, 1024 + (p-1024)/64*64, 0 }},
		{name: "gemini pro needs 4096", call: geminiCall("gemini-2.5-pro"), prefix: mid, model: "gemini-2.5-pro",
			want: func(int64) (int64, int64, int64, int64) { return 0, 0, 0, 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClients(t, New(nil))
			// The prefix is followed by a newline in every provider's prompt.
			p := Tokens(tt.model, tt.prefix+"\n")
			r1, w1 := tt.call(c, tt.prefix, "Refunds: which section?", tt.mark)
			r2, w2 := tt.call(c, tt.prefix, "Cancellations: which section?", tt.mark)
			er1, ew1, er2, ew2 := tt.want(p)
			// Prefix token counts are of the text alone; the joining
			// newline can merge with a neighbour, so allow one token.
			if abs(r1-er1) > 1 || abs(w1-ew1) > 1 || abs(r2-er2) > 1 || abs(w2-ew2) > 1 {
				t.Errorf("read/write = %d/%d then %d/%d, want %d/%d then %d/%d (prefix %d tokens)", r1, w1, r2, w2, er1, ew1, er2, ew2, p)
			}
		})
	}
}

func abs(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

func openAICall(c clients, prefix, tail string, _ bool) (int64, int64) {
	chat, err := c.oa.Chat.Completions.New(context.Background(), openai.ChatCompletionNewParams{
		Model:    "gpt-4o",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage(prefix), openai.UserMessage(tail)},
	})
	if err != nil {
		return -1, -1
	}
	return chat.Usage.PromptTokensDetails.CachedTokens, 0
}

func anthropicCall(c clients, prefix, tail string, mark bool) (int64, int64) {
	sys := anthropic.TextBlockParam{Text: prefix}
	if mark {
		sys.CacheControl = anthropic.NewCacheControlEphemeralParam()
	}
	msg, err := c.an.Messages.New(context.Background(), anthropic.MessageNewParams{
		Model: anthropic.Model("claude-sonnet-4-5"), MaxTokens: 256,
		System:   []anthropic.TextBlockParam{sys},
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(tail))},
	})
	if err != nil {
		return -1, -1
	}
	return msg.Usage.CacheReadInputTokens, msg.Usage.CacheCreationInputTokens
}

func geminiCall(model string) func(c clients, prefix, tail string, _ bool) (int64, int64) {
	return func(c clients, prefix, tail string, _ bool) (int64, int64) {
		res, err := c.gc.Models.GenerateContent(context.Background(), model, genai.Text(tail), &genai.GenerateContentConfig{
			SystemInstruction: genai.NewContentFromText(prefix, genai.RoleUser),
		})
		if err != nil {
			return -1, -1
		}
		return int64(res.UsageMetadata.CachedContentTokenCount), 0
	}
}

func TestFaults(t *testing.T) {
	ctx := context.Background()
	fake := New(nil, WithLatency(30*time.Millisecond), WithFaults(func(c Call) Fault {
		switch {
		case c.N == 1:
			return Fault{Status: http.StatusTooManyRequests, Message: "slow down"}
		case c.Provider == "gemini":
			return Fault{MaxOutputTokens: 3}
		}
		return Fault{}
	}))
	c := newClients(t, fake)
	start := time.Now()
	_, err := c.oa.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "gpt-4o",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("hi")}})
	var apiErr *openai.Error
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests || apiErr.Message != "slow down" {
		t.Errorf("injected error = %v", err)
	}
	if time.Since(start) < 30*time.Millisecond {
		t.Errorf("no latency")
	}
	// A request's own output limit truncates like the provider does.
	msg, err := c.an.Messages.New(ctx, anthropic.MessageNewParams{Model: anthropic.Model("claude-sonnet-4-5"), MaxTokens: 5,
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("Explain the refund policy for annual plans in detail"))}})
	if err != nil {
		t.Fatal(err)
	}
	if msg.StopReason != anthropic.StopReasonMaxTokens || msg.Usage.OutputTokens != 5 || o200k(t, msg.Content[0].Text) > 5 {
		t.Errorf("anthropic truncation = %q %s %+v", msg.Content[0].Text, msg.StopReason, msg.Usage)
	}
	res, err := c.gc.Models.GenerateContent(ctx, "gemini-2.5-flash", genai.Text("Explain the refund policy for annual plans"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Candidates[0].FinishReason != genai.FinishReasonMaxTokens || res.UsageMetadata.CandidatesTokenCount != 3 {
		t.Errorf("gemini truncation = %q %s", res.Text(), res.Candidates[0].FinishReason)
	}
	chat, err := c.oa.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{Model: "gpt-4o", MaxTokens: openai.Int(4),
		Messages: []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Explain the refund policy for annual plans")}})
	if err != nil {
		t.Fatal(err)
	}
	if chat.Choices[0].FinishReason != "length" || chat.Usage.CompletionTokens != 4 {
		t.Errorf("openai truncation = %+v", chat.Choices[0])
	}
	_, err = c.gc.Models.GenerateContent(ctx, "gemini-2.5-flash", genai.Text("x"), nil)
	if err != nil {
		t.Errorf("gemini after faults: %v", err)
	}
}

func TestResponderUsesOnlyWhatTheTaskNeeds(t *testing.T) {
	prompt := "Refund policy: duplicate charges are refunded within five business days.\n" +
		"Shipping policy: parcels leave the warehouse within two days.\n" +
		"Catalog: the Team plan includes single sign-on.\n" +
		"How are duplicate charges refunded?"
	got := DefaultResponder("gpt-4o", prompt)
	if !strings.Contains(got, "refunded within five business days") {
		t.Errorf("answer misses the needed line: %q", got)
	}
	for _, unused := range []string{"warehouse", "single sign-on"} {
		if strings.Contains(got, unused) {
			t.Errorf("answer quotes unneeded context %q: %q", unused, got)
		}
	}
	if DefaultResponder("m", prompt) != got {
		t.Error("not deterministic")
	}
	if s := DefaultResponder("m", "What is the status of order ORD-42?"); !strings.HasPrefix(s, "Order ORD-42 is in transit") {
		t.Errorf("status = %q", s)
	}
}

func TestUnknownEndpoint(t *testing.T) {
	rec := httptest.NewRecorder()
	New(nil).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/v1/models", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("status = %d", rec.Code)
	}
	rec = httptest.NewRecorder()
	New(nil).ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/v1/chat/completions", strings.NewReader("{")))
	if rec.Code != http.StatusBadRequest {
		t.Errorf("bad JSON status = %d", rec.Code)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
