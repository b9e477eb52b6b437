package hub

import (
	"encoding/binary"
	"net"
	"sync"
	"time"
)

// Coalescing writes, and frames written here. One write per frame (as
// coder/websocket did: each message under its own locks and context
// timeout, flushed at its end) would cost N system calls for N queued
// frames. The writer instead drains every pending frame in one
// batch, and this connection frames them itself (a server's text frames are
// unmasked: a 2–10 byte header and the payload) into one buffer written
// with one system call under one deadline. The protocol stays one JSON
// envelope per WebSocket frame, so browsers, the SDK and the load generator
// need no batch format; the client sees the same frames, sooner and in
// fewer packets. Control frames (wsconn.go) take the same lock, each one
// Write, so the two never interleave within a frame.

// maxCorked is how much a batch buffers before it writes early.
const maxCorked = 256 << 10

// writeTextFrames writes frames as WebSocket text frames, batched: one
// write system call per maxCorked bytes, each by deadline. It stops early
// when stop reports true and returns how many frames it wrote.
func (c *wsConn) writeTextFrames(frames [][]byte, deadline time.Time, stop func() bool) (int, error) {
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

// corkBuffers hold the batches being written, so that an idle connection
// keeps no buffer.
var corkBuffers = sync.Pool{New: func() any { return new([]byte) }}
