package kaizenprocessor

import "strings"

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

// keyStart marks the first bytes of the credential formats keyAt knows
// (keyPrefixes, JWT "eyJ", "-----BEGIN", "Bearer ", "bearer ", "Basic "),
// so most words cost one table lookup.
var keyStart = func() (t [256]bool) {
	for _, k := range keyPrefixes {
		t[k.prefix[0]] = true
	}
	for _, c := range "e-Bb" {
		t[c] = true
	}
	return t
}()

// findCredentials finds API keys, JWTs, PEM private keys, bearer tokens,
// the values of secret-named key=value pairs and the passwords of URLs
// (scheme://user:password@host).
func findCredentials(s string, ms []match) []match {
	prevTok := false // the byte before i is a token byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '=' || c == ':':
			ms = secretValue(s, i, ms)
			if c == ':' {
				ms = urlPassword(s, i, ms)
			}
		case keyStart[c] && !prevTok:
			if end := keyAt(s, i); end > i {
				ms = append(ms, match{i, end, presetAPIKey})
				i = end - 1
				prevTok = false // the byte after a credential starts a new run
				continue
			}
		}
		prevTok = isTokenByte(c)
	}
	return ms
}

func isTokenByte(c byte) bool { return isAlnumByte(c) || c == '-' || c == '_' }

// keyAt returns the end of a credential starting at i, or i.
func keyAt(s string, i int) int {
	rest := s[i:]
	for _, k := range keyPrefixes {
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
// name, the following value is redacted. Quotes, spaces and the
// backslashes of JSON-escaped quotes may surround the separator.
func secretValue(s string, i int, ms []match) []match {
	j := i
	for j > 0 && strings.IndexByte(`"' \`, s[j-1]) >= 0 {
		j--
	}
	k := j
	for k > 0 && isTokenByte(s[k-1]) {
		k--
	}
	if k == j || j-k > 32 {
		return ms
	}
	minLen, ok := secretName(s[k:j])
	if !ok {
		return ms
	}
	v := i + 1
	for v < len(s) && strings.IndexByte(`"' \`, s[v]) >= 0 {
		v++
	}
	if strings.HasPrefix(s[v:], "Bearer ") || strings.HasPrefix(s[v:], "Basic ") {
		v += strings.IndexByte(s[v:], ' ') + 1
	}
	end := v
	for end < len(s) && strings.IndexByte(" \t\r\n\"',;&}]\\", s[end]) < 0 {
		end++
	}
	if end-v >= minLen {
		ms = append(ms, match{v, end, presetAPIKey})
	}
	return ms
}

// secretNames are the names whose values are secrets in key=value,
// key: value and "key": "value" text, matched at the end of the name in
// any case ("AccountKey", "x-api-key", "client_secret"), with the shortest
// value taken for a secret: 8 bytes, or one for passwords.
var secretNames = []struct {
	name   string
	minLen int
}{
	{"api_key", 8}, {"apikey", 8}, {"api-key", 8}, {"access_key", 8}, {"accesskey", 8}, {"accountkey", 8},
	{"private_key", 8}, {"secret", 8}, {"token", 8}, {"authorization", 8}, {"auth", 8},
	{"password", 1}, {"passwd", 1}, {"pwd", 1},
}

// secretName reports whether name ends with a secret name (or is "key",
// as in ?key=… and connection strings), and the shortest secret value.
func secretName(name string) (minLen int, ok bool) {
	if strings.EqualFold(name, "key") {
		return 8, true
	}
	for _, n := range secretNames {
		if len(name) >= len(n.name) && strings.EqualFold(name[len(name)-len(n.name):], n.name) {
			return n.minLen, true
		}
	}
	return 0, false
}

// urlPassword handles a ':' at i that starts "://": the password of a
// URL's user information (postgres://user:password@host) is redacted.
func urlPassword(s string, i int, ms []match) []match {
	if !strings.HasPrefix(s[i:], "://") {
		return ms
	}
	start := i + 3
	end := start
	for end < len(s) && strings.IndexByte("/?#\"'<>\\ \t\r\n", s[end]) < 0 {
		end++
	}
	at := strings.LastIndexByte(s[start:end], '@')
	if at < 0 {
		return ms
	}
	colon := strings.IndexByte(s[start:start+at], ':')
	if colon < 0 || colon+1 == at {
		return ms
	}
	return append(ms, match{start + colon + 1, start + at, presetAPIKey})
}

// secretKeys are attribute key endings (any case) that name a credential:
// the whole value of such an attribute is redacted (HTTP and gRPC headers
// such as http.request.header.authorization, deployment.token, db.password).
var secretKeys = []string{
	"authorization", "api_key", "apikey", "api-key", "access_key", "accesskey", "private_key",
	"secret", "password", "passwd", "token", "cookie", "credential", "credentials",
}

// isSecretKey reports whether the attribute key k names a credential.
func isSecretKey(k string) bool {
	if k == "" || !secretKeyLast[k[len(k)-1]] {
		return false // most keys: one table lookup
	}
	for _, n := range secretKeys {
		if len(k) >= len(n) && strings.EqualFold(k[len(k)-len(n):], n) {
			return true
		}
	}
	return false
}

// secretKeyLast marks the last bytes of secretKeys, both cases.
var secretKeyLast = func() (t [256]bool) {
	for _, n := range secretKeys {
		c := n[len(n)-1]
		t[c] = true
		t[c&^0x20] = true // the upper-case letter
	}
	return t
}()
