package hub

import (
	"context"
	"runtime"
	"sync"
	"time"
)

// Write loops: who writes a socket's queued frames.
//
// A fan-out of one event to a thousand subscribers queues a frame on each of
// them. Starting a goroutine per socket for that (as the writer once did)
// made a thousand goroutines runnable per event: at 100 events/s that is
// 100,000 goroutine starts a second, and every other goroutine of the server
// (an HTTP handler, the commit loop, the one that answers the publisher) waited
// in the run queues behind them, each hop of the publish path behind a few
// thousand socket writes. That queueing, not the commit, was the p99 of a
// publish.
//
// Instead a socket with something to write is put on one of a few write
// loops (Config.Writers, GOMAXPROCS−1 by default: the fan-out may take every
// core but one, which stays free for the accept path and the network poller).
// A loop writes each ready socket's whole queue in one system call that does
// not wait (the socket is non-blocking underneath: a client that keeps up
// always has room in its kernel buffer), and yields the processor every few
// sockets, so the goroutines of the publish path never queue behind more than
// a few writes. A socket whose kernel buffer is full (a client behind, or a
// control frame being written) is handed to a goroutine of its own, which
// waits for it under WriteTimeout as before, and returns to the loops once
// its queue is empty: a slow client cannot stall the others.
//
// A loop that falls behind (a socket has 16 frames queued when the loop
// comes to it: more events per second than one loop writes, or a connect
// storm's goroutines crowding the loop out of the processors) hands that
// socket to a goroutine of its own too, until its queue is empty: under
// overload the writes get a goroutine per socket behind, and the scheduler's
// share that goes with it, as before the loops.
//
// Closing a socket (a close handshake that may wait for the peer) always runs
// on the socket's own goroutine (conn.drain).

// yieldEvery is how many sockets a write loop serves before it lets other
// goroutines run (runtime.Gosched): about 50–100 µs of writes. Measured
// against yielding after 1 ms of writes (1,000 subscribers × 100
// comments/s: p99 132 vs 215 ms) and a goroutine per socket (169 ms).
const yieldEvery = 8

// behind is the queue length at which a write loop hands a socket to a
// goroutine of its own (writePooled): 16 events behind. At 100 events/s
// to 1,000 subscribers a loop's batches are 1–4 frames.
const behind = 16

// pooledWriter is a frameWriter that can write without waiting.
type pooledWriter interface {
	frameWriter
	// pooled reports whether tryWriteFrames works for this socket (a plain
	// TCP socket; not e.g. TLS terminated in this process).
	pooled() bool
	// tryWriteFrames writes frames in order as far as the socket takes them
	// now, without waiting, stopping early when stop reports true. When
	// everything was written (or the write failed) rest is nil and n is the
	// number of frames written. Otherwise rest must be called, on a
	// goroutine that may wait, to write the remainder: it returns the number
	// of frames written in all.
	tryWriteFrames(frames [][]byte, stop func() bool) (n int, rest func() (int, error), err error)
}

// writeLoop is one write loop: a FIFO of sockets with frames to write.
type writeLoop struct {
	wake    chan struct{} // a token when ready became non-empty
	mu      sync.Mutex    // guards the following
	ready   []*conn
	stopped bool // the hub closed: sockets get a goroutine of their own
}

// startWriters starts the hub's write loops.
func (h *Hub) startWriters() {
	if h.cfg.Writers < 0 {
		return // every socket writes on a goroutine of its own
	}
	h.loops = make([]*writeLoop, h.cfg.Writers)
	for i := range h.loops {
		l := &writeLoop{wake: make(chan struct{}, 1)}
		h.loops[i] = l
		h.goBackground(l.run)
	}
}

// loopFor returns the write loop of a new connection (round robin).
func (h *Hub) loopFor(seq uint64) *writeLoop {
	if len(h.loops) == 0 {
		return nil
	}
	return h.loops[seq%uint64(len(h.loops))]
}

// startWriter gets the socket's queue written: on its write loop when the
// socket can be written without waiting, else on a goroutine of its own.
// c.writing was just set; c.mu is held.
func (c *conn) startWriter() {
	if c.loop != nil && !c.closing.Load() {
		if pw, ok := c.w.(pooledWriter); ok && pw.pooled() {
			c.loop.push(c)
			return
		}
	}
	go c.drain()
}

