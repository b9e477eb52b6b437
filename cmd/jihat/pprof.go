package main

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"time"
)

// pprofListen opens the profiling listener asked for by --pprof-addr. It is
// off by default, and refuses any address that is not loopback: profiles
// show memory contents and timings, and the endpoint has no authentication,
// so it is reached only from the machine itself (ssh -L for a remote look).
func pprofListen(addr string) (net.Listener, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("--pprof-addr %q: %w", addr, err)
	}
	ip := net.ParseIP(host)
	if host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("--pprof-addr %q: only a loopback address is allowed (e.g. 127.0.0.1:6060)", addr)
	}
	return net.Listen("tcp", addr)
}

// servePprof serves net/http/pprof's handlers on ln until ctx ends.
func servePprof(ctx context.Context, ln net.Listener, log *slog.Logger) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		hs.Close()
	}()
	log.Info("pprof listening", slog.String("addr", ln.Addr().String()))
	if err := hs.Serve(ln); err != nil && err != http.ErrServerClosed {
		log.Warn("pprof stopped", slog.Any("err", err))
	}
}
