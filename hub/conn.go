package hub

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/jihat/jihat"
)

// frameWriter writes frames to one client: the WebSocket in production, a
// recorder in tests and benchmarks.
type frameWriter interface {
	// writeFrames writes frames in order as one batch and returns how many
	// it wrote; it stops early when stop reports true.
	writeFrames(frames [][]byte, stop func() bool) (int, error)
	// close closes the connection with code and reason.
	close(code websocket.StatusCode, reason string)
}

// conn is one client connection. Frames reach it through a bounded queue
// that a writer drains: one of the hub's write loops, or a goroutine of the
// socket's own when the client is behind (writers.go). The writer runs only
// while there is something to write (an idle connection costs no goroutine
// of its own), and it writes everything pending in one batch: that is where
// frames coalesce when a connection is behind.
type conn struct {
	h     *Hub
	srv   *Endpoint // nil for connections made by tests and benchmarks
	id    string
	p     Principal
	w     frameWriter
	loop  *writeLoop // the write loop that writes this socket (writers.go)
	since time.Time  // connected at
	// the upgrade request's client address and User-Agent, for the audit
	// of commands
	clientIP, userAgent string

	closing  atomic.Bool   // set once; no frame is queued after it
	stopping func() bool   // closing.Load, made once: a method value passed to a writer is an allocation per write
	lastSeen atomic.Int64  // unix nanoseconds of the last frame or pong from the client
	pingedAt int64         // unix nanoseconds of the last ping; only the keepalive sweep uses it
	rechecks atomic.Uint64 // re-checks of the user begun (reauthorize)
	done     chan struct{} // closed when the socket is closed

	mu          sync.Mutex    // guards the following fields
	space       chan struct{} // signalled when the writer took a batch; made by the first sendWait that waits
	pending     [][]byte
	queuedAt    int64    // unix nanoseconds when pending was last empty and a frame came (jihat_hub_write_delay_seconds)
	spare       [][]byte // the previous batch's array, reused
	writing     bool     // a writer goroutine is running
	closeCode   websocket.StatusCode
	closeReason string
	why         string          // disconnect reason for metrics and hooks
	last        []byte          // a frame written just before the close (the reason an auth failed)
	subs        []*subscription // a slice, not a map: a socket has a few (at most MaxSubscriptions)
}

// canRead reports whether the connection's user may read an event of
// audience aud (nil: anyone subscribed).
func (c *conn) canRead(aud *jihat.Audience) bool {
	if aud == nil {
		return true
	}
	if c.srv == nil || c.srv.reader == nil {
		return false
	}
	return c.srv.reader.CanRead(c.p, *aud)
}

func (h *Hub) newConn(srv *Endpoint, p Principal, w frameWriter) *conn {
	c := &conn{
		h:     h,
		srv:   srv,
		p:     p,
		w:     w,
		since: h.cfg.Now(),
		done:  make(chan struct{}),
	}
	seq := h.connSeq.Add(1)
	c.id = h.cfg.NodeID + "/" + itoa(seq)
	c.loop = h.loopFor(seq)
	c.stopping = c.closing.Load
	c.lastSeen.Store(c.since.UnixNano())
	return c
}

// enqueueLocked queues frame; it reports overflow when the queue is full.
// c.mu is held.
func (c *conn) enqueueLocked(frame []byte) (overflow bool) {
	if c.closing.Load() {
		return false
	}
	if len(c.pending) >= c.h.cfg.QueueSize {
		return true
	}
	if len(c.pending) == 0 {
		c.queuedAt = time.Now().UnixNano()
	}
	c.pending = append(c.pending, frame)
	c.h.backlog.Add(1)
	if !c.writing {
		c.writing = true
		c.startWriter()
	}
	return false
}

// send queues a frame for this connection alone (ack, error, snapshot...).
// A full queue disconnects the client with CloseResync.
func (c *conn) send(frame []byte) {
	c.mu.Lock()
	overflow := c.enqueueLocked(frame)
	c.mu.Unlock()
	if overflow {
		c.closeWith(CloseResync, "resync", reasonResync)
	}
}

var errConnClosed = errors.New("hub: connection closed")

