package client

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"time"

	"github.com/coder/websocket"
)

// Close codes of the server (hub/close.go) that change what the Live does.
const (
	closeRevoked = 4001 // session ended: do not reconnect
	closeResync  = 4008 // fell behind: reconnect and resume
)

// liveConn is one socket of a Live.
type liveConn struct {
	ws  *websocket.Conn
	gen uint64
}

func (lc *liveConn) close() { lc.ws.CloseNow() }

// frameBuffer is a socket's read buffer, reused from message to message:
// websocket.Conn.Read (io.ReadAll) allocates and grows a new slice for
// each, which at tens of thousands of frames a second was the largest part
// of a client's garbage.
type frameBuffer struct{ b bytes.Buffer }

// maxKeptBuffer is the largest read buffer kept for the next message.
const maxKeptBuffer = 64 << 10

// read returns ws's next message, valid until the next read.
func (fb *frameBuffer) read(ws *websocket.Conn) ([]byte, error) {
	_, r, err := ws.Reader(context.Background())
	if err != nil {
		return nil, err
	}
	if fb.b.Cap() > maxKeptBuffer {
		fb.b = bytes.Buffer{}
	}
	fb.b.Reset()
	if _, err := fb.b.ReadFrom(r); err != nil {
		return nil, err
	}
	return fb.b.Bytes(), nil
}

// wsURL is the /ws URL of the server: ws(s)://host/prefix/ws.
func (c *Client) wsURL() string {
	u := *c.base
	if u.Scheme == "https" {
		u.Scheme = "wss"
	} else {
		u.Scheme = "ws"
	}
	u.Path = strings.TrimRight(u.Path, "/") + "/ws"
	u.RawQuery = ""
	return u.String()
}

// dial opens a socket and checks with a first ping that the server took the
// credentials: without valid ones it answers the ping with an EUNAUTHORIZED
// error (it waits for an "auth" message) and closes.
func (l *Live) dial(ctx context.Context) (*liveConn, error) {
	ctx, cancel := context.WithTimeout(ctx, l.cfg.HandshakeTimeout)
	defer cancel()
	h := http.Header{}
	l.c.header(h)
	if l.c.origin != "" {
		h.Set("Origin", l.c.origin)
	}
	ws, res, err := websocket.Dial(ctx, l.c.wsURL(), &websocket.DialOptions{
		HTTPClient: l.c.http, HTTPHeader: h,
		// Frames are small JSON; the server has compression off too.
		CompressionMode: websocket.CompressionDisabled,
	})
	if err != nil {
		if res != nil && res.StatusCode != http.StatusSwitchingProtocols {
			var body []byte
			if res.Body != nil {
				body, _ = io.ReadAll(io.LimitReader(res.Body, 1024))
			}
			return nil, decodeError(res.StatusCode, body)
		}
		return nil, err
	}
	ws.SetReadLimit(l.cfg.ReadLimit)
	if err := l.limiter.wait(ctx, l.quit); err != nil {
		ws.CloseNow()
		return nil, err
	}
	if err := ws.Write(ctx, websocket.MessageText, []byte(`{"type":"ping","id":"hello"}`)); err != nil {
		ws.CloseNow()
		return nil, err
	}
	_, data, err := ws.Read(ctx)
	if err != nil {
		ws.CloseNow()
		return nil, err
	}
	f, err := decodeFrame(data)
	if err != nil {
		ws.CloseNow()
		return nil, fmt.Errorf("jihat: handshake: %w", err)
	}
	switch f.Type {
	case typePong:
	case typeError:
		ws.CloseNow()
		return nil, protocolError(f.Data)
	default:
		ws.CloseNow()
		return nil, fmt.Errorf("jihat: handshake: unexpected %q", f.Type)
	}
	l.mu.Lock()
	l.gen++
	lc := &liveConn{ws: ws, gen: l.gen}
	l.mu.Unlock()
	return lc, nil
}

