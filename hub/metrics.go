package hub

import (
	"github.com/prometheus/client_golang/prometheus"
)

// Disconnect reasons, the "reason" label of jihat_hub_disconnects_total.
const (
	reasonClient      = "client"       // the client closed or went away
	reasonResync      = "resync"       // slow consumer: send queue or seam buffer full
	reasonRevoked     = "revoked"      // DisconnectUser / DisconnectSession
	reasonRateLimit   = "rate_limit"   // sustained abuse of the message rate
	reasonAuthTimeout = "auth_timeout" // no auth message in time
	reasonAuthFailed  = "auth_failed"  // bad token, or another message before auth
	reasonIdle        = "idle"         // no pong in time
	reasonTooBig      = "too_big"      // a message over the read limit
	reasonWriteError  = "write_error"  // the socket failed or timed out while writing
	reasonShutdown    = "shutdown"     // the hub is closing
	reasonInternal    = "internal"     // a panic while serving the socket
)

// metrics are the hub's Prometheus collectors.
type metrics struct {
	connections   prometheus.Gauge
	subscriptions prometheus.Gauge
	channels      prometheus.Gauge
	disconnects   *prometheus.CounterVec
	published     *prometheus.CounterVec // by origin: local, bus
	framesSent    prometheus.Counter
	writeBatch    prometheus.Histogram
	busErrors     *prometheus.CounterVec // by op
	gapFills      prometheus.Counter
	duplicates    prometheus.Counter
	scoped        prometheus.Counter
	rateLimited   prometheus.Counter
	refused       *prometheus.CounterVec // upgrades refused, by reason
	replaySkipped prometheus.Counter
	readWaits     prometheus.Counter
	writeDelay    prometheus.Histogram
	slowWrites    prometheus.Counter
	behindWrites  prometheus.Counter
	backpressure  prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		connections: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "jihat_hub_connections", Help: "Open WebSocket connections on this node."}),
		subscriptions: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "jihat_hub_subscriptions", Help: "Channel subscriptions on this node."}),
		channels: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "jihat_hub_channels", Help: "Channels with at least one subscriber on this node."}),
		disconnects: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jihat_hub_disconnects_total", Help: "Closed connections by reason."}, []string{"reason"}),
		published: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jihat_hub_published_total", Help: "Frames fanned out on this node, by origin (local or bus)."}, []string{"origin"}),
		framesSent: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jihat_hub_frames_sent_total", Help: "Frames written to sockets."}),
		writeBatch: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "jihat_hub_write_batch_frames", Help: "Frames written per socket write (coalescing).",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256}}),
		busErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jihat_hub_bus_errors_total", Help: "Failed bus operations, by op."}, []string{"op"}),
		gapFills: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jihat_hub_gap_fills_total", Help: "Channel gaps filled from the database."}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jihat_hub_duplicates_total", Help: "Durable events dropped because already delivered."}),
		scoped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jihat_hub_scoped_total", Help: "Frames not delivered to a subscriber outside their audience."}),
		rateLimited: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jihat_hub_rate_limited_total", Help: "Client messages refused by the rate limit."}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "jihat_hub_upgrades_refused_total", Help: "WebSocket upgrades refused, by reason."}, []string{"reason"}),
		replaySkipped: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jihat_hub_replays_skipped_total", Help: "Subscriptions with since at the channel's delivered position: no database read."}),
		readWaits: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jihat_hub_connect_read_waits_total", Help: "Connect and subscribe reads that waited for a slot (Config.ConnectReads)."}),
		writeDelay: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "jihat_hub_write_delay_seconds", Help: "From a frame queued on an empty send queue to its batch written to the socket.",
			Buckets: []float64{.0005, .001, .002, .005, .01, .02, .05, .1, .2, .5, 1, 2}}),
		slowWrites: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jihat_hub_slow_writes_total", Help: "Batches a write loop handed to the socket's own goroutine: the client's kernel buffer was full (it is behind)."}),
		behindWrites: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jihat_hub_behind_writes_total", Help: "Sockets a write loop handed to a goroutine of their own because 16 frames or more were queued (the loop fell behind)."}),
		backpressure: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "jihat_hub_backpressure_total", Help: "Local publishes that waited for the sockets' writers to catch up (Config.MaxBacklog)."}),
	}
	for _, r := range []string{reasonClient, reasonResync, reasonRevoked, reasonRateLimit, reasonAuthTimeout,
		reasonAuthFailed, reasonIdle, reasonTooBig, reasonWriteError, reasonShutdown} {
		m.disconnects.WithLabelValues(r) // export zeros, so a rate() has a series
	}
	if reg != nil {
		for _, c := range []prometheus.Collector{m.connections, m.subscriptions, m.channels, m.disconnects,
			m.published, m.framesSent, m.writeBatch, m.busErrors, m.gapFills, m.duplicates, m.scoped, m.rateLimited, m.refused, m.replaySkipped, m.readWaits, m.writeDelay, m.slowWrites, m.behindWrites, m.backpressure} {
			if err := reg.Register(c); err != nil {
				return nil, err
			}
		}
	}
	return m, nil
}
