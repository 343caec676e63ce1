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
}

func newRedactor(h http.Header, u *url.URL) redactor {
	var r redactor
	add := func(v string) {
		if v = strings.TrimSpace(v); len(v) >= 4 {
			r.secrets = append(r.secrets, v)
		}
	}
	for _, name := range credentialHeaders {
		for _, v := range h.Values(name) {
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
	return r
}

// apply returns s with every credential replaced by Redacted, in the order
// the credentials were found (so "Bearer tok" goes before "tok").
func (r redactor) apply(s string) string {
	for _, secret := range r.secrets {
		s = strings.ReplaceAll(s, secret, Redacted)
	}
	return s
}
