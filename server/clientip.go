package server

import (
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// clientAddr is the address a request came from. Behind load balancers or
// reverse proxies listed in Config.TrustedProxies, it is the right-most
// address of X-Forwarded-For that is not itself a trusted proxy; otherwise
// the peer's address. Login throttling per IP and audit entries use it.
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	peer, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return netip.IPv4Unspecified()
	}
	addr := peer.Addr().Unmap()
	if !s.trusted(addr) {
		return addr
	}
	hops := r.Header.Values("X-Forwarded-For")
	for i := len(hops) - 1; i >= 0; i-- {
		parts := strings.Split(hops[i], ",")
		for j := len(parts) - 1; j >= 0; j-- {
			hop, err := netip.ParseAddr(strings.TrimSpace(parts[j]))
			if err != nil {
				return addr // a malformed chain: trust nothing beyond the proxy
			}
			if hop = hop.Unmap(); !s.trusted(hop) {
				return hop
			}
			addr = hop
		}
	}
	return addr
}

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is clientAddr as text, for audit entries of net/http handlers.
func (s *Server) clientIP(r *http.Request) string { return s.clientAddr(r).String() }

// tcpAddr is clientAddr in the form the Fiber bridge hands to fasthttp.
func (s *Server) tcpAddr(r *http.Request) *net.TCPAddr {
	return net.TCPAddrFromAddrPort(netip.AddrPortFrom(s.clientAddr(r), 0))
}
