package hub

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"log/slog"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/jihat/jihat"
)

// Config configures a Hub. Zero values take the documented defaults.
type Config struct {
	// NewBus creates this node's bus, delivering other nodes' messages to
	// the handler it is given. Nil: an in-process MemoryBus of its own (a
	// single node). For Redis:
	//
	//	NewBus: func(h hub.BusHandler) (hub.Bus, error) {
	//		return hub.NewRedisBus(hub.RedisBusConfig{Client: rdb, Handler: h})
	//	}
	NewBus func(BusHandler) (Bus, error)
	// Presence is shared by the nodes (RedisPresence) or local
	// (MemoryPresence, the default). The caller owns it.
	Presence Presence
	// Events reads durable events back from the database. Nil: no replay
	// on subscribe, no gap filling, no position messages.
	Events EventSource
	// Logger; nil discards (the binary passes its own).
	Logger *slog.Logger
	// Metrics registers the hub's collectors; nil registers nothing.
	Metrics prometheus.Registerer
	// NodeID names this node in connection IDs; a random UUID when empty.
	NodeID string

	// Shards of the channel map (64).
	Shards int
	// QueueSize bounds each connection's send queue, in frames (256). A
	// subscriber whose queue is full is disconnected with CloseResync.
	QueueSize int
	// SeamBuffer bounds the live frames held for one subscription while
	// its replay from the database runs (1024); beyond: CloseResync.
	SeamBuffer int
	// ReplayPage is the limit given to EventSource.Replay (500).
	ReplayPage int
	// GapWait is how long a sequenced channel holds an event that arrived
	// before its predecessor, waiting for it, before it reads the missing
	// events from the database (200 ms).
	GapWait time.Duration
	// MaxHeld bounds the events a channel holds while it waits (1024).
	MaxHeld int
	// PositionInterval is how often each subscriber of a sequenced channel
	// is told the channel's latest sequence in the database (5 s).
	PositionInterval time.Duration
	// WriteTimeout bounds one socket write of a batch of frames (10 s).
	WriteTimeout time.Duration
	// Writers is the number of write loops that write the sockets' queued
	// frames (writers.go): GOMAXPROCS−1, at least 1. Negative: no loops,
	// every socket writes on a goroutine of its own (the design before
	// them, kept for comparison).
	Writers int
	// MaxBacklog is the number of frames queued on this node's sockets in
	// all above which a local Publish waits (up to a second) for the
	// writers to catch up (writers.go, waitBacklog); 0: 16 per connection,
	// at least 16,384.
	MaxBacklog int
	// ConnectReads bounds the database reads of connects and subscribes
	// running at once on this node (16): authentication, authorisation,
	// baselines and replays wait for a slot, so that a reconnect storm
	// leaves the database's connections to the live traffic's commits
	// (reads.go). The server raises it where those reads have connections
	// of their own (SQLite's read pool: server.connectReads).
	ConnectReads int

	// OnConnect and OnDisconnect, when set, are called for every connection
	// of this node (from a goroutine of the connection; they must not block
	// for long). For statistics such as hours worked.
	OnConnect    func(SessionEvent)
	OnDisconnect func(SessionEvent)
	// OnActivity, when set, is called with the user and the time of every
	// message a client sends except ping (subscribe, typing, commands): the
	// user is acting, for the active time of hours worked. It must not block.
	OnActivity func(userID string, at time.Time)
	// OnPresence, when set, is told the edges of presence on a channel
	// that tracks it: present is true when a user's first connection joins
	// (on any node; called on the node that saw the edge, before the
	// joiner's snapshot is sent) and false when their last one leaves or
	// expires. It runs on the subscribing goroutine and must be quick; a
	// user who rejoins quickly may be reported present twice.
	OnPresence func(ctx context.Context, channel, userID string, present bool)
	// StrictPresence, when set, reports the channels whose subscribers
	// must be in the presence set (a meeting's attendance is its
	// presence): a subscription there whose presence join fails is closed
	// with CloseResync, so the client comes back, instead of going on
	// unseen (a member in the room recorded absent, their votes refused).
	// On other channels a subscription goes on without presence (local
	// delivery survives a Redis outage).
	StrictPresence func(channel string) bool
	// Snapshot, when set, adds fields to the snapshot a subscriber of a
	// presence channel gets: a JSON object whose members are appended
	// after "presence" (e.g. a meeting's tally, attendance and agenda
	// position). Nil adds nothing. An error is logged and closes the
	// connection with CloseResync instead of sending a snapshot without
	// the application's part (it would read as the truth): the client
	// reconnects and subscribes again.
	Snapshot func(ctx context.Context, p Principal, channel string) (json.RawMessage, error)
	// OnNodeMessage receives what other nodes sent this node with SendNode.
	// It is called from the bus's goroutine and must not block.
	OnNodeMessage func(payload []byte)
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// SessionEvent describes a connection that came or went.
type SessionEvent struct {
	UserID, SessionID, ConnID string
	ConnectedAt               time.Time
	At                        time.Time // when it happened; DisconnectedAt for OnDisconnect
	// Online is true in OnConnect when the user had no other connection on
	// any node, and in OnDisconnect when this was the user's last one: the
	// edges of "online" for time tracking. A node that dies reports nothing;
	// its connections expire from presence after the presence TTL.
	Online bool
	// Reason is the disconnect reason (a label of jihat_hub_disconnects_total).
	Reason string
}

func (c *Config) setDefaults() {
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	if c.NodeID == "" {
		c.NodeID = uuid.NewString()
	}
	def := func(v *int, d int) {
		if *v <= 0 {
			*v = d
		}
	}
	def(&c.Shards, 64)
	def(&c.QueueSize, 256)
	def(&c.SeamBuffer, 1024)
	def(&c.ReplayPage, 500)
	def(&c.MaxHeld, 1024)
	def(&c.ConnectReads, 16)
	if c.Writers == 0 {
		c.Writers = max(1, runtime.GOMAXPROCS(0)-1)
	}
	defd := func(v *time.Duration, d time.Duration) {
		if *v <= 0 {
			*v = d
		}
	}
	defd(&c.GapWait, 200*time.Millisecond)
	defd(&c.PositionInterval, 5*time.Second)
	defd(&c.WriteTimeout, 10*time.Second)
	if c.Presence == nil {
		c.Presence = NewMemoryPresence(MemoryPresenceConfig{Now: c.Now})
	}
	if c.Now == nil {
		c.Now = time.Now
	}
}

// Hub fans out frames to the subscribers of channels on this node and, over
// the Bus, to the other nodes. It is safe for concurrent use.
type Hub struct {
	cfg      Config
	log      *slog.Logger
	bus      Bus
	presence Presence
	members  FreshReads[[]string] // the member lists of joiners' snapshots, shared (presence_hub.go)
	events   EventSource
	m        *metrics
	reads    chan struct{} // slots of ConnectReads (reads.go)
	loops    []*writeLoop  // the write loops (writers.go)
	backlog  atomic.Int64  // frames queued on sockets, not yet taken by a writer
	live     atomic.Int64  // registered connections

	seed     maphash.Seed
	shards   []*shard
	interest []*interestStripe
	reg      registry

	connSeq   atomic.Uint64
	connMu    sync.Mutex      // orders register against Close
	closed    atomic.Bool     // set under connMu
	ctx       context.Context // the hub's lifetime, for background work
	cancel    context.CancelFunc
	bgMu      sync.Mutex // guards bgStopped and bg.Add
	bgStopped bool
	bg        sync.WaitGroup // background goroutines
	conns     sync.WaitGroup // connections being served
}

// New returns a running Hub. Close it when done.
func New(cfg Config) (*Hub, error) {
	cfg.setDefaults()
	m, err := newMetrics(cfg.Metrics)
	if err != nil {
		return nil, fmt.Errorf("hub: register metrics: %w", err)
	}
	h := &Hub{cfg: cfg, log: cfg.Logger, presence: cfg.Presence, events: cfg.Events, m: m, seed: maphash.MakeSeed(),
		reads: make(chan struct{}, cfg.ConnectReads)}
	h.ctx, h.cancel = context.WithCancel(context.Background())
	h.shards = make([]*shard, cfg.Shards)
	for i := range h.shards {
		h.shards[i] = &shard{channels: map[string]*channelState{}}
	}
	h.interest = make([]*interestStripe, cfg.Shards)
	for i := range h.interest {
		h.interest[i] = &interestStripe{subscribed: map[string]bool{}}
	}
	h.reg.init()
	if cfg.NewBus == nil {
		h.bus = NewMemoryBus(MemoryBusConfig{NodeID: cfg.NodeID, Handler: h.handleBus})
	} else if h.bus, err = cfg.NewBus(h.handleBus); err != nil {
		h.cancel()
		return nil, fmt.Errorf("hub: bus: %w", err)
	}
	ctx, cancel := context.WithTimeout(h.ctx, 5*time.Second)
	defer cancel()
	for _, ch := range []string{controlChannel, nodeChannel(cfg.NodeID)} {
		// Recorded even on error: the bus establishes it when it can.
		if err := h.bus.Subscribe(ctx, ch); err != nil {
			h.m.busErrors.WithLabelValues("subscribe").Inc()
			h.log.Warn("hub: bus subscribe", "channel", ch, "err", err)
		}
	}
	h.startWriters()
	h.startBackground()
	return h, nil
}

// NodeID returns this node's ID.
func (h *Hub) NodeID() string { return h.cfg.NodeID }

// Ping reports whether the bus reaches the other nodes (for /readyz).
func (h *Hub) Ping(ctx context.Context) error { return h.bus.Ping(ctx) }

// Publish delivers ev on channel to the subscribers of this node, then to
// the other nodes through the bus. The frame is encoded once and the same
// bytes go to every subscriber. A durable event carries the Seq the
// database assigned; call Publish after the transaction commits.
//
// Errors are for a bad channel or payload only. When the bus fails the
// local delivery has happened, the failure is logged and counted, and the
// other nodes repair the gap from the database (positions, gap filling).
func (h *Hub) Publish(ctx context.Context, channel string, ev Event) error {
	if !jihat.ValidChannel(channel) {
		return jihat.Errorf(jihat.EINVALID, "invalid_channel")
	}
	if ev.Type == "" {
		ev.Type = TypeEvent
	}
	if !validServerType(ev.Type) || ev.Seq < 0 || len(ev.Data) > 0 && !json.Valid(ev.Data) {
		return jihat.Errorf(jihat.EINVALID, "invalid_input")
	}
	frame := encodeFrame(ev.Type, "", channel, ev.Seq, ev.Data)
	if ev.Key != "" && ev.Seq == 0 {
		h.publishKeyed(ctx, channel, frame, ev.Key, ev.Audience)
		return nil
	}
	h.publishFrame(ctx, channel, frame, ev.Seq, ev.Audience, nil)
	return nil
}

// publishKeyed delivers the frame of a keyed (unsequenced durable) event
// locally and to the other nodes.
func (h *Hub) publishKeyed(ctx context.Context, channel string, frame []byte, key string, aud *jihat.Audience) {
	h.waitBacklog(ctx)
	h.m.published.WithLabelValues("local").Inc()
	h.arriveKeyed(channel, frame, key, aud)
	h.busPublish(ctx, channel, encodeBusKeyed(key, aud, frame))
}

// publishFrame delivers a ready frame locally (except to exclude) and to the
// other nodes.
func (h *Hub) publishFrame(ctx context.Context, channel string, frame []byte, seq int64, aud *jihat.Audience, exclude *conn) {
	h.waitBacklog(ctx)
	h.m.published.WithLabelValues("local").Inc()
	h.arrive(channel, frame, seq, aud, exclude)
	h.busPublish(ctx, channel, encodeBusFrame(seq, aud, frame))
}

// busPublish sends payload to the other nodes: queued, when the bus can
// (the caller's next publish does not wait for this one's answer), else
// waiting for it. A failure is counted and logged; the other nodes'
// subscribers see the gap and read what they missed from the store.
func (h *Hub) busPublish(ctx context.Context, channel string, payload []byte) {
	if q, ok := h.bus.(queuedPublisher); ok {
		q.PublishQueued(channel, payload, func(err error) { h.busPublishFailed(channel, err) })
		return
	}
	h.busPublishFailed(channel, h.bus.Publish(ctx, channel, payload))
}

func (h *Hub) busPublishFailed(channel string, err error) {
	if err != nil {
		h.m.busErrors.WithLabelValues("publish").Inc()
		h.log.Warn("hub: bus publish", "channel", channel, "err", err)
	}
}

// validServerType accepts the types the application may publish.
func validServerType(t string) bool {
	if t == "" || len(t) > 32 {
		return false
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !('a' <= c && c <= 'z' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// ErrClosed is returned by a closed hub.
var ErrClosed = errors.New("hub: closed")

// Close disconnects every connection of this node (CloseGoingAway, so
// clients reconnect to another node), waits for them until ctx ends, stops
// the background work and closes the bus. The Presence is the caller's.
func (h *Hub) Close(ctx context.Context) error {
	h.connMu.Lock()
	already := h.closed.Swap(true)
	h.connMu.Unlock()
	if already {
		return nil
	}
	for _, c := range h.reg.all() {
		c.closeWith(CloseGoingAway, "server shutting down", reasonShutdown)
	}
	done := make(chan struct{})
	go func() { h.conns.Wait(); close(done) }()
	var err error
	select {
	case <-done:
	case <-ctx.Done():
		err = ctx.Err()
	}
	h.cancel()
	h.bgMu.Lock()
	h.bgStopped = true
	h.bgMu.Unlock()
	h.bg.Wait()
	if berr := h.bus.Close(); err == nil {
		err = berr
	}
	return err
}