// run owns the socket: it serves one, then redials with backoff, until the
// Live ends.
func (l *Live) run(lc *liveConn) {
	defer l.finish()
	attempt := 0
	for {
		start := time.Now()
		err := l.serve(lc)
		if l.closed() {
			return
		}
		code := int(websocket.CloseStatus(err))
		if code == closeRevoked {
			err = fmt.Errorf("%w: %v", ErrRevoked, err)
		}
		l.emit(&Disconnected{Err: err, Code: code})
		if code == closeRevoked || l.cfg.NoReconnect {
			l.end(err)
			return
		}
		if time.Since(start) > l.cfg.MaxBackoff {
			attempt = 0 // it was up for a while: start over from MinBackoff
		}
		for lc = nil; lc == nil; {
			attempt++
			if !l.sleep(l.backoff(attempt)) {
				return
			}
			lc, err = l.dial(l.ctx)
			if err != nil {
				if l.closed() {
					return
				}
				l.n.dialErrors.Add(1)
				if permanent(err) {
					l.end(err)
					return
				}
			}
		}
		l.n.reconnects.Add(1)
		l.emit(&Reconnected{Attempts: attempt})
	}
}

// permanent reports whether a dial error will not go away by retrying: the
// credentials or the Origin were refused.
func permanent(err error) bool {
	switch ErrorCode(err) {
	case CodeUnauthorized, CodeForbidden, CodeInvalid:
		return true
	}
	return false
}

// backoff is the pause before dial attempt n (1, 2, ...): a random time up
// to d, d doubling from MinBackoff and capped at MaxBackoff ("full jitter",
// so thousands of clients dropped by one restart do not redial together).
func (l *Live) backoff(n int) time.Duration {
	d := l.cfg.MinBackoff
	for i := 1; i < n && d < l.cfg.MaxBackoff; i++ {
		d *= 2
	}
	d = min(d, l.cfg.MaxBackoff)
	if d <= 0 {
		return time.Millisecond
	}
	return time.Millisecond + rand.N(d)
}

// sleep waits d; false when the Live ended meanwhile.
func (l *Live) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-l.quit:
		return false
	}
}

// serve attaches lc, reads it until it fails, and detaches it.
func (l *Live) serve(lc *liveConn) error {
	l.attach(lc)
	var err error
	var buf frameBuffer
	var strs frameStrings
	for {
		var data []byte
		if data, err = buf.read(lc.ws); err != nil {
			break
		}
		f, derr := strs.decode(data)
		if derr != nil {
			continue // not JSON: nothing to deliver
		}
		// The frame's data is handed on (Events); the buffer is read into
		// again: data gets a copy of its own, the one allocation of a frame.
		f.Data = bytes.Clone(f.Data)
		l.handle(lc, &f)
	}
	lc.close()
	l.detach(lc)
	return err
}

// attach makes lc the current socket and queues every subscription for a
// subscribe that resumes it.
func (l *Live) attach(lc *liveConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed() {
		lc.close() // Close ran before the socket was current
		return
	}
	l.conn = lc
	close(l.up)
	for _, cs := range l.channels {
		cs.resetForConn()
	}
	l.kickLocked()
}

// detach forgets lc: the calls waiting for its answers fail with
// ErrConnectionLost.
func (l *Live) detach(lc *liveConn) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == lc {
		l.conn = nil
		l.up = make(chan struct{})
	}
	for id, r := range l.pending {
		if r.conn == lc {
			delete(l.pending, id)
			r.done <- reply{err: ErrConnectionLost}
		}
	}
}

// keepalive pings the server every PingInterval and retries fetches that
// made no progress within FetchTimeout.
func (l *Live) keepalive() {
	defer l.wg.Done()
	nextPing := time.Now().Add(l.cfg.PingInterval)
	t := time.NewTimer(time.Hour)
	defer t.Stop()
	for {
		now := time.Now()
		wait := time.Hour
		if l.cfg.PingInterval > 0 {
			if !now.Before(nextPing) {
				l.ping()
				nextPing = time.Now().Add(l.cfg.PingInterval)
			}
			wait = time.Until(nextPing)
		}
		if l.checkFetches() {
			wait = min(wait, l.cfg.FetchTimeout/4)
		}
		t.Reset(max(wait, time.Millisecond))
		select {
		case <-l.quit:
			return
		case <-l.wake:
		case <-t.C:
		}
	}
}

// ping sends a WebSocket ping on the current socket and drops the socket
// when no pong comes back in time (the read loop then reconnects).
func (l *Live) ping() {
	l.mu.Lock()
	lc := l.conn
	l.mu.Unlock()
	if lc == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), l.cfg.HandshakeTimeout)
	defer cancel()
	if err := lc.ws.Ping(ctx); err != nil && !errors.Is(err, context.Canceled) {
		lc.close()
	}
}
