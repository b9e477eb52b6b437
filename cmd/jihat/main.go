// Command jihat is the Jihat server: one binary with the HTTP API, the live
// WebSocket hub and the web app on one port.
//
//	jihat [serve]        start the server (default)
//	jihat migrate        apply database migrations and exit
//	jihat audit verify   check the audit log's hash chain
//	jihat health         ask a running server's /healthz (for container health checks)
//	jihat version        print the version
//
// Configuration comes from flags and environment variables (see config.go and
// the README).
package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // working calendars need Asia/Riyadh etc. even in a bare container
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "jihat:", err)
		os.Exit(1)
	}
}

// run is main without the process: tests call it with their own context,
// arguments and outputs.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		return serve(ctx, args, stdout, stderr)
	case "migrate":
		return migrate(ctx, args, stdout, stderr)
	case "audit":
		if len(args) == 0 || args[0] != "verify" {
			return fmt.Errorf("usage: jihat audit verify")
		}
		return auditVerify(ctx, args[1:], stdout, stderr)
	case "health":
		return health(ctx, args, stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, "jihat", version)
		return nil
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, "usage: jihat [serve|migrate|audit verify|health|version] [flags]")
		return nil
	}
	return fmt.Errorf("unknown command %q (serve, migrate, audit verify, health, version)", cmd)
}

// newLogger writes JSON logs to w.
func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewJSONHandler(w, &slog.HandlerOptions{Level: level}))
}
