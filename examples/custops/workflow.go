package custops

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/anthropics/anthropic-sdk-go/v2"
	"github.com/openai/openai-go/v3"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
	"google.golang.org/genai"

	"github.com/kaizenhq/kaizen/examples/triage"
	"github.com/kaizenhq/kaizen/instrumentation"
)

// WorkflowName is the gen_ai.workflow.name of every run.
const WorkflowName = "customer-operations"

// Variant selects the wasteful or the optimized implementation.
type Variant string

// The two variants.
const (
	VariantWasteful  Variant = "wasteful"
	VariantOptimized Variant = "optimized"
)

// ParseVariant reads a --variant value.
func ParseVariant(s string) (Variant, error) {
	switch v := Variant(s); v {
	case VariantWasteful, VariantOptimized:
		return v, nil
	}
	return "", fmt.Errorf("unknown variant %q (want wasteful or optimized)", s)
}

// Models are the models each variant's agents use.
type Models struct {
	Router, Researcher, OrderChecker, Writer, Reviewer, Translator string
}

// ModelsFor returns the models of v: the wasteful variant classifies with
// gpt-4o and translates with gemini-2.5-pro, the optimized one uses
// gpt-4o-mini and gemini-2.5-flash for those simple tasks.
func ModelsFor(v Variant) Models {
	m := Models{Router: "gpt-4o-mini", Researcher: "claude-sonnet-4-5", OrderChecker: "gemini-2.5-flash",
		Writer: "gpt-4o", Reviewer: "claude-sonnet-4-5", Translator: "gemini-2.5-flash"}
	if v == VariantWasteful {
		m.Router, m.Translator = "gpt-4o", "gemini-2.5-pro"
	}
	return m
}

// Wasteful knobs, each with the fix the optimized variant applies.
const (
	// wastefulWriterMaxTokens is too small for a reply: the writer's first
	// attempt is truncated and retried with optimizedWriterMaxTokens.
	wastefulWriterMaxTokens  = 64
	optimizedWriterMaxTokens = 1024
	// statusPolls is how often the wasteful order checker asks for the
	// status of an order that is not delivered yet.
	statusPolls = 3
)

// Result is what one run produced.
type Result struct {
	TraceID trace.TraceID
	Replies []string // one translated reply per ticket
}

// Run works through the ticket queue as one trace.
func Run(ctx context.Context, c *triage.Clients, v Variant) (res Result, err error) {
	ctx, span := instrumentation.StartWorkflow(ctx, WorkflowName)
	defer endSpan(span, &err)
	res.TraceID = span.SpanContext().TraceID()
	w := &worker{c: c, v: v, m: ModelsFor(v)}
	for _, t := range Tickets {
		reply, err := w.handle(ctx, t)
		if err != nil {
			return res, fmt.Errorf("ticket %s: %w", t.ID, err)
		}
		res.Replies = append(res.Replies, reply)
	}
	return res, nil
}

type worker struct {
	c       *triage.Clients
	v       Variant
	m       Models
	history []openai.ChatCompletionMessageParamUnion // the writer's conversation (wasteful)
}

func (w *worker) wasteful() bool { return w.v == VariantWasteful }

func (w *worker) handle(ctx context.Context, t Ticket) (string, error) {
	category, err := w.route(ctx, t)
	if err != nil {
		return "", err
	}
	notes, err := w.research(ctx, t)
	if err != nil {
		return "", err
	}
	status, err := w.checkOrder(ctx, t)
	if err != nil {
		return "", err
	}
	draft, err := w.write(ctx, t, category, notes, status)
	if err != nil {
		return "", err
	}
	if err := w.review(ctx, draft); err != nil {
		return "", err
	}
	return w.translate(ctx, t, draft)
}