// push queues c on the loop.
func (l *writeLoop) push(c *conn) {
	l.mu.Lock()
	if l.stopped {
		l.mu.Unlock()
		go c.drain()
		return
	}
	l.ready = append(l.ready, c)
	first := len(l.ready) == 1
	l.mu.Unlock()
	if first {
		select {
		case l.wake <- struct{}{}:
		default:
		}
	}
}

// run serves the loop until the hub's context ends.
func (l *writeLoop) run(ctx context.Context) {
	var batch []*conn
	for {
		l.mu.Lock()
		batch, l.ready = l.ready, batch[:0]
		l.mu.Unlock()
		if len(batch) == 0 {
			select {
			case <-l.wake:
				continue
			case <-ctx.Done():
				l.stop()
				return
			}
		}
		for i, c := range batch {
			c.writePooled(l)
			batch[i] = nil
			if i%yieldEvery == yieldEvery-1 {
				runtime.Gosched()
			}
		}
	}
}

// stop hands the sockets still queued, and any queued later, to goroutines
// of their own.
func (l *writeLoop) stop() {
	l.mu.Lock()
	l.stopped = true
	left := l.ready
	l.ready = nil
	l.mu.Unlock()
	for _, c := range left {
		go c.drain()
	}
}

// writePooled writes c's queue once, on write loop l, without waiting.
func (c *conn) writePooled(l *writeLoop) {
	c.mu.Lock()
	if c.closing.Load() {
		c.mu.Unlock()
		go c.drain() // the close handshake may wait for the peer
		return
	}
	if len(c.pending) == 0 {
		c.writing = false
		c.mu.Unlock()
		return
	}
	if len(c.pending) >= behind {
		// The loop fell behind this socket (the fan-out outruns one loop's
		// share of the processors, or a connect storm crowds it out): a
		// goroutine of the socket's own drains it, so the writes get their
		// share of the scheduler again; the socket returns to the loop
		// once its queue is empty.
		c.mu.Unlock()
		c.h.m.behindWrites.Inc()
		go c.drain()
		return
	}
	batch, queuedAt, space := c.takePending()
	c.mu.Unlock()
	signal(space)
	n, rest, err := c.w.(pooledWriter).tryWriteFrames(batch, c.stopping)
	if rest != nil {
		c.h.m.slowWrites.Inc()
		// The client is behind (or a control frame is being written): its
		// own goroutine waits for it, then drains what came meanwhile.
		go func() {
			n, err := rest()
			c.wrote(batch, n, queuedAt, err)
			c.drain()
		}()
		return
	}
	c.wrote(batch, n, queuedAt, err)
	c.mu.Lock()
	again := c.closing.Load() || len(c.pending) > 0
	if !again {
		c.writing = false
	}
	c.mu.Unlock()
	if again {
		l.push(c) // behind the sockets already waiting: fair
	}
}

// wrote records a written batch and keeps its array for the next one; a
// write error closes the socket.
func (c *conn) wrote(batch [][]byte, n int, queuedAt int64, err error) {
	c.h.m.framesSent.Add(float64(n))
	c.h.m.writeBatch.Observe(float64(len(batch)))
	c.h.m.writeDelay.Observe(float64(time.Now().UnixNano()-queuedAt) / 1e9)
	clear(batch)
	if cap(batch) <= 64 { // keep small arrays; let a burst's big one go
		c.mu.Lock()
		if c.spare == nil && !c.closing.Load() {
			c.spare = batch[:0]
		}
		c.mu.Unlock()
	}
	if err != nil {
		c.closeWith(CloseGoingAway, "write failed", reasonWriteError)
	}
}

// waitBacklog holds a local publish while the sockets' queues hold more
// than Config.MaxBacklog frames in all: the fan-out is behind (more is
// accepted than the processors write), and publishing faster would only
// overflow subscribers' queues and cut them off (CloseResync, then a
// reconnect and a replay: more work still). The publisher, a request
// waiting for its answer, waits instead, at most a second
// (jihat_hub_backpressure_total).
func (h *Hub) waitBacklog(ctx context.Context) {
	limit := int64(h.cfg.MaxBacklog)
	if limit == 0 {
		limit = 16 * max(1024, h.live.Load())
	}
	if h.backlog.Load() <= limit {
		return
	}
	h.m.backpressure.Inc()
	deadline := time.Now().Add(time.Second)
	for h.backlog.Load() > limit && time.Now().Before(deadline) && ctx.Err() == nil {
		time.Sleep(time.Millisecond)
	}
}
