package triage

import (
	"context"
	"fmt"
	"net/http"

	"github.com/anthropics/anthropic-sdk-go/v2"
	anthropicoption "github.com/anthropics/anthropic-sdk-go/v2/option"
	"github.com/openai/openai-go/v3"
	"github.com/openai/openai-go/v3/option"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/genai"

	"github.com/kaizenhq/kaizen/instrumentation"
)

// Clients holds the three providers' SDK clients, each using an HTTP client
// whose transport is instrumentation.NewTransport.
type Clients struct {
	OpenAI    openai.Client
	Anthropic anthropic.Client
	Gemini    *genai.Client
}

// NewClients builds the SDK clients against baseURL (a fakellm server, or
// empty for the providers' real endpoints) with instrumented transports.
func NewClients(ctx context.Context, baseURL string, opts ...instrumentation.Option) (*Clients, error) {
	hc := &http.Client{Transport: instrumentation.NewTransport(http.DefaultTransport, opts...)}
	oaOpts := []option.RequestOption{option.WithHTTPClient(hc), option.WithAPIKey(envOr("OPENAI_API_KEY", "demo-key"))}
	// anthropic-sdk-go emits GenAI spans of its own: with Kaizen's transport
	// they would describe every call twice, so turn them off.
	anOpts := []anthropicoption.RequestOption{
		anthropicoption.WithHTTPClient(hc), anthropicoption.WithAPIKey(envOr("ANTHROPIC_API_KEY", "demo-key")),
		anthropicoption.WithoutOpenTelemetry(),
	}
	gcfg := &genai.ClientConfig{APIKey: envOr("GEMINI_API_KEY", "demo-key"), Backend: genai.BackendGeminiAPI, HTTPClient: hc}
	if baseURL != "" {
		oaOpts = append(oaOpts, option.WithBaseURL(baseURL+"/v1"))
		anOpts = append(anOpts, anthropicoption.WithBaseURL(baseURL))
		gcfg.HTTPOptions = genai.HTTPOptions{BaseURL: baseURL}
	}
	gc, err := genai.NewClient(ctx, gcfg)
	if err != nil {
		return nil, fmt.Errorf("gemini client: %w", err)
	}
	return &Clients{OpenAI: openai.NewClient(oaOpts...), Anthropic: anthropic.NewClient(anOpts...), Gemini: gc}, nil
}

// Ticket is one customer message to triage.
type Ticket struct {
	ID       string
	Customer string
	Text     string
}

// Result is what one workflow run produced.
type Result struct {
	TraceID  trace.TraceID
	Category string
	Notes    string
	Reply    string
}

// Run triages one ticket as the "support-triage" workflow: classifier,
// researcher (with a knowledge-base tool) and writer agents. Each run is one
// trace.
func Run(ctx context.Context, c *Clients, t Ticket) (res Result, err error) {
	ctx, span := instrumentation.StartWorkflow(ctx, "support-triage")
	defer endSpan(span, &err)
	res.TraceID = span.SpanContext().TraceID()

	if res.Category, err = classify(ctx, c, t); err != nil {
		return res, err
	}
	if res.Notes, err = research(ctx, c, t); err != nil {
		return res, err
	}
	res.Reply, err = write(ctx, c, t, res.Category, res.Notes)
	return res, err
}

// classify uses a frontier model for a four-label classification.
func classify(ctx context.Context, c *Clients, t Ticket) (_ string, err error) {
	ctx, span := instrumentation.StartAgent(ctx, "classifier")
	defer endSpan(span, &err)
	out, err := c.OpenAI.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model: "gpt-4o",
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage("You are a support ticket classifier. Classify the ticket into exactly one category: billing, bug, account, feature_request. Answer with the category only."),
			openai.UserMessage(t.Text),
		},
	})
	if err != nil {
		return "", fmt.Errorf("classify ticket %s: %w", t.ID, err)
	}
	if len(out.Choices) == 0 {
		return "", fmt.Errorf("classify ticket %s: the model returned no choices", t.ID)
	}
	return out.Choices[0].Message.Content, nil
}

// research pastes the whole catalog into every prompt and asks its question
// twice in different words.
func research(ctx context.Context, c *Clients, t Ticket) (_ string, err error) {
	ctx, span := instrumentation.StartAgent(ctx, "researcher")
	defer endSpan(span, &err)
	system := "You answer questions about our product for the support team.\n\n" + Catalog
	ask := func(q string) (string, error) {
		msg, err := c.Anthropic.Messages.New(ctx, anthropic.MessageNewParams{
			Model: anthropic.Model("claude-sonnet-4-5"), MaxTokens: 512,
			System:   []anthropic.TextBlockParam{{Text: system}},
			Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(q))},
		})
		if err != nil {
			return "", fmt.Errorf("research ticket %s: %w", t.ID, err)
		}
		if len(msg.Content) == 0 {
			return "", fmt.Errorf("research ticket %s: the model returned no content", t.ID)
		}
		return msg.Content[0].Text, nil
	}
	first, err := ask(fmt.Sprintf("Customer %s wrote: %q\nWhat should support check first for this customer?", t.Customer, t.Text))
	if err != nil {
		return "", err
	}
	_, tool := instrumentation.StartTool(ctx, "search_kb")
	tool.End()
	second, err := ask(fmt.Sprintf("Customer %s wrote: %q\nWhat should the support team check first for this customer?", t.Customer, t.Text))
	if err != nil {
		return "", err
	}
	return first + "\n" + second, nil
}

// write drafts the reply with a mid-size model.
func write(ctx context.Context, c *Clients, t Ticket, category, notes string) (_ string, err error) {
	ctx, span := instrumentation.StartAgent(ctx, "writer")
	defer endSpan(span, &err)
	prompt := fmt.Sprintf("Draft a short, friendly reply to customer %s. Category: %s.\nResearch notes: %s\nTicket: %s",
		t.Customer, category, notes, t.Text)
	res, err := c.Gemini.Models.GenerateContent(ctx, "gemini-2.5-flash", genai.Text(prompt), &genai.GenerateContentConfig{
		SystemInstruction: genai.NewContentFromText("You write replies for the support team.", genai.RoleUser),
	})
	if err != nil {
		return "", fmt.Errorf("write reply to ticket %s: %w", t.ID, err)
	}
	return res.Text(), nil
}

func endSpan(span trace.Span, err *error) {
	if *err != nil {
		span.RecordError(*err)
		span.SetStatus(codes.Error, (*err).Error())
	}
	span.End()
}
