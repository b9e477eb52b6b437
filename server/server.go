package server

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/media"
	"github.com/jihat/jihat/media/rtc"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

// Check is one readiness check (database, Redis).
type Check struct {
	Name string
	Fn   func(ctx context.Context) error
}

// Config holds the server's dependencies and settings. Zero values get
// defaults in New.
type Config struct {
	Store    *store.Store // required
	Logger   *slog.Logger
	Limiter  Limiter         // login throttling; default in-memory
	Notifier notify.Notifier // e-mail/SMS; default prints to the log
	Ready    []Check         // extra readiness checks beside the database

	// Media stores uploaded files (required); MaxUploadBytes and
	// MaxVoiceDuration must match its configuration (defaults: media's).
	Media            media.Store
	MaxUploadBytes   int64
	MaxVoiceDuration time.Duration

	// The live hub. NewBus carries events to the other nodes (nil: this
	// node only, in process); Presence is shared through Redis or kept in
	// memory (nil); WS configures /ws (allowed origins, timeouts, limits).
	NewBus   func(hub.BusHandler) (hub.Bus, error)
	Presence hub.Presence
	WS       hub.EndpointConfig
	NodeID   string
	// PositionInterval is how often subscribers are told their channels'
	// latest sequence, so a lost last event is noticed (hub default: 5 s).
	PositionInterval time.Duration
	// LiveUserFresh is how long a socket's read of its user (at
	// authentication, or a later Authorize) answers its subscriptions
	// without reading it again; a permission change re-checks at once
	// (live_backend.go), so the window bounds no change that re-checks.
	// Default 5 s: a reconnect storm's subscribes wait their turn for the
	// database (hub.Config.ConnectReads), a second or two after their
	// authentication, and with 1 s each read its user again.
	LiveUserFresh time.Duration
	Version       string
	// Web is the browser app (client/web), served at "/"; nil serves none.
	Web fs.FS

	// RTC configures the meeting audio SFU (media/rtc): ICE addresses and
	// ports, STUN/TURN, limits. RTCLease is how long a node's hosting of a
	// meeting's audio lasts unrenewed (15 s); the lease is renewed, and
	// relayed rooms checked, every RTCCheckEvery (RTCLease/3). AudioAccess
	// decides who may signal; nil asks the meetings service (members
	// present; the chair may mute others).
	RTC           rtc.Config
	RTCLease      time.Duration
	RTCCheckEvery time.Duration
	AudioAccess   AudioAccess

	Argon2        Argon2Params  // default DefaultArgon2
	SessionTTL    time.Duration // default 12h
	SecureCookies bool          // always mark the session cookie Secure (behind a TLS proxy)
	// TrustedProxies are the load balancers and reverse proxies whose
	// X-Forwarded-For is believed (see clientAddr). Empty: none.
	TrustedProxies []netip.Prefix
	MaxBodyBytes   int64 // JSON body limit; default 1 MiB

	// Login throttling counts failed logins only, per window (see
	// throttle.go): per client address (LoginPerIP, default 300: a shared
	// office behind one NAT), per account and address (LoginPerAccount,
	// default 10), and per account from addresses it never logged in from
	// (Throttle.LoginPerAccountAll, default 100).
	LoginPerIP      int           // default 300
	LoginPerAccount int           // default 10
	LoginWindow     time.Duration // default 15m
	// Throttle holds the other budgets: registrations, writes, the
	// progressive delay of logins.
	Throttle ThrottleConfig

	// ObjectionWindow is how long after a resolution the requester may
	// object; default jihat.DefaultObjectionWindow.
	ObjectionWindow time.Duration
	// SweepEvery is the period of the SLA sweeper (reminders, late cases,
	// waiting cases, closing resolved cases); default 30 s.
	SweepEvery time.Duration
	// VoteGather is the longest a batch of votes on one motion waits for
	// more while they keep arriving (default voteGather); VoteQuiet is how
	// long without a new vote ends that wait (default voteQuiet). See
	// keyedBatches.gatherMore and docs/BENCHMARKS.md, "Meetings".
	VoteGather, VoteQuiet time.Duration
	// Notify tunes the notifications worker (RunNotifier): polling, lease,
	// attempts and backoff. Notifier above delivers its e-mail and SMS.
	Notify NotifyConfig

	// ActiveGrace is how long one action keeps a user active, for hours
	// worked (default DefaultActiveGrace); StatsEvery is how often running
	// presence and activity intervals are written and weekly reports
	// checked (default 1 min).
	ActiveGrace time.Duration
	StatsEvery  time.Duration

	// Now is the one clock of the services, the hub, the sweeper and the
	// notifications worker. Give the store and the media store the same
	// one; nil takes the store's (store.Config.Now).
	Now func() time.Time
}

