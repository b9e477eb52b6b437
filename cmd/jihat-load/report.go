package main

import (
	"context"
	"fmt"
	"io"
	"math"
	"sync/atomic"
	"time"
)

// Report is what a run measured; -json prints it as is.
type Report struct {
	Mode       string  `json:"mode"`   // traffic or idle
	Target     string  `json:"target"` // jihat or centrifugo
	URL        string  `json:"url"`
	PublishURL string  `json:"publish_url,omitempty"` // when not URL
	Via        string  `json:"via,omitempty"`
	Channels   int     `json:"channels"`
	Rate       float64 `json:"rate,omitempty"`       // asked, comments/s
	Duration   float64 `json:"duration_s,omitempty"` // asked, seconds
	Publishers int     `json:"publishers,omitempty"`

	Conns        ConnStats `json:"connections"`
	WatcherConns int       `json:"watcher_connections"` // subscriber connections held by -watcher accounts

	Planned       int64    `json:"planned"` // rate × duration
	Skipped       int64    `json:"skipped"` // not sent in time: the publishers (or the server) were behind
	Published     int64    `json:"published"`
	PublishErrors int64    `json:"publish_errors"`
	Uncertain     int64    `json:"publish_uncertain"` // lost with the socket: stored or not
	PublishRate   float64  `json:"publish_rate"`      // reached, comments/s
	ErrorSamples  []string `json:"error_samples,omitempty"`

	Expected     int64   `json:"expected"`  // Σ over subscribers of the comments acknowledged on its channel
	Delivered    int64   `json:"delivered"` // the run's comments received by subscribers
	Missing      int64   `json:"missing"`
	Disorder     int64   `json:"out_of_order_or_duplicate"`
	DeliveryRate float64 `json:"delivered_per_s"` // from the first publish to the last delivery

	Latency LatencyStats `json:"latency_ms"`
	// Accept is the time from sending a comment to its acknowledgement
	// (Jihat: stored; Centrifugo: published): the part of Latency before
	// the fan-out.
	Accept LatencyStats `json:"accept_ms"`

	Disconnects  int64 `json:"disconnects"`
	Reconnects   int64 `json:"reconnects"`
	Fetches      int64 `json:"gap_fetches"`
	GapsFilled   int64 `json:"gaps_filled"`
	GapsSkipped  int64 `json:"gaps_skipped"`
	Unsubscribed int64 `json:"unsubscribed"`

	RSS RSSStats `json:"server_rss"`

	Storm *StormStats `json:"storm,omitempty"`
}

// ConnStats are the connections a run opened.
type ConnStats struct {
	Requested int      `json:"requested"`
	Opened    int      `json:"opened"`
	Failed    int      `json:"failed"`
	Seconds   float64  `json:"seconds"`
	PerSecond float64  `json:"per_second"`
	Errors    []string `json:"error_samples,omitempty"`
}

// LatencyStats summarise publish→deliver latency, in milliseconds.
type LatencyStats struct {
	Samples int64   `json:"samples"`
	P50     float64 `json:"p50"`
	P95     float64 `json:"p95"`
	P99     float64 `json:"p99"`
	Max     float64 `json:"max"`
	Mean    float64 `json:"mean"`
}

// RSSStats is the server's resident memory before and after the
// connections were opened.
type RSSStats struct {
	Source            string  `json:"source"`
	Before            int64   `json:"before_bytes"`
	After             int64   `json:"after_bytes"`
	PerConn           float64 `json:"per_connection_bytes"`
	GoBefore          int64   `json:"go_inuse_before_bytes"` // Go heap + stacks in use (/metrics)
	GoAfter           int64   `json:"go_inuse_after_bytes"`
	GoPerConn         float64 `json:"go_inuse_per_connection_bytes"`
	ServerConnections int64   `json:"server_connections"` // jihat_hub_connections after opening (-1: unknown)
}

func (r *RSSStats) perConn(opened int) {
	if r.Before > 0 && r.After > 0 && opened > 0 {
		r.PerConn = float64(r.After-r.Before) / float64(opened)
	}
	if r.GoBefore > 0 && r.GoAfter > 0 && opened > 0 {
		r.GoPerConn = float64(r.GoAfter-r.GoBefore) / float64(opened)
	}
}

