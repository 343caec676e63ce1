package chserver

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"net/url"
)

// account is a configured user as the authenticator keeps it: digests, so
// comparisons take the same time whatever the lengths.
type account struct {
	name, password [sha256.Size]byte
	role           Role
}

// authenticator checks a request's credentials against the configured
// users.
type authenticator struct {
	accounts []account
}

func newAuthenticator(users []User) authenticator {
	a := authenticator{accounts: make([]account, len(users))}
	for i, u := range users {
		a.accounts[i] = account{name: sha256.Sum256([]byte(u.Name)), password: sha256.Sum256([]byte(u.Password)), role: u.Role}
	}
	return a
}

// check returns the role of the request's user. It compares every account
// in constant time, so neither names nor passwords nor which account
// matched leak through timing, and never echoes what the client sent.
func (a authenticator) check(r *http.Request, values url.Values) (Role, error) {
	user, password, ok := credentials(r, values)
	if !ok {
		return 0, newException(codeAuthenticationFailed, http.StatusUnauthorized,
			"Authentication failed: this server requires a user name and password (basic auth, X-ClickHouse-User/X-ClickHouse-Key headers, or user/password parameters); the collector writes them under its data directory's credentials/")
	}
	u := sha256.Sum256([]byte(user))
	p := sha256.Sum256([]byte(password))
	var role Role
	for _, acc := range a.accounts {
		match := subtle.ConstantTimeCompare(u[:], acc.name[:]) & subtle.ConstantTimeCompare(p[:], acc.password[:])
		role = Role(subtle.ConstantTimeSelect(match, int(acc.role), int(role)))
	}
	if role == 0 {
		return 0, newException(codeAuthenticationFailed, http.StatusUnauthorized,
			"Authentication failed: password is incorrect, or there is no user with such name")
	}
	return role, nil
}