// Server is the HTTP front and the application services.
type Server struct {
	cfg      Config
	store    *store.Store
	log      *slog.Logger
	app      *fiber.App
	mux      *http.ServeMux
	metrics  *metrics
	hub      *hub.Hub
	media    media.Store
	openapi  []byte        // the encoded OpenAPI document
	wake     chan struct{} // wakes the sweeper early
	notify   *notifier     // the notifications worker's state
	now      func() time.Time
	web      *webApp                    // the browser app, nil without one
	front    http.Handler               // s.mux behind the cross-site check
	rtc      atomic.Pointer[rtcService] // meeting audio; set once in New
	activity *activityTracker           // hours worked: presence and activity intervals
	seen     seenWriter                 // sockets' last-seen times, coalesced
	counters *counterPublisher          // live dashboard counters on the feeds

	votes       voteBatcher                     // group commit of votes, per motion
	tallies     tallyCoalescer                  // live tallies, at most ~5 a second per motion
	attendance  attendanceCoalescer             // live attendance, at most ~5 a second per meeting
	stays       stayBatcher                     // the room's arrivals and departures, in batches
	edgeLocks   keyLocks                        // one member's arrivals and departures of one room, in turn (onPresence)
	motionCache motionCache                     // motion → meeting, secret
	roomStates  hub.FreshReads[json.RawMessage] // meeting snapshots' shared state (meeting_live.go)
}