// measureBefore reads the server's memory before the connections open,
// once it has settled.
func (l *load) measureBefore(ctx context.Context, r *RSSStats) {
	settleRSS(ctx, l.cfg, l.hc, l.cfg.RSSSettle)
	r.Before, r.Source = readRSS(ctx, l.cfg, l.hc)
	r.GoBefore = goMemory(ctx, l.cfg, l.hc)
}

// measureAfter reads it again with the connections open.
func (l *load) measureAfter(ctx context.Context, r *RSSStats, opened int) {
	r.After, _ = readRSS(ctx, l.cfg, l.hc)
	r.GoAfter = goMemory(ctx, l.cfg, l.hc)
	r.ServerConnections = serverConnections(ctx, l.cfg, l.hc)
	r.perConn(opened)
}

func (l *load) newReport(mode string) *Report {
	r := &Report{Mode: mode, Target: l.cfg.Target, URL: l.cfg.URL, Channels: len(l.channels)}
	if mode == "traffic" {
		r.Via, r.Rate, r.Duration = l.cfg.Via, l.cfg.Rate, l.cfg.Duration.Seconds()
		if l.cfg.PublishURL != l.cfg.URL {
			r.PublishURL = l.cfg.PublishURL
		}
	}
	return r
}

// fill takes the counters of a traffic run.
func (r *Report) fill(cnt *counters, subs []*sub, expected int64, pubSecs float64) {
	r.Published, r.PublishErrors, r.Uncertain = cnt.published.Load(), cnt.pubErrors.Load(), cnt.uncertain.Load()
	if pubSecs > 0 {
		r.PublishRate = float64(r.Published) / pubSecs
	}
	cnt.errMu.Lock()
	r.ErrorSamples = append([]string(nil), cnt.errSamples...)
	cnt.errMu.Unlock()
	r.Expected, r.Delivered = expected, cnt.delivered.Load()
	for _, s := range subs {
		if miss := s.ch.published.Load() - s.got.Load(); miss > 0 {
			r.Missing += miss
		}
		r.Disorder += s.disorder.Load()
		if s.live == nil {
			continue
		}
		st := s.live.Stats()
		r.Reconnects += st.Reconnects
		r.Fetches += st.Fetches
		r.GapsFilled += st.GapsFilled
		r.GapsSkipped += st.GapsSkipped
	}
	if first, last := cnt.firstPub.Load(), cnt.lastDeliver.Load(); last > first && first > 0 {
		r.DeliveryRate = float64(r.Delivered) / time.Duration(last-first).Seconds()
	}
	r.Latency = cnt.lat.stats()
	r.Accept = cnt.accept.stats()
	r.Disconnects, r.Unsubscribed = cnt.disconnects.Load(), cnt.unsubscribed.Load()
}

