package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/netip"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

// config is the command line.
type config struct {
	URL         string
	PublishURL  string // publishers' server; default URL
	Conns       int
	Channels    int
	Rate        float64
	Via         string
	Lean        bool   // traffic subscribers read without the SDK (lean.go)
	WSRead      string // how lean and Centrifugo subscribers read their sockets: wsReadFrames or wsReadLibrary (wsread.go)
	Duration    time.Duration
	Settle      time.Duration
	MaxConns    int
	MaxDuration time.Duration
	Logins      []string // email:password
	Watchers    []string // email:password
	Tokens      []string
	Users       int
	EntityID    string
	CaseTypeID  string
	Cases       []string
	Publishers  int
	DialConc    int
	ServerPID   int
	MetricsURL  string
	Idle        bool
	IdleSub     bool
	Hold        time.Duration
	RSSSettle   time.Duration
	JSON        bool
	Pprof       string
	Origin      string
	SourceIPs   []string
	Timeout     time.Duration
	Lang        string
	Target      string // jihat or centrifugo
	BodySize    int
	IdleUser    bool

	Storm         int
	StormAfter    time.Duration
	StormConc     int
	StormChannels int

	Meeting int    // -meeting: members of a meeting vote storm
	Admin   string // -admin email:password, the platform admin
	Probes  int
	// -vote-spread: each round's votes at random within it (0: at once)
	VoteSpread time.Duration
	Rebuild    int    // -rebuild: members that rebuild who voted what
	VoteProf   string // -vote-profile: a CPU profile of round 0 alone

	CentrifugoSecret string
	CentrifugoAPIKey string
}

// The servers jihat-load drives (-target).
const (
	targetJihat      = "jihat"
	targetCentrifugo = "centrifugo"
)

type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