// route classifies the ticket.
func (w *worker) route(ctx context.Context, t Ticket) (_ string, err error) {
	ctx, span := instrumentation.StartAgent(ctx, "router")
	defer endSpan(span, &err)
	out, err := w.c.OpenAI.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
		Model: w.m.Router,
		Messages: []openai.ChatCompletionMessageParamUnion{
			openai.SystemMessage("You are the router of the customer operations team. Classify the ticket into exactly one category: " +
				"billing, bug, account, feature_request. Answer with the category only."),
			openai.UserMessage(t.Text),
		},
	})
	if err != nil {
		return "", fmt.Errorf("route: %w", err)
	}
	if len(out.Choices) == 0 {
		return "", fmt.Errorf("route: the model returned no choices")
	}
	return strings.TrimSpace(out.Choices[0].Message.Content), nil
}

// research retrieves the ticket's articles and asks the knowledge base
// about them; the wasteful variant asks twice in other words and re-sends
// its static handbook without cache_control.
func (w *worker) research(ctx context.Context, t Ticket) (_ string, err error) {
	ctx, span := instrumentation.StartAgent(ctx, "researcher")
	defer endSpan(span, &err)
	_, tool := instrumentation.StartTool(ctx, "search_kb")
	arts := searchKB(t.Topic)
	tool.End()
	var passages strings.Builder
	passages.WriteString("Knowledge base passages:\n")
	for _, a := range arts {
		passages.WriteString(a.text + "\n")
	}
	system := anthropic.TextBlockParam{Text: handbook}
	if !w.wasteful() {
		system.CacheControl = anthropic.NewCacheControlEphemeralParam()
	}
	ask := func(q string) (string, error) {
		msg, err := w.c.Anthropic.Messages.New(ctx, anthropic.MessageNewParams{
			Model: anthropic.Model(w.m.Researcher), MaxTokens: 1024,
			System:   []anthropic.TextBlockParam{system},
			Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(passages.String() + q))},
		})
		if err != nil {
			return "", fmt.Errorf("research: %w", err)
		}
		return anthropicText(msg)
	}
	notes, err := ask(fmt.Sprintf("Question: what do the articles say about %s?", t.Topic))
	if err != nil || !w.wasteful() {
		return notes, err
	}
	// The same question again in other words, its answer thrown away.
	_, err = ask(fmt.Sprintf("Quick question again: what do the articles say about %s? Thanks.", t.Topic))
	return notes, err
}

// checkOrder asks for the ticket's order status; the wasteful variant
// polls until the order is delivered, statusPolls times at most.
func (w *worker) checkOrder(ctx context.Context, t Ticket) (_ string, err error) {
	ctx, span := instrumentation.StartAgent(ctx, "order-checker")
	defer endSpan(span, &err)
	polls := 1
	if w.wasteful() {
		polls = statusPolls
	}
	var status string
	for range polls {
		res, err := w.c.Gemini.Models.GenerateContent(ctx, w.m.OrderChecker,
			genai.Text(fmt.Sprintf("Ticket %s from %s: %s\nWhat is the status of order %s?", t.ID, t.Customer, t.Text, t.Order)),
			&genai.GenerateContentConfig{SystemInstruction: genai.NewContentFromText(
				"You are the order checker. You look up orders in the order system and report their status in one sentence.", genai.RoleUser)})
		if err != nil {
			return "", fmt.Errorf("check order %s: %w", t.Order, err)
		}
		status = res.Text()
		if strings.Contains(strings.ToLower(status), "delivered") {
			break
		}
	}
	return status, nil
}

