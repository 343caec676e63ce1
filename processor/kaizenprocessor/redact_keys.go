package kaizenprocessor

import (
	"strings"
	"unsafe"
)

// keyPrefix describes a credential format: a literal prefix followed by at
// least minLen token characters.
type keyPrefix struct {
	prefix string
	minLen int
}

// keyPrefixes are common API key formats (OpenAI/Anthropic/OpenRouter sk-,
// Stripe, AWS access keys, GitHub, Slack, Google, GitLab, Hugging Face,
// Groq, xAI).
var keyPrefixes = []keyPrefix{
	{"sk-", 16}, {"sk_live_", 16}, {"sk_test_", 16}, {"rk_live_", 16}, {"rk_test_", 16},
	{"AKIA", 16}, {"ASIA", 16},
	{"ghp_", 30}, {"gho_", 30}, {"ghu_", 30}, {"ghs_", 30}, {"ghr_", 30}, {"github_pat_", 20},
	{"xoxb-", 10}, {"xoxp-", 10}, {"xoxa-", 10}, {"xoxr-", 10}, {"xoxs-", 10}, {"xapp-", 10},
	{"AIza", 30}, {"glpat-", 20}, {"hf_", 30}, {"gsk_", 30}, {"xai-", 30},
}

// keyByFirst indexes keyPrefixes by first byte so a candidate costs a few
// prefix comparisons.
var keyByFirst [256][]keyPrefix

// specialKeyStarts are the formats keyAt matches besides keyPrefixes: JWT
// "eyJ", "-----BEGIN", "Bearer "/"bearer "/"Basic ".
var specialKeyStarts = []string{"eyJ", "-----BEGIN", "Bearer ", "bearer ", "Basic "}

// keyCand is the bitmap findKeys tests at every byte, indexed by keyIndex:
// a bit is set for a ':' or '=' (a secret-named key=value pair may end
// there), and for the first two bytes of a credential format (keyPrefixes,
// specialKeyStarts) when the byte before them is not a token byte. keyAt or
// secretValue then decide.
var keyCand [1 << 17 / 64]uint64

// keyIndex is the keyCand index of byte c followed by next, after a token
// byte when prevTok is 1<<16 (tokBit of that byte).
func keyIndex(prevTok uint32, c, next byte) uint32 { return prevTok | uint32(next)<<8 | uint32(c) }

// tokBit is 1<<16 for token bytes (ASCII letters, digits, '-', '_'), the
// form keyIndex takes.
var tokBit [256]uint32

func init() {
	setCand := func(v uint32) { keyCand[v>>6] |= 1 << (v & 63) }
	addStart := func(p string) { setCand(keyIndex(0, p[0], p[1])) }
	for _, k := range keyPrefixes {
		keyByFirst[k.prefix[0]] = append(keyByFirst[k.prefix[0]], k)
		addStart(k.prefix)
	}
	for _, p := range specialKeyStarts {
		addStart(p)
	}
	for _, sep := range []byte{'=', ':'} {
		for next := range 256 {
			setCand(keyIndex(0, sep, byte(next)))
			setCand(keyIndex(1<<16, sep, byte(next)))
		}
	}
	for c := range 256 {
		if isTokenByte(byte(c)) {
			tokBit[c] = 1 << 16
		}
	}
}

// secretNames are key names whose values are secrets in key=value or
// "key": "value" text.
var secretNames = []string{"api_key", "apikey", "api-key", "secret", "token", "password", "passwd", "pwd", "access_key", "private_key", "authorization", "auth"}

func isTokenByte(c byte) bool { return tokenByte[c] }

// tokenByte marks ASCII letters, digits, '-' and '_'.
var tokenByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		b := byte(c)
		t[c] = isAlnumByte(b) || b == '-' || b == '_'
	}
	return t
}()

