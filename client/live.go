package client

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
)

// LiveConfig tunes a live connection. Zero values take the defaults in
// brackets.
type LiveConfig struct {
	// EventBuffer is the capacity of the Events channel [256].
	EventBuffer int
	// NoReconnect ends the Live at the first drop instead of reconnecting.
	NoReconnect bool
	// MinBackoff and MaxBackoff bound the pause before each redial; it
	// doubles from MinBackoff [100ms] up to MaxBackoff [5s], with jitter.
	MinBackoff, MaxBackoff time.Duration
	// HandshakeTimeout bounds a dial and its first round trip [10s].
	HandshakeTimeout time.Duration
	// PingInterval is how often a WebSocket ping checks that the server is
	// still there [30s]; a ping unanswered within HandshakeTimeout drops the
	// socket (and reconnects). Negative disables it.
	PingInterval time.Duration
	// SendRate and SendBurst pace the messages this Live sends, to stay
	// under the server's per-socket limit (20/s, burst 40) [18/s, 36].
	// A negative SendRate disables pacing.
	SendRate  float64
	SendBurst int
	// FetchTimeout is how long a fetch of missing events may go without
	// closing the gap before it is asked again [5s]; after MaxFetchAttempts
	// [3] the gap is skipped (counted in Stats.GapsSkipped) so a channel
	// never stalls.
	FetchTimeout     time.Duration
	MaxFetchAttempts int
	// MaxHeld bounds the out-of-order events kept per channel while a gap is
	// being fetched [10000]; beyond it the gap is skipped.
	MaxHeld int
	// ReadLimit is the largest message accepted from the server [1 MiB].
	ReadLimit int64
	// OnMessage, when set, is given every message, in order, instead of
	// the Events channel: one call at a time, on the Live's own goroutines
	// (mostly the one that reads the socket), so it must return quickly
	// (the socket is not read meanwhile) and must not call the Live. Events then only closes when the Live ends. It
	// spares a goroutine hand-off per message (jihat-load's subscribers).
	OnMessage func(Message)
}

func (c *LiveConfig) setDefaults() {
	def := func(v *time.Duration, d time.Duration) {
		if *v == 0 {
			*v = d
		}
	}
	def(&c.MinBackoff, 100*time.Millisecond)
	def(&c.MaxBackoff, 5*time.Second)
	def(&c.HandshakeTimeout, 10*time.Second)
	def(&c.PingInterval, 30*time.Second)
	def(&c.FetchTimeout, 5*time.Second)
	if c.EventBuffer <= 0 {
		c.EventBuffer = 256
	}
	if c.SendRate == 0 {
		c.SendRate = 18
	}
	if c.SendBurst <= 0 {
		c.SendBurst = 36
	}
	if c.MaxFetchAttempts <= 0 {
		c.MaxFetchAttempts = 3
	}
	if c.MaxHeld <= 0 {
		c.MaxHeld = 10000
	}
	if c.ReadLimit <= 0 {
		c.ReadLimit = 1 << 20
	}
}

// Stats are a Live's counters since Connect.
type Stats struct {
	Reconnects  int64 // sockets opened after a drop
	DialErrors  int64 // failed redials
	Delivered   int64 // durable events delivered on Events
	Duplicates  int64 // durable events dropped because already delivered
	Fetches     int64 // fetch requests sent for missing events
	GapsFilled  int64 // gaps closed by fetched events
	GapsSkipped int64 // gaps given up after MaxFetchAttempts (or MaxHeld)
}

type counters struct {
	reconnects, dialErrors, delivered, duplicates, fetches, gapsFilled, gapsSkipped atomic.Int64
}

// Live is a live connection to /ws that survives drops: it redials with
// backoff and resumes every subscription from the last sequence number it
// delivered, so each durable event of a case or meeting channel reaches
// Events exactly once and in order. It is safe for concurrent use.
type Live struct {
	c       *Client
	cfg     LiveConfig
	ctx     context.Context // cancelled when the Live ends: bounds dials
	cancel  context.CancelFunc
	events  chan Message
	quit    chan struct{} // closed when the Live ends (Close or a terminal error)
	done    chan struct{} // closed once every goroutine ended and events is closed
	wake    chan struct{} // nudges the keepalive goroutine (a fetch started)
	limiter *bucket
	n       counters
	wg      sync.WaitGroup // helper goroutines: keepalive, subscriber, fetches
	reqID   atomic.Uint64
	endOnce sync.Once

	// emitMu serialises "update channel state, then deliver", so messages of
	// one channel reach Events in the order their state was decided.
	emitMu       sync.Mutex
	eventsClosed bool // guarded by emitMu

	mu         sync.Mutex // guards the following fields
	conn       *liveConn  // the socket now, nil while reconnecting
	up         chan struct{}
	gen        uint64
	channels   map[string]*chanState
	pending    map[string]*request
	subRunning bool
	err        error // why the Live ended
}

