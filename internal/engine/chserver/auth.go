package chserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
)

// authenticator checks a request's credentials against the configured ones.
type authenticator struct {
	required bool
	user     [sha256.Size]byte
	password [sha256.Size]byte
}

func newAuthenticator(cfg Config) authenticator {
	return authenticator{
		required: cfg.authRequired(),
		user:     sha256.Sum256([]byte(cfg.Username)),
		password: sha256.Sum256([]byte(cfg.Password)),
	}
}

// check returns nil when the request may run. It compares fixed-size
// digests in constant time so neither the values nor their lengths leak
// through timing, and never echoes what the client sent.
func (a authenticator) check(r *http.Request, values url.Values) error {
	if !a.required {
		return nil
	}
	user, password, ok := credentials(r, values)
	if !ok {
		return newException(codeAuthenticationFailed, http.StatusUnauthorized,
			"Authentication failed: this server requires a user name and password (basic auth, X-ClickHouse-User/X-ClickHouse-Key headers, or user/password parameters)")
	}
	return a.checkUser(user, password)
}

// checkUser compares a user name and password with the configured ones
// (the native protocol's hello carries them). Callers check required first.
func (a authenticator) checkUser(user, password string) error {
	u := sha256.Sum256([]byte(user))
	p := sha256.Sum256([]byte(password))
	userOK := subtle.ConstantTimeCompare(u[:], a.user[:])
	passOK := subtle.ConstantTimeCompare(p[:], a.password[:])
	if userOK&passOK != 1 {
		return newException(codeAuthenticationFailed, http.StatusUnauthorized,
			"Authentication failed: password is incorrect, or there is no user with such name")
	}
	return nil
}
