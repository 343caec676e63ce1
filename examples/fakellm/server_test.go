package fakellm

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go/v2"
	anthropicoption "github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"google.golang.org/genai"
)

// TestRealSDKs drives the fake with the real provider SDKs.
func TestRealSDKs(t *testing.T) {
	fake := New(nil)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	ctx := context.Background()

	oa := openai.NewClient(option.WithBaseURL(srv.URL+"/v1"), option.WithAPIKey("k"))
	chat, err := oa.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model:    "gpt-4o",
		Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("Classify the ticket."), openai.UserMessage("I was charged twice")},
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := chat.Choices[0].Message.Content; !contains(Categories, got) {
		t.Errorf("classification = %q", got)
	}
	if chat.Usage.PromptTokens == 0 || chat.Usage.CompletionTokens == 0 {
		t.Errorf("usage = %+v", chat.Usage)
	}

	stream := oa.Chat.Completions.NewStreaming(ctx, openai.ChatCompletionNewParams{
		Model:         "gpt-4o-mini",
		Messages:      []openai.ChatCompletionMessageParamUnion{openai.UserMessage("Where is my order?")},
		StreamOptions: openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)},
	})
	var acc openai.ChatCompletionAccumulator
	for stream.Next() {
		acc.AddChunk(stream.Current())
	}
	if err := stream.Err(); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(acc.Choices[0].Message.Content, "Where is my order?") || acc.Usage.TotalTokens == 0 {
		t.Errorf("stream: %q usage %+v", acc.Choices[0].Message.Content, acc.Usage)
	}

	an := anthropic.NewClient(anthropicoption.WithBaseURL(srv.URL), anthropicoption.WithAPIKey("k"))
	msg, err := an.Messages.New(ctx, anthropic.MessageNewParams{
		Model: anthropic.ModelClaudeSonnet4_5, MaxTokens: 256,
		System:   []anthropic.TextBlockParam{{Text: "Summarize."}},
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock("The app crashes. It started today."))},
	})
	if err != nil {
		t.Fatal(err)
	}
	if msg.Content[0].Text != "The app crashes." || msg.Usage.InputTokens == 0 {
		t.Errorf("anthropic = %q usage %+v", msg.Content[0].Text, msg.Usage)
	}

	gc, err := genai.NewClient(ctx, &genai.ClientConfig{APIKey: "k", Backend: genai.BackendGeminiAPI,
		HTTPOptions: genai.HTTPOptions{BaseURL: srv.URL}})
	if err != nil {
		t.Fatal(err)
	}
	res, err := gc.Models.GenerateContent(ctx, "gemini-2.5-flash", genai.Text("Translate: hello"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(res.Text(), "[fr]") || res.UsageMetadata.PromptTokenCount == 0 {
		t.Errorf("gemini = %q", res.Text())
	}
	if fake.Calls() != 4 {
		t.Errorf("calls = %d, want 4", fake.Calls())
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

func TestTokens(t *testing.T) {
	for text, want := range map[string]int64{"": 0, "a": 1, "abcd": 1, "abcde": 2} {
		if got := Tokens(text); got != want {
			t.Errorf("Tokens(%q) = %d, want %d", text, got, want)
		}
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
