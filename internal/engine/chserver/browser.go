package chserver

import (
	"net"
	"net/http"
	"slices"
	"strings"
)

// hostCheck keeps browsers out: a request from a web page carries an
// Origin header (refused unless allowed: CSRF), and a page that rebinds its
// own name to 127.0.0.1 sends its name as Host (refused unless it is the
// bound address: DNS rebinding).
type hostCheck struct {
	origins []string
	hosts   []string // lower-case host names without port; nil accepts any
}

func newHostCheck(cfg Config) hostCheck {
	hc := hostCheck{origins: cfg.AllowedOrigins}
	host, _, err := net.SplitHostPort(cfg.Endpoint)
	if err != nil {
		return hc
	}
	ip := net.ParseIP(host)
	if ip != nil && ip.IsUnspecified() && len(cfg.AllowedHosts) == 0 {
		return hc // a deliberate wildcard bind is reached under many names
	}
	hc.hosts = append(hc.hosts, strings.ToLower(host))
	if ip != nil && ip.IsLoopback() || strings.EqualFold(host, "localhost") {
		hc.hosts = append(hc.hosts, "localhost", "127.0.0.1", "::1")
	}
	for _, h := range cfg.AllowedHosts {
		hc.hosts = append(hc.hosts, strings.ToLower(h))
	}
	return hc
}

// check returns an exception for a request a browser could have forged.
func (hc hostCheck) check(r *http.Request) *exception {
	if origin := r.Header.Get("Origin"); origin != "" && !slices.Contains(hc.origins, origin) {
		return newException(codeAccessDenied, http.StatusForbidden,
			"requests from web pages are refused (Origin %q is not in allowed_origins)", origin)
	}
	if hc.hosts == nil {
		return nil
	}
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(strings.ToLower(host), "[]")
	if !slices.Contains(hc.hosts, host) {
		return newException(codeAccessDenied, http.StatusForbidden,
			"Host %q is not this server's address (a DNS-rebinding page?); add it to allowed_hosts if it is yours", r.Host)
	}
	return nil
}
