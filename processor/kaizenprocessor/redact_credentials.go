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

// minKeyWord is the shortest token run that can be a keyPrefixes
// credential (prefix plus minLen), so shorter words skip the prefix list.
var minKeyWord = func() int {
	n := len(keyPrefixes[0].prefix) + keyPrefixes[0].minLen
	for _, k := range keyPrefixes {
		n = min(n, len(k.prefix)+k.minLen)
	}
	return n
}()

// findCredentials finds API keys, JWTs, PEM private keys, bearer tokens,
// the values of secret-named key=value pairs and the passwords of URLs
// (scheme://user:password@host). Credentials start a run of token bytes,
// so the text is read a run at a time.
func findCredentials(s string, ms []match) []match {
	for i := 0; i < len(s); {
		c := s[i]
		if !isTokenByte(c) {
			if c == '=' || c == ':' {
				ms = secretValue(s, i, ms)
				if c == ':' {
					ms = urlPassword(s, i, ms)
				}
			}
			i++
			continue
		}
		end := i + 1
		for end < len(s) && isTokenByte(s[end]) {
			end++
		}
		if k := keyAt(s, i, end); k > i {
			ms = append(ms, match{i, k, presetAPIKey})
			end = k // the byte after a credential starts a new run
		}
		i = end
	}
	return ms
}

func isTokenByte(c byte) bool { return isAlnumByte(c) || c == '-' || c == '_' }

// keyAt returns the end of a credential starting at the token run
// s[i:end], or i.
func keyAt(s string, i, end int) int {
	word := s[i:end]
	if len(word) >= minKeyWord {
		for _, k := range keyPrefixes {
			if len(word)-len(k.prefix) >= k.minLen && strings.HasPrefix(word, k.prefix) {
				return end
			}
		}
	}
	switch word[0] {
	case 'e':
		if strings.HasPrefix(word, "eyJ") {
			return jwtEnd(s, i)
		}
	case '-':
		rest := s[i:]
		if !strings.HasPrefix(word, "-----BEGIN") || !strings.Contains(rest[:min(len(rest), 64)], "PRIVATE KEY-----") {
			return i
		}
		if e := strings.Index(rest, "-----END"); e > 0 {
			if f := strings.Index(rest[e+8:], "-----"); f >= 0 {
				return i + e + 8 + f + 5
			}
		}
		return len(s) // unterminated key block: redact the rest
	case 'B', 'b':
		if (word == "Bearer" || word == "bearer" || word == "Basic") && end < len(s) && s[end] == ' ' {
			start := end + 1
			end = start
			for end < len(s) && (isTokenByte(s[end]) || strings.IndexByte("._~+/=", s[end]) >= 0) {
				end++
			}
			if end-start >= 16 {
				return end
			}
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
	last := lowerASCII(name[len(name)-1])
	for _, n := range secretNames {
		if last == n.name[len(n.name)-1] && len(name) >= len(n.name) && strings.EqualFold(name[len(name)-len(n.name):], n.name) {
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
	if k == "" {
		return false
	}
	last := lowerASCII(k[len(k)-1]) // most keys fail this cheap test for every name
	for _, n := range secretKeys {
		if last == n[len(n)-1] && len(k) >= len(n) && strings.EqualFold(k[len(k)-len(n):], n) {
			return true
		}
	}
	return false
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