// New builds the server and its routes.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Media == nil {
		return nil, errors.New("server: a store and a media store are required")
	}
	if cfg.MaxUploadBytes == 0 {
		cfg.MaxUploadBytes = media.DefaultMaxFileSize
	}
	if cfg.MaxVoiceDuration == 0 {
		cfg.MaxVoiceDuration = media.DefaultMaxVoiceDuration
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = cfg.Store.Now
	}
	if cfg.Limiter == nil {
		cfg.Limiter = NewMemoryLimiter(cfg.Now)
	}
	if cfg.Notifier == nil {
		cfg.Notifier = notify.LogNotifier{Log: cfg.Logger}
	}
	if cfg.Argon2 == (Argon2Params{}) {
		cfg.Argon2 = DefaultArgon2
	}
	if cfg.LiveUserFresh <= 0 {
		cfg.LiveUserFresh = 5 * time.Second
	}
	if cfg.SessionTTL == 0 {
		cfg.SessionTTL = 12 * time.Hour
	}
	if cfg.MaxBodyBytes == 0 {
		cfg.MaxBodyBytes = 1 << 20
	}
	if cfg.LoginPerIP == 0 {
		cfg.LoginPerIP = 300
	}
	cfg.Throttle.setDefaults()
	if cfg.LoginPerAccount == 0 {
		cfg.LoginPerAccount = 10
	}
	if cfg.LoginWindow == 0 {
		cfg.LoginWindow = 15 * time.Minute
	}
	if cfg.ObjectionWindow == 0 {
		cfg.ObjectionWindow = jihat.DefaultObjectionWindow
	}
	if cfg.SweepEvery == 0 {
		cfg.SweepEvery = 30 * time.Second
	}
	if cfg.StatsEvery == 0 {
		cfg.StatsEvery = time.Minute
	}
	s := &Server{cfg: cfg, store: cfg.Store, media: cfg.Media, log: cfg.Logger, now: cfg.Now, wake: make(chan struct{}, 1)}
	s.votes.s, s.tallies.s, s.attendance.s, s.stays.s = s, s, s, s
	s.votes.batches.gather, s.votes.batches.quiet = cmp.Or(cfg.VoteGather, voteGather), cmp.Or(cfg.VoteQuiet, voteQuiet)
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.metrics = newMetrics(reg)
	s.notify = newNotifier(cfg.Notify, reg)
	s.activity = newActivityTracker(cfg.Store, cfg.Logger, cfg.ActiveGrace)
	s.seen = seenWriter{write: cfg.Store.TouchUsers, log: cfg.Logger, pause: sleepSeenPause}
	s.counters = newCounterPublisher()
	doc, err := json.Marshal(openAPIDocument(cfg.Version))
	if err != nil {
		return nil, err
	}
	s.openapi = doc

	s.hub, err = hub.New(hub.Config{NewBus: cfg.NewBus, Presence: cfg.Presence, Events: liveBackend{s}, Logger: cfg.Logger,
		Metrics: reg, NodeID: cfg.NodeID, OnConnect: s.connected, Now: cfg.Now, PositionInterval: cfg.PositionInterval,
		OnDisconnect: s.disconnected, OnActivity: s.activity.acted, OnNodeMessage: s.rtcNodeMessage,
		OnPresence: s.onPresence, Snapshot: s.meetingSnapshot,
		StrictPresence: meetingChannel, ConnectReads: connectReads(s.store)})
	if err != nil {
		return nil, err
	}
	wsCfg := cfg.WS
	if wsCfg.ClientIP == nil {
		wsCfg.ClientIP = s.clientIP // trusted proxies resolved, as for REST
	}
	rtcSvc, err := newRTCService(s, cfg)
	if err != nil {
		s.hub.Close(context.Background())
		return nil, err
	}
	s.rtc.Store(rtcSvc)
	ws, err := hub.NewEndpoint(s.hub, liveBackend{s}, wsCfg)
	if err != nil {
		rtcSvc.close(context.Background())
		s.hub.Close(context.Background())
		return nil, err
	}

	s.mux = http.NewServeMux()
	s.app = fiber.New(fiber.Config{
		ErrorHandler:          s.errorHandler,
		DisableStartupMessage: true,
		BodyLimit:             int(cfg.MaxBodyBytes),
		ReadBufferSize:        16 << 10,
	})
	if cfg.Web != nil {
		if s.web, err = loadWebApp(cfg.Web); err != nil {
			s.hub.Close(context.Background())
			return nil, err
		}
	}
	s.routes(ws)
	if s.front, err = crossSite(cfg.WS.AllowedOrigins, s.mux); err != nil {
		s.hub.Close(context.Background())
		return nil, err
	}
	return s, nil
}

// Hub is the live hub (tests publish and inspect through it).
func (s *Server) Hub() *hub.Hub { return s.hub }

// Close stops the live hub: its sockets, bus and background work. Call it
// after Serve returns.
func (s *Server) Close(ctx context.Context) error {
	s.rtc.Load().close(ctx)
	s.tallies.c.wait() // the last tallies and arrivals go out before the hub closes
	s.attendance.c.wait()
	err := s.hub.Close(ctx)
	s.attendance.c.wait() // departures of the sockets the hub closed: nothing runs after Close
	s.seen.close()
	return err
}

// rtcDisconnected ends the meeting audio of a socket that closed.
func (s *Server) rtcDisconnected(ev hub.SessionEvent) {
	if r := s.rtc.Load(); r != nil {
		r.disconnected(ev)
	}
}

// rtcNodeMessage receives the meeting audio's messages from other nodes.
func (s *Server) rtcNodeMessage(b []byte) {
	if r := s.rtc.Load(); r != nil {
		r.onNodeMessage(b)
	}
}

// Registry exposes the metrics registry so other parts (the hub) can add theirs.
func (s *Server) Registry() prometheus.Registerer { return s.metrics.reg }

// Handler is the whole front, for tests and for Serve.
func (s *Server) Handler() http.Handler { return s.metrics.instrument(s.stampArrival(s.front)) }

// Serve answers on ln until ctx ends, then shuts down gracefully: it stops
// accepting, lets requests in flight finish (up to 15 s) and returns.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	err := hs.Shutdown(shutdown)
	if e := <-errc; !errors.Is(e, http.ErrServerClosed) && err == nil {
		err = e
	}
	return err
}
