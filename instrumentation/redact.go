package instrumentation

import (
	"net/http"
	"net/url"
	"strings"
)

// Redacted replaces every credential found in recorded text.
const Redacted = "[REDACTED]"

// credentialHeaders are the request headers whose values are credentials.
var credentialHeaders = []string{
	"Authorization", "Proxy-Authorization", "X-Api-Key", "X-Goog-Api-Key", "Api-Key",
	"Ocp-Apim-Subscription-Key", "Cookie",
}

// credentialParams are the URL query parameters whose values are credentials.
var credentialParams = []string{"key", "api-key", "api_key", "apikey", "access_token", "token", "sig"}

// redactor holds the credential values of one request. Nothing this package
// records is read from headers or the URL query, but provider error messages
// and transport errors may echo them; every recorded string goes through
// apply.
type redactor struct {
	secrets []string
	// anchor[i] is the byte of secrets[i] searched for first: the first one
	// that is not a lower-case letter or a space, rare in prose.
	anchor []int
	// sub[i] is the index of a shorter secret contained in secrets[i]
	// ("tok" in "Bearer tok"), or -1: when it is absent, so is secrets[i].
	sub []int
}

func newRedactor(h http.Header, u *url.URL) redactor {
	var r redactor
	add := func(v string) {
		if v = strings.TrimSpace(v); len(v) >= 4 {
			r.secrets = append(r.secrets, v)
		}
	}
	for _, name := range credentialHeaders {
		for _, v := range h[name] { // the names are canonical: h.Values without the lookup cost
			add(v)
			if _, token, ok := strings.Cut(v, " "); ok {
				add(token) // "Bearer <token>", "Basic <token>"
			}
		}
	}
	if u != nil && u.RawQuery != "" {
		q := u.Query()
		for _, name := range credentialParams {
			for _, v := range q[name] {
				add(v)
				add(url.QueryEscape(v))
			}
		}
	}
	if len(r.secrets) == 0 {
		return r
	}
	idx := make([]int, 2*len(r.secrets))
	r.anchor, r.sub = idx[:len(r.secrets)], idx[len(r.secrets):]
	for i, s := range r.secrets {
		r.anchor[i] = 0
		for k := 0; k < len(s); k++ {
			if c := s[k]; c != ' ' && (c < 'a' || c > 'z') {
				r.anchor[i] = k
				break
			}
		}
		r.sub[i] = -1
		for j, t := range r.secrets {
			if len(t) < len(s) && strings.Contains(s, t) {
				r.sub[i] = j
				break
			}
		}
	}
	return r
}

// contains reports whether s contains secrets[k], searching first for its
// anchor byte with the vectorized strings.IndexByte.
func (r redactor) contains(s string, k int) bool {
	secret, a := r.secrets[k], r.anchor[k]
	c, tail := secret[a], len(secret)-a
	for i := a; i+tail <= len(s); {
		j := strings.IndexByte(s[i:len(s)-tail+1], c)
		if j < 0 {
			return false
		}
		if p := i + j - a; s[p:p+len(secret)] == secret {
			return true
		}
		i += j + 1
	}
	return false
}

// apply returns s with every credential replaced by Redacted, in the order
// the credentials were found. A secret is searched for only when the shorter
// secret it contains is present, so that "Bearer tok" and "tok" cost one
// scan of s when neither is there.
func (r redactor) apply(s string) string {
	var absent uint64 // secrets known to be absent from the current s
	present := func(k int) bool {
		if k < 64 && absent&(1<<k) != 0 {
			return false
		}
		if r.contains(s, k) {
			return true
		}
		if k < 64 {
			absent |= 1 << k
		}
		return false
	}
	for i, secret := range r.secrets {
		if j := r.sub[i]; j >= 0 && !present(j) {
			continue
		}
		if present(i) {
			s = strings.ReplaceAll(s, secret, Redacted)
			absent = 0 // s changed
		}
	}
	return s
}
