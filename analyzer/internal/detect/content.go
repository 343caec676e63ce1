package detect

import (
	"fmt"
	"strings"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
)

// Message is one chat message of a call's content as detectors read it:
// the texts of its parts kept apart, so that detectors can reason about
// individual context blocks.
type Message struct {
	// Role is the message role ("system", "user", "assistant", "tool", …).
	Role string
	// Parts are the texts of the message's parts (genai.Part.Text): text
	// content, tool-call arguments and tool-call responses (as raw JSON
	// when structured).
	Parts []string
	// FinishReason is the output message's finish_reason, if any.
	FinishReason string
}

// Text returns the parts joined by newlines.
func (m Message) Text() string { return strings.Join(m.Parts, "\n") }

// ParseMessages reads a gen_ai.input.messages or gen_ai.output.messages
// value with genai.ParseMessages. An empty value gives no messages and no
// error; content genai cannot read comes back as text with the error, so
// none is lost.
func ParseMessages(value string) ([]Message, error) {
	msgs, err := genai.ParseMessages(value)
	if msgs == nil {
		return nil, wrap(err)
	}
	out := make([]Message, 0, len(msgs))
	for _, m := range msgs {
		out = append(out, Message{Role: m.Role, Parts: texts(m.Parts), FinishReason: m.FinishReason})
	}
	return out, wrap(err)
}

// ParseSystem reads gen_ai.system_instructions into its part texts.
func ParseSystem(value string) ([]string, error) {
	parts, err := genai.ParseParts(value)
	return texts(parts), wrap(err)
}

// texts returns the non-empty texts of parts.
func texts(parts []genai.Part) []string {
	var out []string
	for _, p := range parts {
		if t := p.Text(); t != "" {
			out = append(out, t)
		}
	}
	return out
}

func wrap(err error) error {
	if err != nil {
		return fmt.Errorf("parse content: %w", err)
	}
	return nil
}
