package detect

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/kaizenhq/kaizen/internal/domain/fingerprint"
)

// Message is one chat message of a call's content with its parts kept
// apart, so that detectors can reason about individual context blocks.
type Message struct {
	// Role is the message role ("system", "user", "assistant", "tool", …).
	Role string
	// Parts are the texts of the message's parts: text content, tool-call
	// arguments and tool-call responses (as raw JSON when structured).
	Parts []string
	// FinishReason is the output message's finish_reason, if any.
	FinishReason string
}

// Text returns the parts joined by newlines.
func (m Message) Text() string { return strings.Join(m.Parts, "\n") }

// semconvMessage is the OTel GenAI semconv message shape.
type semconvMessage struct {
	Role         string          `json:"role"`
	Parts        []semconvPart   `json:"parts"`
	Content      json.RawMessage `json:"content"`
	FinishReason string          `json:"finish_reason"`
}

// semconvPart is one part: text, tool_call, tool_call_response, reasoning…
type semconvPart struct {
	Type      string          `json:"type"`
	Content   json.RawMessage `json:"content"`
	Arguments json.RawMessage `json:"arguments"`
	Response  json.RawMessage `json:"response"`
	Result    json.RawMessage `json:"result"`
	Name      string          `json:"name"`
}

// ParseMessages decodes a gen_ai.input.messages or gen_ai.output.messages
// value into messages with separate parts. It accepts the semconv shape
// ([{"role":…,"parts":[…]}]) and, through fingerprint.ParseMessages, every
// older shape that package reads (one part per message). An empty value
// gives no messages and no error. Malformed JSON gives the whole value as
// one part of one message together with an error, so no content is lost.
func ParseMessages(value string) ([]Message, error) {
	if strings.TrimSpace(value) == "" {
		return nil, nil
	}
	var raw []semconvMessage
	if err := json.Unmarshal([]byte(value), &raw); err == nil && hasParts(raw) {
		out := make([]Message, 0, len(raw))
		for _, m := range raw {
			msg := Message{Role: m.Role, FinishReason: m.FinishReason}
			for _, p := range m.Parts {
				if t := p.text(); t != "" {
					msg.Parts = append(msg.Parts, t)
				}
			}
			if len(msg.Parts) == 0 && len(m.Content) > 0 {
				msg.Parts = append(msg.Parts, rawText(m.Content))
			}
			out = append(out, msg)
		}
		return out, nil
	}
	msgs, err := fingerprint.ParseMessages(value)
	out := make([]Message, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, Message{Role: m.Role, Parts: []string{m.Text}})
	}
	if err != nil {
		return out, fmt.Errorf("parse content: %w", err)
	}
	return out, nil
}

// ParseSystem decodes gen_ai.system_instructions (an array of parts, a
// message array or plain text) into its part texts.
func ParseSystem(value string) ([]string, error) {
	if strings.TrimSpace(value) == "" {
		return nil, nil
	}
	var parts []semconvPart
	if err := json.Unmarshal([]byte(value), &parts); err == nil {
		var out []string
		for _, p := range parts {
			if t := p.text(); t != "" {
				out = append(out, t)
			}
		}
		if len(out) > 0 || len(parts) == 0 {
			return out, nil
		}
	}
	msgs, err := ParseMessages(value)
	var out []string
	for _, m := range msgs {
		out = append(out, m.Parts...)
	}
	return out, err
}

// hasParts reports whether decoded messages use the semconv parts shape
// (at least one message with parts, or an empty array).
func hasParts(msgs []semconvMessage) bool {
	if len(msgs) == 0 {
		return true
	}
	for _, m := range msgs {
		if m.Parts != nil {
			return true
		}
	}
	return false
}

// text returns the part's textual payload.
func (p semconvPart) text() string {
	for _, r := range []json.RawMessage{p.Content, p.Arguments, p.Response, p.Result} {
		if len(r) > 0 && string(r) != "null" {
			return rawText(r)
		}
	}
	return ""
}

// rawText returns a JSON string's value, or the raw JSON of anything else.
func rawText(r json.RawMessage) string {
	var s string
	if json.Unmarshal(r, &s) == nil {
		return s
	}
	return string(r)
}