func parseFlags(args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("jihat-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var logins, tokens, watchers listFlag
	var cases, sources string
	fs.StringVar(&c.URL, "url", "http://127.0.0.1:8080", "server base URL (loopback only)")
	fs.StringVar(&c.PublishURL, "publish-url", "", "server the publishers (REST or socket) post to, e.g. a second node sharing the database and Redis (loopback only; default: -url)")
	fs.IntVar(&c.Conns, "conns", 10, "live connections to open (subscribers; idle connections with -idle)")
	fs.IntVar(&c.Channels, "channels", 1, "case channels; connection i subscribes to channel i mod K")
	fs.Float64Var(&c.Rate, "rate", 10, "comments per second, in total over the channels")
	fs.StringVar(&c.Via, "via", "ws", "publish comments through the socket (ws) or the REST API (rest)")
	fs.BoolVar(&c.Lean, "lean", false, "traffic subscribers read their sockets as the Centrifugo ones do, without the Go SDK (no gap fetches, no reconnects; see lean.go)")
	fs.StringVar(&c.WSRead, "ws-read", wsReadFrames, "how the -lean and the Centrifugo traffic subscribers read their sockets: frames (RFC 6455 frames from a buffered socket) or library (coder/websocket), for an A/B; see wsread.go")
	fs.DurationVar(&c.Duration, "duration", 10*time.Second, "how long to publish")
	fs.DurationVar(&c.Settle, "settle", 10*time.Second, "the longest wait for deliveries after publishing")
	fs.IntVar(&c.MaxConns, "max-conns", 20000, "refuse -conns above this")
	fs.DurationVar(&c.MaxDuration, "max-duration", 10*time.Minute, "refuse -duration or -hold above this")
	fs.Var(&logins, "login", "an existing account, email:password (repeatable); default: register -users citizens")
	fs.Var(&watchers, "watcher", "a staff account, email:password (repeatable), that subscribes too, sharing the connections of each channel it may see with the channel's owner")
	fs.Var(&tokens, "token", "a session token of an existing account (repeatable), instead of -login")
	fs.IntVar(&c.Users, "users", 1, "citizens to register when no -login or -token is given")
	fs.StringVar(&c.EntityID, "entity", "", "entity of the cases (default: the first with a case type)")
	fs.StringVar(&c.CaseTypeID, "case-type", "", "case type of the cases (default: the entity's first)")
	fs.StringVar(&cases, "cases", "", "comma-separated existing case IDs to use as channels (the users must see them)")
	fs.IntVar(&c.Publishers, "publishers", 0, "publishing sockets or REST workers (default: enough for -rate, at least one per user)")
	fs.IntVar(&c.DialConc, "dial-concurrency", 64, "connections opened in parallel")
	fs.IntVar(&c.ServerPID, "server-pid", 0, "server process to read VmRSS of (/proc/<pid>/status); default: /metrics")
	fs.StringVar(&c.MetricsURL, "metrics-url", "", "Prometheus endpoint of the server (default: <url>/metrics)")
	fs.BoolVar(&c.Idle, "idle", false, "open -conns idle connections, report connect rate and memory, close them")
	fs.BoolVar(&c.IdleSub, "idle-subscribe", false, "with -idle, subscribe each connection to one of the -channels")
	fs.DurationVar(&c.Hold, "hold", 0, "with -idle, keep the connections open this long before measuring and closing")
	fs.DurationVar(&c.RSSSettle, "rss-settle", 20*time.Second, "the longest wait for the server's memory to settle before the first reading")
	fs.BoolVar(&c.JSON, "json", false, "print the report as JSON")
	fs.StringVar(&c.Pprof, "pprof", "", "serve this tool's net/http/pprof on a loopback address, e.g. 127.0.0.1:6061")
	fs.StringVar(&c.Origin, "origin", "", "Origin header of the sockets")
	fs.StringVar(&sources, "source-ips", "", "comma-separated loopback source addresses for the sockets (more than ~28k connections)")
	fs.DurationVar(&c.Timeout, "timeout", 30*time.Second, "bound of one REST call or dial")
	fs.StringVar(&c.Lang, "lang", "en", "Accept-Language of error messages")
	fs.StringVar(&c.Target, "target", targetJihat, "the server: jihat, or centrifugo (v6, JSON protocol; the yardstick of scripts/compare-centrifugo.sh)")
	fs.IntVar(&c.BodySize, "body-size", 0, "pad each comment's body to this many bytes (0: the time stamp alone)")
	fs.BoolVar(&c.IdleUser, "idle-user", false, "with -idle, also subscribe each connection to its user's channel (user:<id>; with centrifugo a second channel per user)")
	fs.StringVar(&c.CentrifugoSecret, "centrifugo-secret", "", "with -target centrifugo: the HMAC secret of connection tokens (client.token.hmac_secret_key)")
	fs.StringVar(&c.CentrifugoAPIKey, "centrifugo-api-key", "", "with -target centrifugo: the HTTP API key (http_api.key)")
	fs.IntVar(&c.Storm, "storm", 0, "traffic runs: this many more clients connect at once during publishing (authenticate, subscribe), measuring their connect rate and the live traffic's latency meanwhile")
	fs.DurationVar(&c.StormAfter, "storm-after", 5*time.Second, "when the storm starts, after publishing began")
	fs.IntVar(&c.StormConc, "storm-concurrency", 1000, "the storm's dials in flight")
	fs.IntVar(&c.StormChannels, "storm-channels", 100, "quiet case channels the storm's clients subscribe to")
	fs.IntVar(&c.Meeting, "meeting", 0, "a meeting vote storm of this many members (e.g. 1000): each in meeting:<id> over its own socket (alternately on -url and -publish-url), all vote at once, a fifth change once; made by the platform admin -admin")
	fs.StringVar(&c.Admin, "admin", "", "with -meeting: the platform admin, email:password (default: $JIHAT_ADMIN_LOGIN:$JIHAT_ADMIN_PASSWORD)")
	fs.DurationVar(&c.VoteSpread, "vote-spread", 0, "with -meeting: send each round's votes at random moments within this time, as people click (0: all at the same instant)")
	fs.IntVar(&c.Rebuild, "rebuild", 100, "with -meeting: the first N members rebuild who voted what from the live frames (and are checked against the stored votes); the others read the counts")
	fs.StringVar(&c.VoteProf, "vote-profile", "", "with -meeting: write a CPU profile of this tool over round 0 alone (the votes' sending to the last ack, sampled at 1 kHz) to this file")
	fs.IntVar(&c.Probes, "probes", 20, "with -meeting: votes of the chair sent one at a time, each timed to every attendee holding its tally")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments %q", fs.Args())
	}
	c.Logins, c.Tokens, c.Watchers = logins, tokens, watchers
	c.Cases = splitComma(cases)
	c.SourceIPs = splitComma(sources)
	return c, c.check()
}

