// Command jihat-load is the load generator of the Jihat benchmarks. It
// drives a running server through the Go SDK (package client):
//
//	jihat-load -conns 1000 -channels 1 -rate 100 -via ws -duration 30s
//
// opens 1000 live connections subscribed to one case channel, publishes 100
// comments a second on it (through the socket, or -via rest), and reports
// the delivered messages a second and the publish→deliver latency (each
// comment carries its send time: "load:<unixnano>"), the connections opened
// and failed, reconnects, and the server's resident memory per connection
// (-server-pid, or process_resident_memory_bytes from /metrics).
//
//	jihat-load -url http://127.0.0.1:18081 -publish-url http://127.0.0.1:18082 ...
//
// keeps the subscribers on the first node and sends the comments (socket or
// REST) to the second: two nodes sharing PostgreSQL and Redis, so every
// delivery crosses the bus between nodes.
//
//	jihat-load -idle -conns 10000 -server-pid $(pgrep -x jihat)
//
// opens 10,000 idle connections and reports the connect rate and the
// server's memory per connection. Raise the descriptor limit first
// (ulimit -n 65536); one source address has about 28,000 ephemeral ports
// (net.ipv4.ip_local_port_range), so beyond that pass -source-ips
// 127.0.0.1,127.0.0.2,...
//
// Accounts: by default it registers fresh citizens (-users) that open the
// cases (-channels) in the first entity with a case type (or -entity and
// -case-type), and subscribes connection i as the owner of channel i mod K;
// -login email:password (repeatable) uses existing accounts instead. The
// server allows 50 logins per address in 15 minutes; each run logs each
// user in once.
//
//	jihat-load -meeting 1000 -admin admin@x:pass -url http://127.0.0.1:18081 [-publish-url http://127.0.0.1:18082]
//
// runs a meeting vote storm (meeting.go): 1,000 board members in
// meeting:<id> vote at once over their sockets, a fifth change once; it
// reports the vote ack and vote → every attendee latencies and checks that
// every member is stored once and the tally is exact.
//
//	jihat-load -lean ...
//
// reads the traffic subscribers' sockets without the SDK, the way the
// Centrifugo subscribers are read (lean.go), so that the two servers are
// measured through equally light clients; -target centrifugo drives a
// Centrifugo server on the same workloads (centrifugo.go). Both kinds of
// subscriber read WebSocket frames from a buffered socket themselves
// (wsread.go; -ws-read library reads through coder/websocket instead).
//
// It refuses any server that is not on a loopback address, and every run is
// bounded: -max-conns, -max-duration, and a settle time after publishing.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

func main() {
	// The generator shares the machine's cores with the server it measures;
	// its garbage collection was a sixth of its CPU (issue 17's profiles),
	// time taken from the server and added to the latencies it measures.
	// Less frequent collections, unless GOGC says otherwise.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "jihat-load:", err)
		os.Exit(1)
	}
}

// run is main without the process, for tests.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cfg, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	stopPprof, err := startPprof(cfg.Pprof)
	if err != nil {
		return err
	}
	defer stopPprof()
	l := newLoad(cfg, stderr)
	if cfg.Meeting > 0 {
		return l.meeting(ctx, stdout)
	}
	var rep *Report
	if cfg.Idle {
		rep, err = l.idle(ctx)
	} else {
		rep, err = l.traffic(ctx)
	}
	if rep != nil {
		if cfg.JSON {
			enc := json.NewEncoder(stdout)
			enc.SetIndent("", "  ")
			if jerr := enc.Encode(rep); jerr != nil && err == nil {
				err = jerr
			}
		} else {
			rep.print(stdout)
		}
	}
	return err
}
