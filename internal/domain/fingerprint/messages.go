package fingerprint

import (
	"bytes"
	"fmt"
	"strings"
	"sync"

	"github.com/cespare/xxhash/v2"

	"github.com/kaizenhq/kaizen/internal/domain/genai"
)

// roleText is a message reduced to what fingerprints read.
type roleText struct{ Role, Text string }

// partsText joins the texts of system-instruction parts by newlines.
func partsText(parts []genai.Part) string {
	return genai.Message{Parts: parts}.NamedText()
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
// empty), read by genai.ParseMessages. Content it cannot read is
// fingerprinted as plain text; the returned error says so while the Set is
// still valid.
func FromAttributes(systemInstructions, inputMessages string) (Set, error) {
	sys, err1 := genai.ParseParts(systemInstructions)
	msgs, err2 := genai.ParseMessages(inputMessages)
	set := Compute(partsText(sys), msgs)
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
func Compute(system string, messages []genai.Message) Set {
	var local [8]roleText
	msgs := local[:0]
	for _, m := range messages {
		// A message with neither role nor text carries nothing to hash.
		if t := m.NamedText(); m.Role != "" || t != "" {
			msgs = append(msgs, roleText{m.Role, t})
		}
	}
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