func (c *config) check() error {
	if err := loopbackURL(c.URL); err != nil {
		return err
	}
	if c.PublishURL == "" {
		c.PublishURL = c.URL
	} else if err := loopbackURL(c.PublishURL); err != nil {
		return fmt.Errorf("-publish-url: %w", err)
	}
	if c.MetricsURL == "" {
		c.MetricsURL = strings.TrimRight(c.URL, "/") + "/metrics"
	} else if err := loopbackURL(c.MetricsURL); err != nil {
		return err
	}
	switch {
	case c.Conns < 1 || c.Conns > c.MaxConns:
		return fmt.Errorf("-conns %d: must be 1..%d (-max-conns)", c.Conns, c.MaxConns)
	case c.Duration <= 0 || c.Duration > c.MaxDuration || c.Hold < 0 || c.Hold > c.MaxDuration:
		return fmt.Errorf("-duration and -hold must be at most -max-duration %v", c.MaxDuration)
	case c.Settle < 0 || c.Settle > c.MaxDuration:
		return fmt.Errorf("-settle must be 0..%v", c.MaxDuration)
	case c.Lean && c.Target == targetCentrifugo:
		return errors.New("-lean is for -target jihat (the Centrifugo subscribers are lean already)")
	case c.WSRead != wsReadFrames && c.WSRead != wsReadLibrary:
		return fmt.Errorf("-ws-read %q: %s or %s", c.WSRead, wsReadFrames, wsReadLibrary)
	case c.Via != "ws" && c.Via != "rest":
		return fmt.Errorf("-via %q: ws or rest", c.Via)
	case c.Rate <= 0 || c.Rate > 10000:
		return errors.New("-rate must be in (0, 10000]")
	case c.Users < 1 || c.Users > 40:
		return errors.New("-users must be 1..40 (the server allows 50 logins per address in 15 minutes)")
	case c.DialConc < 1 || c.DialConc > 1000:
		return errors.New("-dial-concurrency must be 1..1000")
	case c.Publishers < 0 || c.Publishers > 1000:
		return errors.New("-publishers must be 0..1000")
	}
	switch {
	case c.Target != targetJihat && c.Target != targetCentrifugo:
		return fmt.Errorf("-target %q: jihat or centrifugo", c.Target)
	case c.Target == targetCentrifugo && (c.CentrifugoSecret == "" || c.CentrifugoAPIKey == ""):
		return errors.New("-target centrifugo needs -centrifugo-secret and -centrifugo-api-key")
	case c.Storm < 0 || c.Conns+c.Storm > c.MaxConns:
		return fmt.Errorf("-storm %d: -conns + -storm must be at most %d (-max-conns)", c.Storm, c.MaxConns)
	case c.StormConc < 1 || c.StormConc > 5000 || c.StormChannels < 1 || c.StormChannels > 10000:
		return errors.New("-storm-concurrency must be 1..5000 and -storm-channels 1..10000")
	case c.BodySize < 0 || c.BodySize > 16<<10:
		return errors.New("-body-size must be 0..16384")
	}
	if c.Admin == "" && os.Getenv("JIHAT_ADMIN_LOGIN") != "" {
		c.Admin = os.Getenv("JIHAT_ADMIN_LOGIN") + ":" + os.Getenv("JIHAT_ADMIN_PASSWORD")
	}
	switch {
	case c.Meeting < 0 || c.Meeting == 1 || c.Meeting > c.MaxConns:
		return fmt.Errorf("-meeting %d: must be 2..%d (-max-conns)", c.Meeting, c.MaxConns)
	case c.Meeting > 0 && !strings.Contains(c.Admin, ":"):
		return errors.New("-meeting needs -admin email:password (or JIHAT_ADMIN_LOGIN and JIHAT_ADMIN_PASSWORD)")
	case c.Probes < 0 || c.Probes > 1000 || c.VoteSpread < 0 || c.VoteSpread > time.Minute || c.Rebuild < 0:
		return errors.New("-probes must be 0..1000 and -vote-spread 0..1m")
	case c.Meeting > 0 && c.Target != targetJihat:
		return errors.New("-meeting drives jihat only")
	}
	if len(c.Cases) > 0 {
		c.Channels = len(c.Cases)
	}
	if c.Channels < 1 || c.Channels > c.Conns && !c.Idle || c.Channels > 10000 {
		return fmt.Errorf("-channels %d: must be 1..min(-conns, 10000)", c.Channels)
	}
	for _, l := range append(slices.Clone(c.Logins), c.Watchers...) {
		if !strings.Contains(l, ":") {
			return fmt.Errorf("-login or -watcher %q: want email:password", l)
		}
	}
	for _, ip := range c.SourceIPs {
		a, err := netip.ParseAddr(ip)
		if err != nil || !a.IsLoopback() {
			return fmt.Errorf("-source-ips: %q is not a loopback address", ip)
		}
	}
	if c.Pprof != "" {
		host, _, err := net.SplitHostPort(c.Pprof)
		if err != nil || !loopbackHost(host) {
			return fmt.Errorf("-pprof %q: want a loopback host:port", c.Pprof)
		}
	}
	return nil
}

// loopbackURL refuses a URL whose host is not a loopback address: the tool
// must never load someone else's server.
func loopbackURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q: want http(s)://host:port", raw)
	}
	if !loopbackHost(u.Hostname()) {
		return fmt.Errorf("%q: refusing a server that is not on a loopback address", raw)
	}
	return nil
}

// loopbackHost accepts "localhost" and loopback IP literals only (no name
// resolution: a name could resolve anywhere).
func loopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(h)
	return err == nil && a.IsLoopback()
}

func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