// write drafts the reply; the wasteful variant stamps the time at the head
// of its system prompt, re-sends the whole conversation every turn and
// starts with a max_tokens too small for a reply.
func (w *worker) write(ctx context.Context, t Ticket, category, notes, status string) (_ string, err error) {
	ctx, span := instrumentation.StartAgent(ctx, "writer")
	defer endSpan(span, &err)
	request := openai.UserMessage(fmt.Sprintf("Ticket %s (%s) from %s.\nResearch notes: %s\nOrder status: %s\nWrite the reply to %s about: %s",
		t.ID, category, t.Customer, oneLine(notes), oneLine(status), t.Customer, t.Text))
	limit := int64(optimizedWriterMaxTokens)
	if w.wasteful() {
		limit = wastefulWriterMaxTokens
	}
	for {
		system := styleGuide
		if w.wasteful() {
			system = "Current time: " + time.Now().UTC().Format(time.RFC3339Nano) + "\n" + styleGuide
		}
		msgs := []openai.ChatCompletionMessageParamUnion{openai.SystemMessage(system)}
		if w.wasteful() {
			msgs = append(msgs, w.history...)
		}
		msgs = append(msgs, request)
		out, err := w.c.OpenAI.Chat.Completions.New(ctx, openai.ChatCompletionNewParams{
			Model: w.m.Writer, Messages: msgs, MaxTokens: openai.Int(limit),
		})
		if err != nil {
			return "", fmt.Errorf("write: %w", err)
		}
		if len(out.Choices) == 0 {
			return "", fmt.Errorf("write: the model returned no choices")
		}
		ch := out.Choices[0]
		if ch.FinishReason == "length" && limit < optimizedWriterMaxTokens {
			limit = optimizedWriterMaxTokens // retry the whole request with room for the reply
			continue
		}
		if w.wasteful() {
			w.history = append(w.history, request, openai.AssistantMessage(ch.Message.Content))
		}
		return ch.Message.Content, nil
	}
}

// review approves the draft; the wasteful variant pastes the whole product
// catalog into the request.
func (w *worker) review(ctx context.Context, draft string) (err error) {
	ctx, span := instrumentation.StartAgent(ctx, "reviewer")
	defer endSpan(span, &err)
	var req strings.Builder
	req.WriteString("Draft reply: " + oneLine(draft) + "\n")
	if w.wasteful() {
		req.WriteString(catalog + "\n")
	}
	req.WriteString("Review the draft reply for tone, accuracy and policy compliance; answer APPROVED or list the changes.")
	// The reviewer streams, as a UI showing the verdict as it comes would.
	stream := w.c.Anthropic.Messages.NewStreaming(ctx, anthropic.MessageNewParams{
		Model: anthropic.Model(w.m.Reviewer), MaxTokens: 512,
		System: []anthropic.TextBlockParam{{Text: "You are the reviewer of the customer operations team. " +
			"You check reply drafts before they are sent."}},
		Messages: []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(req.String()))},
	})
	defer func() { _ = stream.Close() }() // stream.Err reports what went wrong while reading
	var msg anthropic.Message
	for stream.Next() {
		if err := msg.Accumulate(stream.Current()); err != nil {
			return fmt.Errorf("review: %w", err)
		}
	}
	if err := stream.Err(); err != nil {
		return fmt.Errorf("review: %w", err)
	}
	_, err = anthropicText(&msg)
	return err
}

// translate puts the reply into the customer's language.
func (w *worker) translate(ctx context.Context, t Ticket, draft string) (_ string, err error) {
	ctx, span := instrumentation.StartAgent(ctx, "translator")
	defer endSpan(span, &err)
	// The translator streams too, so both streaming dialects are exercised.
	var out strings.Builder
	for res, err := range w.c.Gemini.Models.GenerateContentStream(ctx, w.m.Translator, genai.Text(oneLine(draft)),
		&genai.GenerateContentConfig{SystemInstruction: genai.NewContentFromText(
			"Translate the reply into "+t.Language+". Output only the translation.", genai.RoleUser)}) {
		if err != nil {
			return "", fmt.Errorf("translate: %w", err)
		}
		out.WriteString(res.Text())
	}
	return out.String(), nil
}

func anthropicText(msg *anthropic.Message) (string, error) {
	var b strings.Builder
	for _, c := range msg.Content {
		b.WriteString(c.Text)
	}
	if b.Len() == 0 {
		return "", fmt.Errorf("the model returned no text")
	}
	return b.String(), nil
}

// oneLine joins a multi-line answer into one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

func endSpan(span trace.Span, err *error) {
	if *err != nil {
		span.RecordError(*err)
		span.SetStatus(codes.Error, (*err).Error())
	}
	span.End()
}
