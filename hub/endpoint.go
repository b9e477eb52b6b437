package hub

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"golang.org/x/time/rate"

	"github.com/coder/websocket"

	"github.com/jihat/jihat"
)

// EndpointConfig configures the WebSocket endpoint. Zero values take the
// documented defaults.
type EndpointConfig struct {
	// AllowedOrigins lists the exact origins ("https://jihat.example",
	// "http://localhost:8080") whose pages may open a socket. A request
	// without an Origin header (not a browser) is allowed; any other Origin
	// is refused with 403 before the upgrade. No wildcards, suffixes or
	// default-port equivalence: scheme, host and port must match.
	AllowedOrigins []string
	// AuthTimeout is how long an unauthenticated socket may take to send its
	// auth message (5 s); then it is closed with ClosePolicy.
	AuthTimeout time.Duration
	// ReadLimit is the largest client message (MaxEnvelopeSize); a larger
	// one closes the socket with CloseTooBig.
	ReadLimit int64
	// PingInterval is how often the server pings an idle client (25 s).
	PingInterval time.Duration
	// IdleTimeout closes a socket that sent nothing, not even a pong, for
	// this long (60 s), with CloseIdle.
	IdleTimeout time.Duration
	// RateLimit and RateBurst bound the client's messages (20/s, burst 40).
	// A message over the limit is answered with an ERATELIMIT error;
	// AbuseLimit refused messages (50) beyond a refill of one per second
	// close the socket with ClosePolicy.
	RateLimit  rate.Limit
	RateBurst  int
	AbuseLimit int
	// MaxSubscriptions per socket (200).
	MaxSubscriptions int
	// CommandTimeout bounds one command, subscribe and replay included (30 s).
	CommandTimeout time.Duration
	// TypingInterval is the least time between two typing relays of one
	// socket on one channel (1 s); faster ones are dropped.
	TypingInterval time.Duration
	// ClientIP returns the client's address of an upgrade request (the
	// server resolves its trusted proxies' X-Forwarded-For); nil: the host
	// of the request's RemoteAddr. Commands carry it (CommandContext).
	ClientIP func(r *http.Request) string
}

func (c *EndpointConfig) setDefaults() {
	defd := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	defd(&c.AuthTimeout, 5*time.Second)
	defd(&c.PingInterval, 25*time.Second)
	defd(&c.IdleTimeout, 60*time.Second)
	defd(&c.CommandTimeout, 30*time.Second)
	defd(&c.TypingInterval, time.Second)
	if c.ReadLimit <= 0 {
		c.ReadLimit = MaxEnvelopeSize
	}
	if c.RateLimit <= 0 {
		c.RateLimit = 20
	}
	if c.RateBurst <= 0 {
		c.RateBurst = 40
	}
	if c.AbuseLimit <= 0 {
		c.AbuseLimit = 50
	}
	if c.MaxSubscriptions <= 0 {
		c.MaxSubscriptions = 200
	}
}

// Endpoint is the WebSocket endpoint (GET /ws) of a Hub: an http.Handler to
// mount on the net/http front (coder/websocket needs http.Hijacker, which
// Fiber's adaptor lacks). It is safe for concurrent use.
type Endpoint struct {
	h       *Hub
	backend Backend
	reader  Reader // backend, when it scopes events; nil otherwise
	cfg     EndpointConfig
	origins map[string]bool
	ka      keepalive // keepalive.go
}

// NewEndpoint returns the endpoint for h, using backend for authentication,
// authorisation and commands. It fails on a malformed allowed origin.
func NewEndpoint(h *Hub, backend Backend, cfg EndpointConfig) (*Endpoint, error) {
	if backend == nil {
		return nil, errors.New("hub: NewEndpoint: nil Backend")
	}
	cfg.setDefaults()
	origins, err := parseOrigins(cfg.AllowedOrigins)
	if err != nil {
		return nil, err
	}
	reader, _ := backend.(Reader)
	return &Endpoint{h: h, backend: backend, reader: reader, cfg: cfg, origins: origins}, nil
}

// tokenParams are query parameters that would put a credential in the URL
// (and so in access logs and browser history): refused outright.
var tokenParams = []string{"token", "access_token", "auth", "authorization", "jwt", "session"}

// ServeHTTP upgrades the request and serves the socket until it closes.
func (s *Endpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	for _, p := range tokenParams {
		if q.Has(p) {
			s.refuse(w, r, http.StatusBadRequest, "token_in_url", jihat.Errorf(jihat.EINVALID, "ws_token_in_url"))
			return
		}
	}
	if !s.originAllowed(r) {
		s.refuse(w, r, http.StatusForbidden, "origin", jihat.Errorf(jihat.EFORBIDDEN, "ws_origin_refused"))
		return
	}
	if s.h.closed.Load() {
		s.refuse(w, r, http.StatusServiceUnavailable, "closed", jihat.Errorf(jihat.EUNAVAILABLE, "unavailable"))
		return
	}
	var p Principal
	err := s.h.withRead(r.Context(), func() (err error) {
		p, err = s.backend.AuthenticateRequest(r)
		return err
	})
	authed := err == nil
	if err != nil && !errors.Is(err, ErrNoCredentials) && jihat.ErrorCode(err) != jihat.EUNAUTHORIZED {
		s.h.log.Error("hub: authenticate upgrade", "err", err)
		s.refuse(w, r, http.StatusServiceUnavailable, "auth_error", err)
		return
	}
	c := s.h.newConn(s, p, nil)
	c.clientIP, c.userAgent = s.clientIP(r), r.UserAgent()
	cw := &corkWriter{ResponseWriter: w}
	ws, err := websocket.Accept(cw, r, &websocket.AcceptOptions{
		// The Origin was checked above against the exact allow-list;
		// coder/websocket's own check (same host, or path.Match patterns on
		// the host) is looser in ways we do not want, so it is skipped.
		InsecureSkipVerify: true,
		// Compression off: frames are small JSON, fanned out pre-encoded to
		// many sockets; per-socket deflate would compress the same bytes
		// once per subscriber (the CPU the shared encoding saves), keep a
		// compressor's memory per connection, and mixing secrets with
		// attacker-influenced text in one compressed stream invites
		// CRIME/BREACH-style length leaks.
		CompressionMode: websocket.CompressionDisabled,
		OnPongReceived:  func(context.Context, []byte) { c.touch() },
	})
	if err != nil {
		return // Accept has answered with the HTTP error
	}
	c.w = &wsWriter{ws: ws, cork: cw.conn, timeout: s.h.cfg.WriteTimeout}
	// The socket is served on a goroutine of its own and ServeHTTP
	// returns: net/http's per-request state (its connection, response,
	// request, buffers, and the stack that parsed them) would otherwise stay
	// alive for as long as the socket, about 20 KiB per idle connection.
	go s.serve(c, ws, authed, jihat.ParseLang(r.Header.Get("Accept-Language")))
}

// clientIP is the client's address of r (EndpointConfig.ClientIP).
func (s *Endpoint) clientIP(r *http.Request) string {
	if s.cfg.ClientIP != nil {
		return s.cfg.ClientIP(r)
	}
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// refuse answers a request that is not upgraded.
func (s *Endpoint) refuse(w http.ResponseWriter, r *http.Request, status int, reason string, err error) {
	s.h.m.refused.WithLabelValues(reason).Inc()
	lang := jihat.ParseLang(r.Header.Get("Accept-Language"))
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write([]byte(`{"error":`))
	w.Write(errorPayload(err, lang))
	w.Write([]byte("}\n"))
}
