package hub

import (
	"bufio"
	"encoding/binary"
	"net"
	"net/http"
	"sync"
	"syscall"
	"time"
)

// Coalescing writes, and frames written here. coder/websocket writes one
// message per call, each under its own locks and context timeout, and
// flushes to the net.Conn at the end of each: N queued frames would cost N
// write system calls. The writer instead drains every pending frame in one
// batch, and this connection frames them itself (a server's text frames are
// unmasked: a 2–10 byte header and the payload) into one buffer written
// with one system call under one deadline. The protocol stays one JSON
// envelope per WebSocket frame, so browsers, the SDK and the load generator
// need no batch format; the client sees the same frames, sooner and in
// fewer packets. coder/websocket still reads, and writes the control frames
// (pong, ping, close): each is one Write here, whole (its buffer holds a
// whole control frame), so the two never interleave within a frame.

// maxCorked is how much a batch buffers before it writes early.
const maxCorked = 256 << 10

// corkConn is the net.Conn under a WebSocket.
type corkConn struct {
	net.Conn
	raw syscall.RawConn // for writes that do not wait (writeNow); nil when the Conn has none

	mu        sync.Mutex // orders writes; guards closeSent and now
	closeSent bool       // coder/websocket wrote a close frame: no data frame may follow
	now       nowWrite   // writeNow's state
}

// Write implements net.Conn, for coder/websocket's control frames.
func (c *corkConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(p) > 0 && p[0]&0x0f == 0x8 { // opcode close
		c.closeSent = true
	}
	return c.Conn.Write(p)
}

// writePing writes a ping frame (empty payload) by deadline, unless the
// close frame was written. The hub pings this way rather than with
// coder/websocket's Ping, which waits for the pong and keeps a map of pings
// in flight (and a context, a timer) for every idle connection: the
// client's pong reaches the hub through OnPongReceived (touch), and the
// keepalive sweep judges silence (keepalive.go). The sweep uses tryPing;
// this is its fallback for a connection without a raw socket.
func (c *corkConn) writePing(deadline time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeSent {
		return net.ErrClosed
	}
	c.Conn.SetWriteDeadline(deadline)
	_, err := c.Conn.Write([]byte{0x89, 0x00}) // FIN, opcode ping, unmasked, no payload
	c.Conn.SetWriteDeadline(time.Time{})
	return err
}

// tryPing writes a ping frame unless a write is under way (data is
// flowing; the next sweep tries again) or the close frame was written. It
// does not wait: when the socket's buffer is full it writes nothing (the
// client is behind, and its writer waits for it); the one byte that a
// nearly full buffer might leave is written by a goroutine that holds the
// lock until it is. It reports whether the ping was written (or will be).
func (c *corkConn) tryPing(deadline time.Time) bool {
	if c.raw == nil {
		go c.writePing(deadline) // no write that does not wait here
		return true
	}
	if !c.mu.TryLock() {
		return false
	}
	if c.closeSent {
		c.mu.Unlock()
		return false
	}
	ping := []byte{0x89, 0x00} // FIN, opcode ping, unmasked, no payload
	n, err := c.writeNow(ping)
	if err != nil || n == 0 || n == len(ping) {
		c.mu.Unlock()
		return err == nil && n == len(ping)
	}
	go func() {
		defer c.mu.Unlock()
		c.Conn.SetWriteDeadline(deadline)
		c.Conn.Write(ping[n:])
		c.Conn.SetWriteDeadline(time.Time{})
	}()
	return true
}

// writeTextFrames writes frames as WebSocket text frames, batched: one
// write system call per maxCorked bytes, each by deadline. It stops early
// when stop reports true and returns how many frames it wrote.
func (c *corkConn) writeTextFrames(frames [][]byte, deadline time.Time, stop func() bool) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeSent {
		return 0, net.ErrClosed
	}
	pooled := corkBuffers.Get().(*[]byte)
	buf := (*pooled)[:0]
	defer func() {
		if cap(buf) <= 64<<10 { // let a burst's big buffer go
			*pooled = buf[:0]
			corkBuffers.Put(pooled)
		}
	}()
	flush := func() error {
		c.Conn.SetWriteDeadline(deadline)
		_, err := c.Conn.Write(buf)
		c.Conn.SetWriteDeadline(time.Time{})
		buf = buf[:0]
		return err
	}
	n, written := 0, 0
	for _, f := range frames {
		if stop() {
			break
		}
		buf = appendTextFrame(buf, f)
		n++
		if len(buf) >= maxCorked {
			if err := flush(); err != nil {
				return written, err
			}
			written = n
		}
	}
	if len(buf) > 0 {
		if err := flush(); err != nil {
			return written, err
		}
	}
	return n, nil
}

