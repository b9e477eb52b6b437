package main

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/jihat/jihat/store"
)

// config is everything read from flags and the environment. Flags win over
// environment variables.
type config struct {
	Addr           string
	DataDir        string
	DatabaseURL    string
	RedisURL       string
	NoDemo         bool
	AdminLogin     string
	AdminPassword  string
	DataKey        string
	Origins        string
	SecureCookies  bool
	LogLevel       string
	PprofAddr      string
	TrustedProxies string
	MaxUploadMB    int64
	MaxVoice       time.Duration
	WritesPerUser  int           // comments and files per user per 10 s, REST and socket together
	VoteGather     time.Duration // a batch of votes waits at most this for more (0: the server's default)
	VoteQuiet      time.Duration // ... until no vote came for this long (0: the server's default)
	Notify         notifyConfig  // SMTP_* and SMS_* (environment only)
	RTC            rtcConfig     // meeting audio: --rtc-*, JIHAT_RTC_*, JIHAT_STUN_URLS, JIHAT_TURN_URLS
}

// parseConfig reads flags for the command named name.
func parseConfig(name string, args []string, stderr io.Writer) (*config, error) {
	c := &config{}
	fs := flag.NewFlagSet("jihat "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&c.Addr, "addr", env("JIHAT_ADDR", ":8080"), "listen address (JIHAT_ADDR)")
	fs.StringVar(&c.DataDir, "data-dir", env("JIHAT_DATA_DIR", "./data"), "data directory: SQLite file, files, data key (JIHAT_DATA_DIR)")
	fs.StringVar(&c.DatabaseURL, "database-url", env("DATABASE_URL", ""), "PostgreSQL URL; empty = SQLite in the data dir (DATABASE_URL)")
	fs.StringVar(&c.RedisURL, "redis-url", env("REDIS_URL", ""), "Redis URL for several nodes; empty = in-process (REDIS_URL)")
	fs.BoolVar(&c.NoDemo, "no-demo", env("JIHAT_NO_DEMO", "") != "", "do not seed the demo on an empty embedded database (JIHAT_NO_DEMO)")
	fs.StringVar(&c.Origins, "origins", env("JIHAT_ORIGINS", ""), "comma-separated exact Origins allowed for WebSockets, e.g. https://jihat.example (JIHAT_ORIGINS)")
	fs.BoolVar(&c.SecureCookies, "secure-cookies", env("JIHAT_SECURE_COOKIES", "") != "", "mark the session cookie Secure even without TLS here (behind a TLS proxy) (JIHAT_SECURE_COOKIES)")
	fs.StringVar(&c.TrustedProxies, "trusted-proxies", env("JIHAT_TRUSTED_PROXIES", ""), "comma-separated CIDRs of load balancers whose X-Forwarded-For is believed (JIHAT_TRUSTED_PROXIES)")
	fs.Int64Var(&c.MaxUploadMB, "max-upload-mb", envInt("JIHAT_MAX_UPLOAD_MB", 25), "largest attachment in MiB (JIHAT_MAX_UPLOAD_MB)")
	fs.DurationVar(&c.MaxVoice, "max-voice", envDuration("JIHAT_MAX_VOICE", 5*time.Minute), "longest voice note (JIHAT_MAX_VOICE)")
	fs.IntVar(&c.WritesPerUser, "writes-per-user", int(envInt("JIHAT_WRITES_PER_USER", 30)), "comments and files one user may send per 10 s, REST and socket together (JIHAT_WRITES_PER_USER)")
	fs.DurationVar(&c.VoteGather, "vote-gather", envDuration("JIHAT_VOTE_GATHER", 0), "longest a batch of votes on a motion waits for more while they arrive; 0: 80ms (JIHAT_VOTE_GATHER)")
	fs.DurationVar(&c.VoteQuiet, "vote-quiet", envDuration("JIHAT_VOTE_QUIET", 0), "a batch of votes stops waiting once none came for this long; 0: 5ms (JIHAT_VOTE_QUIET)")
	fs.StringVar(&c.LogLevel, "log-level", env("JIHAT_LOG_LEVEL", "info"), "debug, info, warn or error (JIHAT_LOG_LEVEL)")
	fs.StringVar(&c.PprofAddr, "pprof-addr", env("JIHAT_PPROF_ADDR", ""), "loopback address for Go's profiler, e.g. 127.0.0.1:6060; empty = off (JIHAT_PPROF_ADDR)")
	c.AdminLogin = os.Getenv("JIHAT_ADMIN_LOGIN")
	c.AdminPassword = os.Getenv("JIHAT_ADMIN_PASSWORD")
	c.DataKey = os.Getenv("JIHAT_DATA_KEY")
	c.Notify = notifyFromEnv()
	c.RTC.register(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if c.MaxUploadMB < 1 || c.MaxUploadMB > 4096 || c.MaxVoice < time.Second {
		return nil, fmt.Errorf("--max-upload-mb must be 1..4096 and --max-voice at least 1s")
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected arguments: %v", fs.Args())
	}
	return c, nil
}

func env(key, def string) string {
	if v, ok := os.LookupEnv(key); ok {
		return v
	}
	return def
}

func envInt(key string, def int64) int64 {
	if v, err := strconv.ParseInt(os.Getenv(key), 10, 64); err == nil && v > 0 {
		return v
	}
	return def
}

func envDuration(key string, def time.Duration) time.Duration {
	if v, err := time.ParseDuration(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}

// proxies parses --trusted-proxies.
func (c *config) proxies() ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range splitComma(c.TrustedProxies) {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			a, aerr := netip.ParseAddr(s)
			if aerr != nil {
				return nil, fmt.Errorf("--trusted-proxies: %q is not a CIDR or an address", s)
			}
			p = netip.PrefixFrom(a, a.BitLen())
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// dataKey returns the 32-byte key for personal data. JIHAT_DATA_KEY (64 hex
// digits or base64) wins; on the embedded default a key is generated once
// into the data dir with mode 0600. PostgreSQL deployments must set the key,
// so that every node shares it and it does not live beside a database copy.
func (c *config) dataKey() ([]byte, error) {
	if c.DataKey != "" {
		return decodeKey(c.DataKey)
	}
	if c.DatabaseURL != "" {
		return nil, errors.New("JIHAT_DATA_KEY is required with DATABASE_URL (32 bytes as 64 hex digits; generate with: openssl rand -hex 32)")
	}
	path := filepath.Join(c.DataDir, "data.key")
	if b, err := os.ReadFile(path); err == nil {
		return decodeKey(strings.TrimSpace(string(b)))
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, err
	}
	key := make([]byte, store.KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, err
	}
	if _, err := f.WriteString(hex.EncodeToString(key) + "\n"); err != nil {
		f.Close()
		return nil, err
	}
	return key, f.Close()
}

func decodeKey(s string) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil && len(b) == store.KeySize {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == store.KeySize {
		return b, nil
	}
	return nil, fmt.Errorf("JIHAT_DATA_KEY must be %d bytes as hex or base64", store.KeySize)
}
