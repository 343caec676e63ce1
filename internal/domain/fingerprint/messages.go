package fingerprint

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"
)

// Message is one chat message reduced to what fingerprints need: its role
// and the text of all its parts (text, tool-call arguments, tool results)
// joined by newlines.
type Message struct {
	// Role is the message role ("system", "user", "assistant", "tool", …).
	Role string
	// Text is the concatenated textual content.
	Text string
}

// ParseMessages decodes a gen_ai.input.messages or gen_ai.output.messages
// value. It accepts the semconv shape
// ([{"role":"user","parts":[{"type":"text","content":"…"}]}]), the older
// OpenAI shape ([{"role":"user","content":"…"}] with string or part-array
// content), a single message object, and an array of plain strings. A value
// that is not JSON is returned as one message with the whole value as text,
// together with an error saying why.
func ParseMessages(value string) ([]Message, error) {
	p := &scanner{s: value}
	var msgs []Message
	var err error
	switch p.peek() {
	case '[':
		err = p.container(func(string) error {
			m, err := p.message()
			if err == nil && (m.Role != "" || m.Text != "") {
				msgs = append(msgs, m)
			}
			return err
		})
	case '{':
		var m Message
		m, err = p.message()
		msgs = append(msgs, m)
	default:
		if strings.TrimSpace(value) == "" {
			return nil, nil
		}
		return []Message{{Text: value}}, fmt.Errorf("parse messages: not a JSON array or object")
	}
	if err == nil && p.peek() != 0 {
		err = errSyntax
	}
	if err != nil {
		return []Message{{Text: value}}, fmt.Errorf("parse messages at byte %d: %w", p.i, err)
	}
	return msgs, nil
}

// ParseSystemInstructions decodes a gen_ai.system_instructions value (an
// array of parts, a single part, a message array, or plain text) into text.
// Non-JSON input is returned as-is with an error.
func ParseSystemInstructions(value string) (string, error) {
	msgs, err := ParseMessages(value)
	if len(msgs) == 1 {
		return msgs[0].Text, err
	}
	parts := make([]string, 0, len(msgs))
	for _, m := range msgs {
		if m.Text != "" {
			parts = append(parts, m.Text)
		}
	}
	return strings.Join(parts, "\n"), err
}

// message reads one array element: an object with role and content, or a
// bare string.
func (p *scanner) message() (Message, error) {
	var m Message
	var b textBuf
	if p.peek() != '{' {
		err := p.text(&b, false)
		m.Text = b.String()
		return m, err
	}
	err := p.container(func(key string) error {
		if key == "role" && p.peek() == '"' {
			r, err := p.str()
			m.Role = r
			return err
		}
		if isTextKey(key) {
			return p.text(&b, false)
		}
		_, err := p.skip()
		return err
	})
	m.Text = b.String()
	return m, err
}

// isTextKey lists the keys whose values carry content.
func isTextKey(key string) bool {
	switch key {
	case "content", "text", "parts", "arguments", "response", "result", "tool_calls", "function_call", "function", "input", "output":
		return true
	}
	return false
}

// text appends the textual content of the value at the cursor to b.
// Strings are appended; arrays and objects are walked; for tool arguments
// and results given as JSON objects (raw=true) the raw JSON is appended.
func (p *scanner) text(b *textBuf, raw bool) error {
	switch p.peek() {
	case '"':
		s, err := p.str()
		b.add(s)
		return err
	case '[', '{':
		if raw {
			s, err := p.skip()
			b.add(s)
			return err
		}
		return p.container(func(key string) error {
			switch {
			case key == "" || key == "name" || isTextKey(key):
				return p.text(b, key == "arguments" || key == "response" || key == "result" || key == "input" || key == "output")
			default:
				_, err := p.skip()
				return err
			}
		})
	default:
		_, err := p.skip() // numbers, booleans, null
		return err
	}
}

// textBuf joins text pieces with newlines. A single piece (the common
// case) is kept as a substring of the input, without copying.
type textBuf struct {
	first string
	b     []byte
	n     int
}

