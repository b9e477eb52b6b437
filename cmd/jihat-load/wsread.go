package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// How a traffic subscriber reads its socket, for either server (-ws-read).
//
// coder/websocket takes its read lock (a select over three channels) for
// the message and again for every Read of it, arms and disarms the read
// deadline around each frame header and payload, and a message is read to
// its io.EOF: about 0.8 µs of the generator's CPU a frame at the ceiling, on
// two cores shared with the server it measures. A server that sends one
// message per WebSocket frame (Jihat: API.md's one envelope per frame) pays
// that for every delivery, one that packs several messages into a frame
// (Centrifugo) once for several: the generator measured itself as much as
// the servers. A frameConn (the default, -ws-read frames) reads RFC 6455
// frames straight from a buffered socket, a message in place when the
// buffer holds it whole, and answers pings; both servers' subscribers read
// this way, and check each delivery exactly as before (lean.go,
// centrifugo.go). -ws-read library keeps coder/websocket, for an A/B. The
// storm's and the idle run's clients always connect with coder/websocket.

// The values of -ws-read.
const (
	wsReadFrames  = "frames"
	wsReadLibrary = "library"
)

// wsConn is a client socket as the load generator uses it.
type wsConn interface {
	// next returns the next data message, valid until the following call;
	// one goroutine reads.
	next() ([]byte, error)
	// write sends b as one text message; safe for concurrent use.
	write(ctx context.Context, b []byte) error
	close()
}

// libraryConn is a wsConn read through coder/websocket.
type libraryConn struct {
	ws  *websocket.Conn
	buf bytes.Buffer
}

func (c *libraryConn) next() ([]byte, error) { return readInto(&c.buf, c.ws) }
func (c *libraryConn) write(ctx context.Context, b []byte) error {
	return c.ws.Write(ctx, websocket.MessageText, b)
}
func (c *libraryConn) close() { c.ws.Close(websocket.StatusNormalClosure, "") }

// readInto reads ws's next message into buf (emptied first) and returns
// it, valid until the next read: the load generator reads each server's
// frames this way (the Go SDK does too, client/live_conn.go), instead of a
// new slice per message (websocket.Conn.Read).
func readInto(buf *bytes.Buffer, ws *websocket.Conn) ([]byte, error) {
	_, r, err := ws.Reader(context.Background())
	if err != nil {
		return nil, err
	}
	buf.Reset()
	if _, err := buf.ReadFrom(r); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// dialWS opens a socket at u (ws://) with header, to be read as read says
// (wsReadFrames or wsReadLibrary).
func (l *load) dialWS(ctx context.Context, read, u string, header http.Header) (wsConn, error) {
	if read == wsReadLibrary {
		ws, _, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPClient: l.hc, HTTPHeader: header,
			CompressionMode: websocket.CompressionDisabled})
		if err != nil {
			return nil, err
		}
		ws.SetReadLimit(maxMessage)
		return &libraryConn{ws: ws}, nil
	}
	return dialFrames(ctx, l.dial, u, header)
}

// maxMessage is the largest message a subscriber reads.
const maxMessage = 1 << 20

// frameConn is a wsConn that reads and writes RFC 6455 frames itself.
type frameConn struct {
	nc  net.Conn
	br  *bufio.Reader
	msg []byte // a message that did not fit in br, or came in fragments

	mu sync.Mutex // guards writes (pongs from the reader, commands from others)
	wb []byte
}

// frameBuffer is a frameConn's read buffer: a batch of frames in one read.
const frameBuffer = 32 << 10

// wsGUID is RFC 6455's key suffix for Sec-WebSocket-Accept.
const wsGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// dialFrames opens a frameConn: the HTTP upgrade on a socket from dial.
func dialFrames(ctx context.Context, dial func(ctx context.Context, network, addr string) (net.Conn, error), u string, header http.Header) (*frameConn, error) {
	pu, err := url.Parse(u)
	if err != nil || pu.Scheme != "ws" {
		return nil, fmt.Errorf("dial %s: only ws:// is read frame by frame", u)
	}
	nc, err := dial(ctx, "tcp", pu.Host)
	if err != nil {
		return nil, err
	}
	if d, ok := ctx.Deadline(); ok {
		nc.SetDeadline(d)
	}
	var k [16]byte
	rand.Read(k[:])
	key := base64.StdEncoding.EncodeToString(k[:])
	var req strings.Builder
	fmt.Fprintf(&req, "GET %s HTTP/1.1\r\nHost: %s\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"+
		"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n", pu.RequestURI(), pu.Host, key)
	for name, vs := range header {
		for _, v := range vs {
			fmt.Fprintf(&req, "%s: %s\r\n", name, v)
		}
	}
	req.WriteString("\r\n")
	c := &frameConn{nc: nc, br: bufio.NewReaderSize(nc, frameBuffer)}
	if _, err := io.WriteString(nc, req.String()); err != nil {
		nc.Close()
		return nil, err
	}
	res, err := http.ReadResponse(c.br, nil)
	if err != nil {
		nc.Close()
		return nil, err
	}
	res.Body.Close()
	sum := sha1.Sum([]byte(key + wsGUID))
	if res.StatusCode != http.StatusSwitchingProtocols ||
		res.Header.Get("Sec-WebSocket-Accept") != base64.StdEncoding.EncodeToString(sum[:]) {
		nc.Close()
		return nil, fmt.Errorf("dial %s: upgrade answered %s", u, res.Status)
	}
	nc.SetDeadline(time.Time{})
	return c, nil
}