// findKeys finds API keys, JWTs, PEM private keys, bearer tokens and the
// values of secret-named key=value pairs. It is one pass without
// data-dependent branches in the common case: each byte, its successor and
// whether the byte before is a token byte index the keyCand bitmap, set
// only at '=' or ':' and at a token run start whose first two bytes can
// begin a credential (then keyAt or secretValue decide).
func findKeys(s string, ms []match) []match {
	prevTok := uint32(0)
	p := unsafe.Pointer(unsafe.StringData(s))
	for i := 0; i+1 < len(s); i++ {
		c, next := *(*byte)(unsafe.Add(p, i)), *(*byte)(unsafe.Add(p, i+1)) // i+1 < len(s)
		v := keyIndex(prevTok, c, next)
		prevTok = tokBit[c]
		if keyCand[(v>>6)%uint32(len(keyCand))]&(1<<(v&63)) == 0 {
			continue
		}
		if c == '=' || c == ':' {
			ms = secretValue(s, i, ms)
			continue
		}
		if end := keyAt(s, i); end > i {
			ms = append(ms, match{i, end, presetAPIKey})
			i = end - 1
			prevTok = 0 // the byte after a credential starts a new run
		}
	}
	return ms
}

// keyAt returns the end of a credential starting at i, or i.
func keyAt(s string, i int) int {
	rest := s[i:]
	for _, k := range keyByFirst[s[i]] {
		if strings.HasPrefix(rest, k.prefix) {
			end := i + len(k.prefix)
			for end < len(s) && isTokenByte(s[end]) {
				end++
			}
			if end-i-len(k.prefix) >= k.minLen {
				return end
			}
		}
	}
	switch {
	case strings.HasPrefix(rest, "eyJ"):
		return jwtEnd(s, i)
	case strings.HasPrefix(rest, "-----BEGIN") && strings.Contains(rest[:min(len(rest), 64)], "PRIVATE KEY-----"):
		if e := strings.Index(rest, "-----END"); e > 0 {
			if f := strings.Index(rest[e+8:], "-----"); f >= 0 {
				return i + e + 8 + f + 5
			}
		}
		return len(s) // unterminated key block: redact the rest
	case strings.HasPrefix(rest, "Bearer ") || strings.HasPrefix(rest, "bearer ") || strings.HasPrefix(rest, "Basic "):
		start := i + strings.IndexByte(rest, ' ') + 1
		end := start
		for end < len(s) && (isTokenByte(s[end]) || strings.IndexByte("._~+/=", s[end]) >= 0) {
			end++
		}
		if end-start >= 16 {
			return end
		}
	}
	return i
}

// jwtEnd matches header.payload[.signature] of base64url segments.
func jwtEnd(s string, i int) int {
	end, dots := i, 0
	for end < len(s) && (isTokenByte(s[end]) || s[end] == '.') {
		if s[end] == '.' {
			dots++
		}
		end++
	}
	if dots >= 2 && end-i >= 30 {
		return end
	}
	return i
}

// secretValue handles a ':' or '=' at i: if the preceding name is a secret
// name, the following value is redacted.
func secretValue(s string, i int, ms []match) []match {
	j := i
	for j > 0 && (s[j-1] == '"' || s[j-1] == '\'' || s[j-1] == ' ') {
		j--
	}
	k := j
	for k > 0 && isTokenByte(s[k-1]) {
		k--
	}
	if k == j || j-k > 32 || !isSecretName(s[k:j]) {
		return ms
	}
	v := i + 1
	for v < len(s) && (s[v] == ' ' || s[v] == '"' || s[v] == '\'') {
		v++
	}
	if strings.HasPrefix(s[v:], "Bearer ") || strings.HasPrefix(s[v:], "Basic ") {
		v += strings.IndexByte(s[v:], ' ') + 1
	}
	end := v
	for end < len(s) && strings.IndexByte(" \t\r\n\"',;&}]\\", s[end]) < 0 {
		end++
	}
	if end-v >= 8 {
		ms = append(ms, match{v, end, presetAPIKey})
	}
	return ms
}

// isSecretName reports whether name ends with a secret name, in any case.
func isSecretName(name string) bool {
	if name == "" || !secretLast[name[len(name)-1]] {
		return false // the common case: one table lookup
	}
	for _, n := range secretNames {
		if len(name) >= len(n) && strings.EqualFold(name[len(name)-len(n):], n) {
			return true
		}
	}
	return false
}

// secretLast marks the last bytes of secretNames, both cases.
var secretLast = func() (t [256]bool) {
	for _, n := range secretNames {
		c := n[len(n)-1]
		t[c] = true
		t[c&^0x20] = true // the upper-case letter
	}
	return t
}()