// tryWriteTextFrames is writeTextFrames without waiting (see
// pooledWriter.tryWriteFrames): one write system call of what the socket's
// buffer takes now. When it takes less (the client is behind), or a control
// frame is being written, rest finishes the batch under timeout; the lock
// that keeps frames whole is held until rest has written the part of a
// frame that is left. Only those paths make a closure: the common one
// allocates nothing.
func (c *corkConn) tryWriteTextFrames(frames [][]byte, timeout time.Duration, stop func() bool) (int, func() (int, error), error) {
	if !c.mu.TryLock() {
		return 0, func() (int, error) { return c.writeTextFrames(frames, time.Now().Add(timeout), stop) }, nil
	}
	if c.closeSent {
		c.mu.Unlock()
		return 0, nil, net.ErrClosed
	}
	pooled := corkBuffers.Get().(*[]byte)
	buf := (*pooled)[:0]
	n, stopped := 0, false
	for _, f := range frames {
		if stop() {
			stopped = true
			break
		}
		buf = appendTextFrame(buf, f)
		n++
		if len(buf) >= maxCorked {
			break
		}
	}
	written, err := c.writeNow(buf)
	if err != nil || written == len(buf) && (stopped || n == len(frames)) {
		releaseCork(pooled, buf)
		c.mu.Unlock()
		if err != nil {
			return 0, nil, err
		}
		return n, nil, nil
	}
	return 0, c.finishLater(pooled, buf, written, frames[n:], n, timeout, stop), nil
}

// finishLater is the rest of a batch that tryWriteTextFrames could not
// write at once: buf[written:] (the end of a frame, or more) and the frames
// more, after done frames. c.mu is held, and released once buf is written.
func (c *corkConn) finishLater(pooled *[]byte, buf []byte, written int, more [][]byte, done int, timeout time.Duration, stop func() bool) func() (int, error) {
	return func() (int, error) {
		var err error
		if left := buf[written:]; len(left) > 0 {
			c.Conn.SetWriteDeadline(time.Now().Add(timeout))
			_, err = c.Conn.Write(left)
			c.Conn.SetWriteDeadline(time.Time{})
		}
		releaseCork(pooled, buf)
		c.mu.Unlock()
		if err != nil || len(more) == 0 {
			return done, err
		}
		m, err := c.writeTextFrames(more, time.Now().Add(timeout), stop)
		return done + m, err
	}
}

// releaseCork returns a batch's buffer to corkBuffers, unless a burst made
// it big.
func releaseCork(pooled *[]byte, buf []byte) {
	if cap(buf) <= 64<<10 {
		*pooled = buf[:0]
		corkBuffers.Put(pooled)
	}
}

// appendTextFrame appends payload as one unmasked, final text frame
// (RFC 6455 section 5.2).
func appendTextFrame(b, payload []byte) []byte {
	const finText = 0x81
	switch n := len(payload); {
	case n <= 125:
		b = append(b, finText, byte(n))
	case n <= 0xffff:
		b = append(b, finText, 126, byte(n>>8), byte(n))
	default:
		b = append(b, finText, 127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	return append(b, payload...)
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
	if sc, ok := nc.(syscall.Conn); ok && canWriteNow {
		w.conn.raw, _ = sc.SyscallConn()
	}
	// Small buffers of our own: net/http's 4 KiB reader and writer would
	// stay with every idle connection (coder/websocket keeps both for its
	// lifetime). Client messages are small, and frames to the client go
	// through the cork buffer, so the writer only ever holds one control
	// frame. A reader that already holds bytes of the client is kept. The
	// reader holds 64 bytes: a frame header (at most 14) and a pong fit; a
	// payload longer than what is buffered is read straight from the socket
	// (bufio reads large reads directly), so a subscribe costs a read or two
	// more, only while it arrives. The writer holds 128: the largest control
	// frame (2 + 125 bytes) must go out in one Write, whole, so that it
	// never interleaves with a batch of data frames (see corkConn).
	br := brw.Reader
	if br.Buffered() == 0 {
		br = bufio.NewReaderSize(nc, readBufferSize)
	}
	return w.conn, bufio.NewReadWriter(br, bufio.NewWriterSize(w.conn, writeBufferSize)), nil
}

// The buffers of a socket's reader and writer (see corkWriter.Hijack).
const (
	readBufferSize  = 64
	writeBufferSize = 128
)

// corkBuffers hold the batches being written, so that an idle connection
// keeps no buffer.
var corkBuffers = sync.Pool{New: func() any { return new([]byte) }}