// next reads frames until a whole data message: control frames are
// answered (ping → pong, close → close, then io.EOF).
func (c *frameConn) next() ([]byte, error) {
	c.msg = c.msg[:0]
	fragmented := false
	for {
		h, err := c.br.Peek(2)
		if err != nil {
			return nil, err
		}
		fin, op, n := h[0]&0x80 != 0, h[0]&0x0f, int64(h[1]&0x7f)
		if h[1]&0x80 != 0 || h[0]&0x70 != 0 {
			return nil, errors.New("frame: masked or with reserved bits, from a server")
		}
		size := 2
		switch n {
		case 126:
			size = 4
		case 127:
			size = 10
		}
		if h, err = c.br.Peek(size); err != nil {
			return nil, err
		}
		switch size {
		case 4:
			n = int64(binary.BigEndian.Uint16(h[2:]))
		case 10:
			n = int64(binary.BigEndian.Uint64(h[2:]))
		}
		c.br.Discard(size)
		if n < 0 || n > maxMessage || int64(len(c.msg))+n > maxMessage {
			return nil, fmt.Errorf("frame: a message over %d bytes", maxMessage)
		}
		if op >= 0x8 { // control: at most 125 bytes, never fragmented
			p, err := c.br.Peek(int(n))
			if err != nil {
				return nil, err
			}
			switch op {
			case 0x8:
				c.send(0x8, p[:min(len(p), 2)], time.Now().Add(time.Second))
				c.br.Discard(int(n))
				return nil, io.EOF
			case 0x9:
				c.send(0xA, p, time.Now().Add(5*time.Second))
			}
			c.br.Discard(int(n))
			continue
		}
		if (op == 0) != fragmented {
			return nil, errors.New("frame: a continuation out of place")
		}
		if fin && !fragmented && int(n) <= c.br.Size() {
			p, err := c.br.Peek(int(n)) // in place: valid until the next read
			if err != nil {
				return nil, err
			}
			c.br.Discard(int(n))
			return p, nil
		}
		start := len(c.msg)
		c.msg = slices.Grow(c.msg, int(n))[:start+int(n)]
		if _, err := io.ReadFull(c.br, c.msg[start:]); err != nil {
			return nil, err
		}
		if fin {
			return c.msg, nil
		}
		fragmented = true
	}
}

// write sends b as one masked text frame, by ctx's deadline if it has one.
func (c *frameConn) write(ctx context.Context, b []byte) error {
	d, _ := ctx.Deadline()
	return c.send(0x1, b, d)
}

// send writes one final frame of opcode op with payload p, masked as a
// client's must be, by deadline (zero: none).
func (c *frameConn) send(op byte, p []byte, deadline time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	b := append(c.wb[:0], 0x80|op)
	switch n := len(p); {
	case n <= 125:
		b = append(b, 0x80|byte(n))
	case n <= 0xffff:
		b = append(b, 0x80|126, byte(n>>8), byte(n))
	default:
		b = append(b, 0x80|127)
		b = binary.BigEndian.AppendUint64(b, uint64(n))
	}
	var key [4]byte
	rand.Read(key[:])
	b = append(b, key[:]...)
	start := len(b)
	b = append(b, p...)
	for i := range b[start:] {
		b[start+i] ^= key[i&3]
	}
	c.wb = b
	if !deadline.IsZero() {
		c.nc.SetWriteDeadline(deadline)
		defer c.nc.SetWriteDeadline(time.Time{})
	}
	_, err := c.nc.Write(b)
	return err
}

func (c *frameConn) close() {
	c.send(0x8, []byte{0x03, 0xe8}, time.Now().Add(time.Second)) // 1000, normal closure
	c.nc.Close()
}