// Connect dials the server's /ws with the client's token (an Authorization:
// Bearer header at the upgrade, never in the URL) and returns the Live once
// the server has accepted it. It fails with an *Error when the server
// refuses the credentials or the Origin.
func (c *Client) Connect(ctx context.Context) (*Live, error) {
	return c.ConnectConfig(ctx, LiveConfig{})
}

// ConnectConfig is Connect with a configuration.
func (c *Client) ConnectConfig(ctx context.Context, cfg LiveConfig) (*Live, error) {
	cfg.setDefaults()
	l := &Live{
		c: c, cfg: cfg,
		events:   make(chan Message, cfg.EventBuffer),
		quit:     make(chan struct{}),
		done:     make(chan struct{}),
		wake:     make(chan struct{}, 1),
		up:       make(chan struct{}),
		channels: map[string]*chanState{},
		pending:  map[string]*request{},
		limiter:  newBucket(cfg.SendRate, cfg.SendBurst),
	}
	l.ctx, l.cancel = context.WithCancel(context.Background())
	lc, err := l.dial(ctx)
	if err != nil {
		l.cancel()
		return nil, err
	}
	l.wg.Add(1)
	go l.keepalive()
	go l.run(lc)
	return l, nil
}

// Events returns the channel of delivered messages. It is closed when the
// Live ends (Close, or a terminal error: see Err).
func (l *Live) Events() <-chan Message { return l.events }

// Err returns why the Live ended: nil while it runs and after Close,
// ErrRevoked or an *Error (credentials refused on a redial) otherwise.
func (l *Live) Err() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.err
}

// Stats returns the counters.
func (l *Live) Stats() Stats {
	return Stats{
		Reconnects: l.n.reconnects.Load(), DialErrors: l.n.dialErrors.Load(), Delivered: l.n.delivered.Load(),
		Duplicates: l.n.duplicates.Load(), Fetches: l.n.fetches.Load(), GapsFilled: l.n.gapsFilled.Load(),
		GapsSkipped: l.n.gapsSkipped.Load(),
	}
}

// Last returns the last sequence number delivered on a subscribed channel,
// and whether one is known (a subscription from Latest learns it from the
// first event or position).
func (l *Live) Last(channel string) (int64, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	cs := l.channels[channel]
	if cs == nil || !cs.known {
		return 0, false
	}
	return cs.last, true
}

// Connected reports whether a socket is up now.
func (l *Live) Connected() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.conn != nil
}

// Close closes the socket with a normal closure and ends the Live; Events
// is closed once every goroutine has ended. It waits at most until ctx is
// done, then drops the socket.
func (l *Live) Close(ctx context.Context) error {
	lc := l.end(nil)
	select {
	case <-l.done:
		return nil
	case <-ctx.Done():
		if lc != nil {
			lc.close()
		}
		<-l.done
		return ctx.Err()
	}
}

// end records why the Live ends and stops it; the first call wins. With a
// nil err (Close) the socket up now gets a normal closure, which end
// returns; otherwise it is dropped.
func (l *Live) end(err error) *liveConn {
	var lc *liveConn
	l.endOnce.Do(func() {
		l.mu.Lock()
		close(l.quit) // under mu: attach checks quit before making a socket current
		l.cancel()
		l.err = err
		lc = l.conn
		if lc != nil && err == nil {
			// The run goroutine is reading lc, so finish cannot be waiting yet.
			l.wg.Add(1)
		}
		l.mu.Unlock()
		switch {
		case lc == nil:
		case err == nil:
			go func() {
				defer l.wg.Done()
				lc.ws.Close(websocket.StatusNormalClosure, "")
			}()
		default:
			lc.close()
		}
	})
	return lc
}

// emit delivers msgs in order; it gives up when the Live ends.
func (l *Live) emit(msgs ...Message) {
	l.emitMu.Lock()
	defer l.emitMu.Unlock()
	l.emitLocked(msgs)
}

// emitLocked is emit with emitMu held.
func (l *Live) emitLocked(msgs []Message) {
	if l.eventsClosed {
		return
	}
	if on := l.cfg.OnMessage; on != nil {
		for _, m := range msgs {
			on(m)
		}
		return
	}
	for _, m := range msgs {
		select {
		case l.events <- m:
		case <-l.quit:
			return
		}
	}
}

// finish runs last: it waits for the helper goroutines, then closes Events.
func (l *Live) finish() {
	l.wg.Wait()
	l.emitMu.Lock()
	l.eventsClosed = true
	close(l.events)
	l.emitMu.Unlock()
	close(l.done)
}

// closed reports whether the Live has ended.
func (l *Live) closed() bool {
	select {
	case <-l.quit:
		return true
	default:
		return false
	}
}
