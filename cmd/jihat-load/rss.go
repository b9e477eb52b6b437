package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"
)

// readRSS returns the server's resident memory in bytes and where it was
// read: /proc/<pid>/status (VmRSS) with -server-pid, else the Prometheus
// process_resident_memory_bytes of /metrics. 0 when neither works.
func readRSS(ctx context.Context, cfg *config, hc *http.Client) (int64, string) {
	if cfg.ServerPID > 0 {
		path := fmt.Sprintf("/proc/%d/status", cfg.ServerPID)
		if n, err := vmRSS(path); err == nil {
			return n, path
		}
	}
	if v, ok := metric(ctx, cfg, hc, "process_resident_memory_bytes"); ok {
		return int64(v), cfg.MetricsURL
	}
	return 0, ""
}

// goMemory returns the Go heap and stacks in use (go_memstats_heap_inuse_bytes
// + go_memstats_stack_inuse_bytes of /metrics): unlike RSS it does not
// include memory freed but not yet returned to the system. 0 when unknown.
func goMemory(ctx context.Context, cfg *config, hc *http.Client) int64 {
	heap, ok1 := metric(ctx, cfg, hc, "go_memstats_heap_inuse_bytes")
	stack, ok2 := metric(ctx, cfg, hc, "go_memstats_stack_inuse_bytes")
	if !ok1 || !ok2 {
		return 0
	}
	return int64(heap + stack)
}

// settleRSS waits, at most d, until the server's RSS stops falling (the Go
// runtime returns memory freed after the logins' password hashing slowly),
// so the "before" reading is not inflated.
func settleRSS(ctx context.Context, cfg *config, hc *http.Client, d time.Duration) {
	deadline := time.Now().Add(d)
	prev, _ := readRSS(ctx, cfg, hc)
	for prev > 0 && time.Now().Before(deadline) {
		select {
		case <-ctx.Done():
			return
		case <-time.After(2 * time.Second):
		}
		cur, _ := readRSS(ctx, cfg, hc)
		if prev-cur < 1<<20 {
			return
		}
		prev = cur
	}
}

// vmRSS reads the VmRSS line ("VmRSS:	  123456 kB") of a status file.
func vmRSS(path string) (int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("%s: unexpected VmRSS line %q", path, sc.Text())
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		return kb << 10, err
	}
	return 0, fmt.Errorf("%s: no VmRSS", path)
}

// serverConnections returns jihat_hub_connections, or -1.
func serverConnections(ctx context.Context, cfg *config, hc *http.Client) int64 {
	if v, ok := metric(ctx, cfg, hc, "jihat_hub_connections"); ok {
		return int64(v)
	}
	return -1
}

// metric reads one unlabelled gauge from the server's /metrics.
func metric(ctx context.Context, cfg *config, hc *http.Client, name string) (float64, bool) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.MetricsURL, nil)
	if err != nil {
		return 0, false
	}
	res, err := hc.Do(req)
	if err != nil {
		return 0, false
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 8<<20))
	if err != nil || res.StatusCode != http.StatusOK {
		return 0, false
	}
	return metricValue(body, name)
}

// metricValue finds "name value" in a Prometheus text exposition.
func metricValue(body []byte, name string) (float64, bool) {
	for line := range bytes.Lines(body) {
		rest, ok := bytes.CutPrefix(line, []byte(name+" "))
		if !ok {
			continue
		}
		v, err := strconv.ParseFloat(strings.TrimSpace(string(rest)), 64)
		return v, err == nil
	}
	return 0, false
}
