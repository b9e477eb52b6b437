package hub

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// parseOrigins checks and normalises the allow-list: each entry must be a
// serialised origin, scheme "://" host [":" port], with nothing else.
func parseOrigins(list []string) (map[string]bool, error) {
	set := make(map[string]bool, len(list))
	for _, o := range list {
		norm, ok := normOrigin(o)
		if !ok {
			return nil, fmt.Errorf("hub: allowed origin %q is not scheme://host[:port]", o)
		}
		set[norm] = true
	}
	return set, nil
}

// normOrigin returns the origin in lower case, or false when s is not
// exactly scheme://host[:port] with an http(s) scheme: no path, query,
// fragment, user info, wildcard or trailing dot.
func normOrigin(s string) (string, bool) {
	if s == "" || strings.ContainsAny(s, " \t\r\n*\\") {
		return "", false
	}
	u, err := url.Parse(s)
	if err != nil || u.Opaque != "" || u.User != nil || u.Path != "" || u.RawQuery != "" ||
		u.Fragment != "" || u.ForceQuery || strings.HasSuffix(s, "#") {
		return "", false
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "http" && scheme != "https" {
		return "", false
	}
	host := strings.ToLower(u.Host)
	if host == "" || strings.HasSuffix(u.Hostname(), ".") || strings.HasSuffix(host, ":") {
		return "", false
	}
	norm := scheme + "://" + host
	if norm != strings.ToLower(s) {
		return "", false // anything url.Parse forgave
	}
	return norm, true
}

// originAllowed reports whether the request may be upgraded: no Origin
// header (not a browser), one Origin that is exactly in the allow-list, or
// the server's own origin (the web app served by this same process: its
// host and port are the request's Host).
func (s *Endpoint) originAllowed(r *http.Request) bool {
	vals := r.Header.Values("Origin")
	switch len(vals) {
	case 0:
		return true
	case 1:
		norm, ok := normOrigin(vals[0])
		return ok && (s.origins[norm] || sameHost(norm, r.Host))
	}
	return false
}

// sameHost reports whether a normalised origin names the host (and port)
// the request was sent to. Only the web schemes count.
func sameHost(origin, host string) bool {
	rest, ok := strings.CutPrefix(origin, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(origin, "http://"); !ok {
			return false
		}
	}
	return host != "" && rest == strings.ToLower(host)
}
