package server

import (
	"net/http"
	"net/netip"
	"testing"
)

func TestClientAddr(t *testing.T) {
	s := &Server{cfg: Config{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}}}
	for _, tc := range []struct {
		name, peer string
		xff        []string
		want       string
	}{
		{"direct client, header ignored", "203.0.113.5:4000", []string{"1.2.3.4"}, "203.0.113.5"},
		{"one trusted proxy", "10.0.0.2:4000", []string{"198.51.100.7"}, "198.51.100.7"},
		{"spoofed left-most entry ignored", "10.0.0.2:4000", []string{"6.6.6.6, 198.51.100.7"}, "198.51.100.7"},
		{"two trusted proxies", "10.0.0.2:4000", []string{"198.51.100.7, 10.0.0.9"}, "198.51.100.7"},
		{"several headers", "10.0.0.2:4000", []string{"6.6.6.6", "198.51.100.7"}, "198.51.100.7"},
		{"garbage stops at the proxy", "10.0.0.2:4000", []string{"198.51.100.7, not-an-ip"}, "10.0.0.2"},
		{"trusted proxy without header", "10.0.0.2:4000", nil, "10.0.0.2"},
		{"ipv6 loopback proxy", "[::1]:4000", []string{"2001:db8::1"}, "2001:db8::1"},
		{"ipv4-mapped peer", "[::ffff:10.0.0.2]:4000", []string{"198.51.100.7"}, "198.51.100.7"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _ := http.NewRequest("GET", "/", nil)
			r.RemoteAddr = tc.peer
			for _, h := range tc.xff {
				r.Header.Add("X-Forwarded-For", h)
			}
			if got := s.clientIP(r); got != tc.want {
				t.Errorf("clientIP = %s, want %s", got, tc.want)
			}
		})
	}
}
