package hub

import (
	"bufio"
	"net"
	"net/http"
	"sync"
	"time"
)

// Coalescing writes. coder/websocket writes one message per frame and
// flushes its buffer to the net.Conn at the end of each message: N queued
// frames cost N write system calls and usually N TCP segments. The writer
// drains every pending frame in one batch under one deadline, and the socket
// is "corked" for that batch: the connection below coder/websocket buffers
// the bytes and writes them with one system call when the batch ends. The
// protocol stays one JSON envelope per WebSocket frame, so browsers, the SDK
// and the load generator need no batch format; the client sees the same
// frames, sooner and in fewer packets. (A "batch" envelope would also save
// the per-frame headers, a few bytes each, at the price of a second way to
// read events in every client.)

// maxCorked is how much a corked connection buffers before it writes early.
const maxCorked = 256 << 10

// corkConn is the net.Conn under a WebSocket. While corked, writes go to a
// buffer; uncork writes the buffer at once. Control frames that another
// goroutine writes meanwhile (a pong, a close) join the buffer in order.
type corkConn struct {
	net.Conn

	mu       sync.Mutex // guards the following fields, and orders writes
	corked   bool
	deadline time.Time
	buf      []byte
	pooled   *[]byte // buf's slot in corkBuffers while corked
}

// Write implements net.Conn.
func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.corked {
		return c.Conn.Write(p)
	}
	c.buf = append(c.buf, p...)
	if len(c.buf) >= maxCorked {
		if err := c.flushLocked(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// cork starts buffering; the buffer must be written by deadline.
func (c *corkConn) cork(deadline time.Time) {
	c.mu.Lock()
	c.corked, c.deadline = true, deadline
	if c.buf == nil {
		c.pooled = corkBuffers.Get().(*[]byte)
		c.buf = (*c.pooled)[:0]
	}
	c.mu.Unlock()
}

// uncork writes what was buffered with one write and stops buffering; the
// buffer goes back to the pool.
func (c *corkConn) uncork() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.corked = false
	err := c.flushLocked()
	if c.pooled != nil {
		if cap(c.buf) <= 64<<10 { // let a burst's big buffer go
			*c.pooled = c.buf[:0]
			corkBuffers.Put(c.pooled)
		}
		c.pooled = nil
	}
	c.buf = nil
	return err
}

func (c *corkConn) flushLocked() error {
	if len(c.buf) == 0 {
		return nil
	}
	c.Conn.SetWriteDeadline(c.deadline)
	_, err := c.Conn.Write(c.buf)
	c.Conn.SetWriteDeadline(time.Time{})
	c.buf = c.buf[:0]
	return err
}

// corkWriter wraps the ResponseWriter of the upgrade so that the hijacked
// connection is a corkConn.
type corkWriter struct {
	http.ResponseWriter
	conn *corkConn
}

// Hijack implements http.Hijacker.
func (w *corkWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	nc, brw, err := http.NewResponseController(w.ResponseWriter).Hijack()
	if err != nil {
		return nil, nil, err
	}
	if err := brw.Writer.Flush(); err != nil { // nothing is buffered after a 101; be sure
		nc.Close()
		return nil, nil, err
	}
	w.conn = &corkConn{Conn: nc}
	// Small buffers of our own: net/http's 4 KiB reader and writer would
	// stay with every idle connection (coder/websocket keeps both for its
	// lifetime). Client messages are small, and frames to the client go
	// through the cork buffer, so the writer only ever holds one control
	// frame. A reader that already holds bytes of the client is kept.
	br := brw.Reader
	if br.Buffered() == 0 {
		br = bufio.NewReaderSize(nc, readBufferSize)
	}
	return w.conn, bufio.NewReadWriter(br, bufio.NewWriterSize(w.conn, writeBufferSize)), nil
}

// The buffers of a socket's reader and writer (see corkWriter.Hijack).
const (
	readBufferSize  = 1024
	writeBufferSize = 256
)

// corkBuffers hold the batches being written, so that an idle connection
// keeps no buffer.
var corkBuffers = sync.Pool{New: func() any { return new([]byte) }}
