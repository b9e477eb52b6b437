package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jihat/jihat/client/web"
	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/media"
	"github.com/jihat/jihat/server"
	"github.com/jihat/jihat/store"
)

// openStore opens and migrates the database named by c.
func openStore(ctx context.Context, c *config, log *slog.Logger, now func() time.Time) (*store.Store, error) {
	key, err := c.dataKey()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, store.Config{DatabaseURL: c.DatabaseURL, DataDir: c.DataDir, Key: key, Logger: log, Now: now})
	if err != nil {
		return nil, err
	}
	applied, err := st.Migrate(ctx)
	if err != nil {
		st.Close()
		return nil, err
	}
	for _, m := range applied {
		log.Info("migration applied", slog.String("migration", m))
	}
	return st, nil
}

func parseLevel(s string) slog.Level {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return slog.LevelInfo
	}
	return l
}

// serve runs the server until ctx ends (SIGINT/SIGTERM), then shuts down
// gracefully.
func serve(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseConfig("serve", args, stderr)
	if err != nil {
		return err
	}
	log := newLogger(stdout, parseLevel(c.LogLevel))
	clock := time.Now // the one clock: store, media, server (and its hub)
	st, err := openStore(ctx, c, log, clock)
	if err != nil {
		return err
	}
	defer st.Close()

	files, err := media.NewLocal(media.Config{Root: filepath.Join(c.DataDir, "files"), Logger: log, Now: clock,
		MaxFileSize: c.MaxUploadMB << 20, MaxVoiceDuration: c.MaxVoice})
	if err != nil {
		return err
	}
	proxies, err := c.proxies()
	if err != nil {
		return err
	}
	scfg := server.Config{Store: st, Now: clock, TrustedProxies: proxies, Logger: log, Version: version, SecureCookies: c.SecureCookies,
		Media: files, MaxUploadBytes: c.MaxUploadMB << 20, MaxVoiceDuration: c.MaxVoice, VoteGather: c.VoteGather, VoteQuiet: c.VoteQuiet,
		Throttle: server.ThrottleConfig{WritesPerUser: c.WritesPerUser},
		WS:       hub.EndpointConfig{AllowedOrigins: splitComma(c.Origins)}, Web: web.FS()}
	if c.RedisURL != "" {
		opts, err := redis.ParseURL(c.RedisURL)
		if err != nil {
			return fmt.Errorf("REDIS_URL: %w", err)
		}
		rdb := redis.NewClient(opts)
		defer rdb.Close()
		scfg.Limiter = server.NewRedisLimiter(rdb, "jihat:rl:", clock)
		scfg.Ready = append(scfg.Ready, server.Check{Name: "redis", Fn: func(ctx context.Context) error {
			return rdb.Ping(ctx).Err()
		}})
		scfg.NewBus = func(h hub.BusHandler) (hub.Bus, error) {
			return hub.NewRedisBus(hub.RedisBusConfig{Client: rdb, Handler: h, Logger: log})
		}
		if scfg.Presence, err = hub.NewRedisPresence(hub.RedisPresenceConfig{Client: rdb}); err != nil {
			return err
		}
	}
	if scfg.Notifier, err = c.Notify.delivery(log); err != nil {
		return err
	}
	if scfg.RTC, err = c.RTC.config(log); err != nil {
		return err
	}
	srv, err := server.New(scfg)
	if err != nil {
		return err
	}
	defer func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Close(ctx) // the live hub: sockets, bus, presence
	}()
	boot, err := srv.Bootstrap(ctx, server.BootstrapConfig{
		AdminLogin: c.AdminLogin, AdminPassword: c.AdminPassword,
		Demo: !c.NoDemo && c.DatabaseURL == "",
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", c.Addr)
	if err != nil {
		return err
	}
	if c.PprofAddr != "" {
		pln, err := pprofListen(c.PprofAddr)
		if err != nil {
			ln.Close()
			return err
		}
		go servePprof(ctx, pln, log)
	}
	url := "http://" + displayAddr(ln.Addr())
	log.Info("jihat listening", slog.String("url", url), slog.String("version", version),
		slog.String("database", map[bool]string{true: "postgresql", false: "sqlite"}[st.Postgres()]),
		slog.Bool("redis", c.RedisURL != ""))
	banner(stderr, url, boot)
	go srv.RunSweeper(ctx)
	go srv.RunNotifier(ctx)
	statsDone := make(chan struct{})
	go func() { srv.RunStats(ctx); close(statsDone) }() // writes hours worked once more when ctx ends
	err = srv.Serve(ctx, ln)
	<-statsDone
	log.Info("jihat stopped", slog.Any("err", err))
	return err
}

// splitComma splits a comma-separated list, dropping empty items.
func splitComma(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// displayAddr turns ":8080" or "[::]:8080" into "localhost:8080".
func displayAddr(a net.Addr) string {
	host, port, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	if host == "" || host == "::" || host == "0.0.0.0" {
		host = "localhost"
	}
	return net.JoinHostPort(host, port)
}

// banner prints what a person starting the server needs: where it is and how
// to log in.
func banner(w io.Writer, url string, b server.BootstrapResult) {
	var sb strings.Builder
	fmt.Fprintf(&sb, "\n  Jihat — جهات   %s\n", url)
	if b.AdminCreated {
		fmt.Fprintf(&sb, "  platform admin: %s", b.AdminLogin)
		if b.GeneratedPassword != "" {
			fmt.Fprintf(&sb, "  password: %s  (generated; shown once)", b.GeneratedPassword)
		}
		sb.WriteString("\n")
	}
	if b.DemoSeeded {
		sb.WriteString("  demo data seeded (labelled \"demo\" / \"تجريبي\"); demo logins, all with the same password:\n")
		for _, login := range slices.Sorted(maps.Keys(b.DemoPasswords)) {
			fmt.Fprintf(&sb, "    %-24s %s\n", login, b.DemoPasswords[login])
		}
	}
	fmt.Fprintf(&sb, "  started %s\n\n", time.Now().Format(time.RFC3339))
	io.WriteString(w, sb.String())
}

// migrate applies migrations and exits.
func migrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseConfig("migrate", args, stderr)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, c, newLogger(stdout, slog.LevelInfo), time.Now)
	if err != nil {
		return err
	}
	defer st.Close()
	v, err := st.SchemaVersion(ctx)
	fmt.Fprintf(stdout, "schema version %d\n", v)
	return err
}

// auditVerify checks the audit chain and names the first broken row.
func auditVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	c, err := parseConfig("audit verify", args, stderr)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, c, newLogger(io.Discard, slog.LevelError), time.Now)
	if err != nil {
		return err
	}
	defer st.Close()
	bad, checked, err := st.VerifyAudit(ctx)
	if err != nil {
		return err
	}
	if bad != 0 {
		fmt.Fprintf(stdout, "audit chain BROKEN at row %d (%d rows intact before it)\n", bad, checked)
		return fmt.Errorf("audit chain broken at row %d", bad)
	}
	fmt.Fprintf(stdout, "audit chain intact: %d rows\n", checked)
	return nil
}