// sendWait queues a replayed frame, waiting while the queue is more than
// half full so that a long replay never crowds out live frames (whose
// overflow would disconnect the client).
func (c *conn) sendWait(ctx context.Context, frame []byte) error {
	for {
		c.mu.Lock()
		if c.closing.Load() {
			c.mu.Unlock()
			return errConnClosed
		}
		if len(c.pending) < max(1, c.h.cfg.QueueSize/2) {
			c.enqueueLocked(frame)
			c.mu.Unlock()
			return nil
		}
		space := c.spaceLocked()
		c.mu.Unlock()
		if err := c.waitSpace(ctx, space); err != nil {
			return err
		}
	}
}

// spaceLocked returns the channel the writer signals when it takes a
// batch, made on first use: most sockets never wait. c.mu is held.
func (c *conn) spaceLocked() chan struct{} {
	if c.space == nil {
		c.space = make(chan struct{}, 1)
	}
	return c.space
}

// waitSpace waits until the writer takes a batch from the queue (or the
// connection closes).
func (c *conn) waitSpace(ctx context.Context, space chan struct{}) error {
	select {
	case <-space:
		return nil
	case <-c.done:
		return errConnClosed
	case <-ctx.Done():
		return ctx.Err()
	}
}

// drain is a socket's own writer goroutine (writers.go: a socket that
// cannot be written without waiting, or is closing): it writes all pending
// frames as one batch until none is left, then exits; when the connection
// is closing it closes the socket instead.
func (c *conn) drain() {
	for {
		c.mu.Lock()
		if c.closing.Load() {
			c.h.backlog.Add(-int64(len(c.pending)))
			c.pending, c.spare = nil, nil
			code, reason, last := c.closeCode, c.closeReason, c.last
			c.mu.Unlock()
			if last != nil {
				c.w.writeFrames([][]byte{last}, func() bool { return false })
			}
			c.w.close(code, reason)
			close(c.done)
			return
		}
		if len(c.pending) == 0 {
			c.writing = false
			c.mu.Unlock()
			return
		}
		batch, queuedAt, space := c.takePending()
		c.mu.Unlock()
		signal(space)
		n, err := c.w.writeFrames(batch, c.stopping)
		c.wrote(batch, n, queuedAt, err)
	}
}

// signal wakes a sendWait waiting on space (nil: none ever waited).
func signal(space chan struct{}) {
	if space == nil {
		return
	}
	select {
	case space <- struct{}{}:
	default:
	}
}

// closeWith starts closing the connection: from now on nothing is queued
// (pending frames are dropped), and the writer closes the socket with code.
// Only the first call counts.
func (c *conn) closeWith(code websocket.StatusCode, reason, why string) {
	c.closeAfter(nil, code, reason, why)
}

// closeAfter is closeWith that writes one last frame (when not nil) before
// the close frame, so a client learns why it is closed.
func (c *conn) closeAfter(last []byte, code websocket.StatusCode, reason, why string) {
	c.mu.Lock()
	if c.closing.Load() {
		c.mu.Unlock()
		return
	}
	c.closing.Store(true)
	c.last = last
	c.closeCode, c.closeReason, c.why = code, reason, why
	c.h.backlog.Add(-int64(len(c.pending)))
	c.pending = nil
	start := !c.writing
	c.writing = true
	space := c.space
	c.mu.Unlock()
	c.h.m.disconnects.WithLabelValues(why).Inc()
	signal(space)
	if start {
		go c.drain()
	}
}

// reason returns the disconnect reason once closing.
func (c *conn) reason() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.why
}

func itoa(n uint64) string {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
		if n == 0 {
			return string(b[i:])
		}
	}
}

// takePending takes c's queued frames off for one write (c.mu held): the
// previous batch's array takes their place, and the hub's backlog drops by
// them.
func (c *conn) takePending() (batch [][]byte, queuedAt int64, space chan struct{}) {
	batch, queuedAt, space = c.pending, c.queuedAt, c.space
	c.pending, c.spare = c.spare, nil
	c.h.backlog.Add(-int64(len(batch)))
	return batch, queuedAt, space
}