func (t *textBuf) add(s string) {
	if s == "" {
		return
	}
	switch t.n {
	case 0:
		t.first = s
	case 1:
		t.b = append(append(append(make([]byte, 0, len(t.first)+1+len(s)), t.first...), '\n'), s...)
	default:
		t.b = append(append(t.b, '\n'), s...)
	}
	t.n++
}

func (t *textBuf) String() string {
	if t.n <= 1 {
		return t.first
	}
	return string(t.b)
}

// Set holds the fingerprints of one prompt. A zero field means "absent"
// (no system prompt, no reusable prefix, empty prompt).
type Set struct {
	// Prompt is the exact hash of the canonical prompt: system text and
	// every input message with its role (kaizen.prompt.hash).
	Prompt uint64
	// SimHash is the 64-bit SimHash of the same canonical prompt
	// (kaizen.prompt.simhash).
	SimHash uint64
	// System is the exact hash of the canonical system instructions
	// (kaizen.system.hash).
	System uint64
	// Prefix is the hash of the byte-exact stable prefix: system text and all
	// messages before the last user message — the part a provider's prompt
	// cache could reuse (kaizen.prefix.hash). Byte-exact because provider
	// caches match bytes, not canonical text.
	Prefix uint64
	// PrefixBytes is the length of the stable prefix text in bytes.
	PrefixBytes int
}

// FromAttributes computes all fingerprints from the values of
// gen_ai.system_instructions and gen_ai.input.messages (either may be
// empty). Malformed JSON is fingerprinted as plain text; the returned error
// says so while the Set is still valid.
func FromAttributes(systemInstructions, inputMessages string) (Set, error) {
	sys, err1 := ParseSystemInstructions(systemInstructions)
	msgs, err2 := ParseMessages(inputMessages)
	set := Compute(sys, msgs)
	switch {
	case err1 != nil:
		return set, fmt.Errorf("system instructions: %w", err1)
	case err2 != nil:
		return set, fmt.Errorf("input messages: %w", err2)
	}
	return set, nil
}

// bufPool holds the buffers Compute builds canonical prompts in. A buffer
// is used only inside one Compute call (the results are integers), so
// reuse is safe from any goroutine.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 4096); return &b }}

// maxPooledBuf bounds the buffers returned to the pool, so one huge prompt
// does not pin its memory.
const maxPooledBuf = 1 << 20

// Compute computes the fingerprints of a system text and input messages.
// When system is empty, leading messages with role "system" or "developer"
// are used as the system instructions.
func Compute(system string, msgs []Message) Set {
	if system == "" {
		var parts []string
		for len(msgs) > 0 && (msgs[0].Role == "system" || msgs[0].Role == "developer") {
			parts = append(parts, msgs[0].Text)
			msgs = msgs[1:]
		}
		system = strings.Join(parts, "\n")
	}
	bp := bufPool.Get().(*[]byte)
	// full is the canonical prompt: canonical system text, then for every
	// message "\n" + lower-case role + ": " + canonical text.
	full := appendCanonical((*bp)[:0], system)
	sysLen := len(full)
	for _, m := range msgs {
		full = append(full, '\n')
		full = append(full, strings.ToLower(m.Role)...)
		full = append(full, ": "...)
		full = appendCanonical(full, m.Text)
	}
	var set Set
	if sysLen > 0 {
		set.System = xxhash.Sum64(full[:sysLen])
	}
	if len(bytes.TrimSpace(full)) > 0 {
		set.Prompt = xxhash.Sum64(full)
		set.SimHash = simHashCanonical(full)
	}
	if cap(full) <= maxPooledBuf {
		*bp = full[:0]
		bufPool.Put(bp)
	}
	lastUser := -1
	for i, m := range msgs {
		if m.Role == "user" {
			lastUser = i
		}
	}
	if lastUser < 0 {
		lastUser = len(msgs) - 1
	}
	if system != "" || lastUser > 0 {
		var d xxhash.Digest
		d.Reset()
		n, _ := d.WriteString(system)
		for _, m := range msgs[:max(lastUser, 0)] {
			d.WriteString("\x00")
			d.WriteString(m.Role)
			d.WriteString("\x00")
			d.WriteString(m.Text)
			n += len(m.Role) + 2 + len(m.Text)
		}
		set.Prefix, set.PrefixBytes = d.Sum64(), n
	}
	return set
}