// print writes the human summary.
func (r *Report) print(w io.Writer) {
	p := func(label, format string, args ...any) {
		fmt.Fprintf(w, "%-13s "+format+"\n", append([]any{label}, args...)...)
	}
	c := r.Conns
	if r.Mode == "idle" {
		fmt.Fprintf(w, "jihat-load: %d idle connections to %s\n", c.Requested, r.URL)
	} else {
		fmt.Fprintf(w, "jihat-load: %d connections over %d channel(s) of %s, %.0f comments/s via %s for %.0fs (%d publishers)\n",
			c.Requested, r.Channels, r.URL, r.Rate, r.Via, r.Duration, r.Publishers)
		if r.PublishURL != "" {
			fmt.Fprintf(w, "jihat-load: publishing to %s\n", r.PublishURL)
		}
	}
	p("connections", "opened %d, failed %d, in %.2fs (%.0f/s)", c.Opened, c.Failed, c.Seconds, c.PerSecond)
	if r.WatcherConns > 0 {
		p("", "%d of them subscribed as -watcher accounts", r.WatcherConns)
	}
	for _, e := range c.Errors {
		p("", "error: %s", e)
	}
	if r.Mode == "traffic" {
		p("published", "%d of %d planned (%.1f/s), skipped %d, errors %d (uncertain %d)",
			r.Published, r.Planned, r.PublishRate, r.Skipped, r.PublishErrors, r.Uncertain)
		for _, e := range r.ErrorSamples {
			p("", "error: %s", e)
		}
		p("delivered", "%d of %d expected (missing %d, out of order or duplicate %d), %.0f msg/s",
			r.Delivered, r.Expected, r.Missing, r.Disorder, r.DeliveryRate)
		l := r.Latency
		p("latency", "p50 %.2fms  p95 %.2fms  p99 %.2fms  max %.2fms  mean %.2fms  (%d samples)", l.P50, l.P95, l.P99, l.Max, l.Mean, l.Samples)
		a := r.Accept
		p("accepted in", "p50 %.2fms  p95 %.2fms  p99 %.2fms  max %.2fms  (publish acknowledged)", a.P50, a.P95, a.P99, a.Max)
		p("reconnects", "%d (disconnects %d, gap fetches %d, gaps filled %d, skipped %d, unsubscribed %d)",
			r.Reconnects, r.Disconnects, r.Fetches, r.GapsFilled, r.GapsSkipped, r.Unsubscribed)
	}
	if st := r.Storm; st != nil {
		p("storm", "opened %d, failed %d, in %.2fs (%.0f/s)", st.Conns.Opened, st.Conns.Failed, st.Conns.Seconds, st.Conns.PerSecond)
		for _, e := range st.Conns.Errors {
			p("", "error: %s", e)
		}
		if st.ServerCPUSeconds > 0 {
			p("", "server CPU meanwhile %.2fs (%.0f µs per connection opened)", st.ServerCPUSeconds, st.ServerCPUPerConnect)
		}
		l := st.LiveLatency
		p("", "live traffic meanwhile: p50 %.2fms  p95 %.2fms  p99 %.2fms  max %.2fms  (%d samples)", l.P50, l.P95, l.P99, l.Max, l.Samples)
	}
	s := r.RSS
	if s.Source == "" {
		p("server RSS", "unknown (give -server-pid, or expose /metrics)")
		return
	}
	conns := "?"
	if s.ServerConnections >= 0 {
		conns = fmt.Sprint(s.ServerConnections)
	}
	p("server RSS", "before %s, after %s: %s per connection (%s; server reports %s connections)",
		mib(s.Before), mib(s.After), kib(s.PerConn), s.Source, conns)
	if s.GoBefore > 0 {
		p("server Go", "heap+stacks in use before %s, after %s: %s per connection", mib(s.GoBefore), mib(s.GoAfter), kib(s.GoPerConn))
	}
}

func mib(b int64) string   { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }
func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/1024) }

// histogram records durations in buckets 1% wide (from 1µs up), lock-free.
type histogram struct {
	buckets    [histBuckets]atomic.Int64
	n, sum, mx atomic.Int64 // count, sum and max in nanoseconds
}

const (
	histGrowth  = 1.01
	histBuckets = 2200 // 1.01^2200 µs ≈ 3e9 s: everything
)

func newHistogram() *histogram { return &histogram{} }

func bucketOf(d time.Duration) int {
	us := float64(d) / float64(time.Microsecond)
	if us <= 1 {
		return 0
	}
	return min(histBuckets-1, int(math.Log(us)/math.Log(histGrowth))+1)
}

// upper is the largest duration of bucket i.
func upper(i int) time.Duration {
	return time.Duration(math.Pow(histGrowth, float64(i)) * float64(time.Microsecond))
}

func (h *histogram) record(d time.Duration) {
	d = max(d, 0)
	h.buckets[bucketOf(d)].Add(1)
	h.n.Add(1)
	h.sum.Add(int64(d))
	for {
		m := h.mx.Load()
		if int64(d) <= m || h.mx.CompareAndSwap(m, int64(d)) {
			return
		}
	}
}

func (h *histogram) stats() LatencyStats {
	n := h.n.Load()
	if n == 0 {
		return LatencyStats{}
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	mx := time.Duration(h.mx.Load())
	q := func(p float64) float64 {
		rank := int64(math.Ceil(p * float64(n)))
		var seen int64
		for i := range h.buckets {
			if seen += h.buckets[i].Load(); seen >= rank {
				return ms(min(upper(i), mx))
			}
		}
		return ms(mx)
	}
	return LatencyStats{Samples: n, P50: q(0.50), P95: q(0.95), P99: q(0.99), Max: ms(mx), Mean: ms(time.Duration(h.sum.Load() / n))}
}
