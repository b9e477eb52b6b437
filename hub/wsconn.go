package hub

import (
	"bufio"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/coder/websocket"
)

// The server's side of a WebSocket (RFC 6455), after the handshake: a
// socket is one wsConn, its net.Conn, a small reader and a write lock.
//
// coder/websocket served the sockets until issue 17 and still is the
// client (the SDK, tests, the load generator). Its server Conn kept about
// 2 KiB of state per connection (locks, a message reader and writer,
// timers and contexts for every read) and parked the socket's goroutine
// beneath its reader, so 20,000 idle sockets cost more in that state than
// in anything of the hub's. The hub's needs are narrow: no compression, no
// subprotocol, small client messages, frames to the client framed here
// already (cork.go). What is kept of the protocol: masked client frames
// only, no reserved bits, fragments joined in order with control frames
// between them, control frames whole and at most 125 bytes, pings answered,
// the close handshake (answer the client's close; after ours, wait a little
// for the client's), and a read limit (CloseTooBig).

// wsConn is one WebSocket: the hijacked connection with the frame writer
// (cork.go) and the frame reader (readMessage).
type wsConn struct {
	net.Conn
	br           *bufio.Reader // only the socket's goroutine reads
	limit        int64         // the largest message (CloseTooBig)
	writeTimeout time.Duration

	mu        sync.Mutex // orders writes; guards closeSent
	closeSent bool       // the close frame is written: no frame may follow
}

// Frame opcodes (RFC 6455 section 5.2).
const (
	opContinuation = 0x0
	opText         = 0x1
	opBinary       = 0x2
	opClose        = 0x8
	opPing         = 0x9
	opPong         = 0xa
)

// closeWait is how long the socket waits for the client's close frame
// after sending its own, before dropping the connection.
const closeWait = 5 * time.Second

var (
	errPeerClosed = errors.New("hub: the client closed the socket")
	errProtocol   = errors.New("hub: WebSocket protocol violation")
	errTooBig     = errors.New("hub: message too big")
)

// acceptWebSocket checks an upgrade request, hijacks its connection and
// answers 101 Switching Protocols. A request that is not a WebSocket
// handshake is answered with the HTTP error (as coder/websocket did: 426
// without the upgrade headers, 405 for another method, 400 for a bad
// version or key) and an error is returned.
func acceptWebSocket(w http.ResponseWriter, r *http.Request, limit int64, writeTimeout time.Duration) (*wsConn, error) {
	key, status, err := checkUpgrade(w, r)
	if err != nil {
		http.Error(w, err.Error(), status)
		return nil, err
	}
	nc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		http.Error(w, http.StatusText(http.StatusInternalServerError), http.StatusInternalServerError)
		return nil, err
	}
	// Our own small reader: net/http's 4 KiB one would stay with every idle
	// connection. A reader that already holds bytes of the client (sent
	// before our answer) is kept.
	br := brw.Reader
	if br.Buffered() == 0 {
		br = bufio.NewReaderSize(nc, readBufferSize)
	}
	ws := &wsConn{Conn: nc, br: br, limit: limit, writeTimeout: writeTimeout}
	resp := make([]byte, 0, 160)
	resp = append(resp, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: "...)
	resp = append(resp, acceptKey(key)...)
	resp = append(resp, "\r\n\r\n"...)
	nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err = nc.Write(resp)
	nc.SetWriteDeadline(time.Time{})
	if err != nil {
		nc.Close()
		return nil, err
	}
	return ws, nil
}

// checkUpgrade returns the handshake key of a valid upgrade request, or the
// HTTP status to refuse it with.
func checkUpgrade(w http.ResponseWriter, r *http.Request) (string, int, error) {
	if !r.ProtoAtLeast(1, 1) {
		return "", http.StatusUpgradeRequired, fmt.Errorf("WebSocket handshake needs HTTP/1.1, not %q", r.Proto)
	}
	if !headerHasToken(r.Header, "Connection", "upgrade") || !headerHasToken(r.Header, "Upgrade", "websocket") {
		w.Header().Set("Connection", "Upgrade")
		w.Header().Set("Upgrade", "websocket")
		return "", http.StatusUpgradeRequired, errors.New("WebSocket handshake expected (Connection: Upgrade, Upgrade: websocket)")
	}
	if r.Method != http.MethodGet {
		return "", http.StatusMethodNotAllowed, fmt.Errorf("WebSocket handshake must be GET, not %q", r.Method)
	}
	if r.Header.Get("Sec-WebSocket-Version") != "13" {
		w.Header().Set("Sec-WebSocket-Version", "13")
		return "", http.StatusBadRequest, fmt.Errorf("unsupported WebSocket version %q (13 only)", r.Header.Get("Sec-WebSocket-Version"))
	}
	keys := r.Header.Values("Sec-WebSocket-Key")
	if len(keys) != 1 {
		return "", http.StatusBadRequest, errors.New("WebSocket handshake needs one Sec-WebSocket-Key")
	}
	key := strings.TrimSpace(keys[0])
	if v, err := base64.StdEncoding.DecodeString(key); err != nil || len(v) != 16 {
		return "", http.StatusBadRequest, errors.New("invalid Sec-WebSocket-Key: 16 bytes in base64 expected")
	}
	return key, 0, nil
}

// headerHasToken reports whether the comma-separated header name holds
// token, in any case.
func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// acceptKey is the Sec-WebSocket-Accept of key (RFC 6455 section 4.2.2).
func acceptKey(key string) string {
	h := sha1.New()
	io.WriteString(h, key)
	io.WriteString(h, "258EAFA5-E914-47DA-95CA-C5AB0DC85B11")
	return base64.StdEncoding.EncodeToString(h.Sum(nil))
}

// readMessage reads the next data message (fragments joined) and reports
// whether it is text. On the way it answers pings and calls heard for every
// frame, pongs included. It returns errPeerClosed after the client's close
// frame (the caller answers it by closing), errTooBig for a message over
// the limit, errProtocol for a frame no client may send, or the read error.
// Only the socket's goroutine calls it.
func (w *wsConn) readMessage(heard func()) (text bool, data []byte, err error) {
	var msgOp byte
	inMsg := false
	for {
		b0, err := w.br.ReadByte()
		if err != nil {
			return false, nil, err
		}
		b1, err := w.br.ReadByte()
		if err != nil {
			return false, nil, err
		}
		heard()
		fin, op := b0&0x80 != 0, b0&0x0f
		if b0&0x70 != 0 || b1&0x80 == 0 { // reserved bits (no extension), or an unmasked client frame
			return false, nil, errProtocol
		}
		n := uint64(b1 & 0x7f)
		switch n {
		case 126:
			n, err = w.readUint(2)
		case 127:
			n, err = w.readUint(8)
		}
		if err != nil {
			return false, nil, err
		}
		m, err := w.readUint(4)
		if err != nil {
			return false, nil, err
		}
		mask := uint32(m)
		if op >= opClose {
			if !fin || n > 125 {
				return false, nil, errProtocol
			}
			p := make([]byte, n)
			if _, err := io.ReadFull(w.br, p); err != nil {
				return false, nil, err
			}
			unmask(p, mask)
			switch op {
			case opPing:
				w.writeControl(opPong, p) // fails only once closing: nothing to answer then
			case opPong:
			case opClose:
				if n == 1 || (n >= 2 && !utf8.Valid(p[2:])) {
					return false, nil, errProtocol
				}
				return false, nil, errPeerClosed
			default:
				return false, nil, errProtocol
			}
			continue
		}
		switch {
		case op == opContinuation && !inMsg,
			(op == opText || op == opBinary) && inMsg,
			op > opBinary:
			return false, nil, errProtocol
		}
		if n > uint64(w.limit) || uint64(len(data))+n > uint64(w.limit) {
			return false, nil, errTooBig
		}
		start := len(data)
		if data == nil {
			data = make([]byte, n)
		} else {
			data = append(data, make([]byte, n)...)
		}
		if _, err := io.ReadFull(w.br, data[start:]); err != nil {
			return false, nil, err
		}
		unmask(data[start:], mask)
		if op != opContinuation {
			msgOp, inMsg = op, true
		}
		if fin {
			return msgOp == opText, data, nil
		}
	}
}

// readUint reads an n-byte big-endian number (n ≤ 8; the 64-bit length's
// top bit must be 0).
func (w *wsConn) readUint(n int) (uint64, error) {
	var v uint64
	for range n {
		b, err := w.br.ReadByte()
		if err != nil {
			return 0, err
		}
		v = v<<8 | uint64(b)
	}
	if n == 8 && v>>63 != 0 {
		return 0, errProtocol
	}
	return v, nil
}

// unmask XORs p with the frame's masking key (the key's first byte is the
// top byte of mask).
func unmask(p []byte, mask uint32) {
	var k [4]byte
	binary.BigEndian.PutUint32(k[:], mask)
	for i := range p {
		p[i] ^= k[i&3]
	}
}

// writeControl writes one control frame (payload ≤ 125 bytes) under the
// write lock; after a close frame nothing more is written.
func (w *wsConn) writeControl(op byte, payload []byte) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closeSent {
		return net.ErrClosed
	}
	if op == opClose {
		w.closeSent = true
	}
	var buf [2 + 125]byte
	f := append(append(buf[:0], 0x80|op, byte(len(payload))), payload...)
	w.Conn.SetWriteDeadline(time.Now().Add(w.writeTimeout))
	_, err := w.Conn.Write(f)
	w.Conn.SetWriteDeadline(time.Time{})
	return err
}

// writeFrames implements frameWriter: the batch as text frames (cork.go).
func (w *wsConn) writeFrames(frames [][]byte, stop func() bool) (int, error) {
	return w.writeTextFrames(frames, time.Now().Add(w.writeTimeout), stop)
}

// close implements frameWriter: it sends the close frame and gives the
// client closeWait to answer with its own; the socket's goroutine, reading,
// sees that answer (or the deadline) and drops the connection.
func (w *wsConn) close(code websocket.StatusCode, reason string) {
	var p [125]byte
	binary.BigEndian.PutUint16(p[:2], uint16(code))
	n := 2 + copy(p[2:], truncateUTF8(reason, 123))
	if err := w.writeControl(opClose, p[:n]); err != nil && !errors.Is(err, net.ErrClosed) {
		w.Conn.Close() // the client cannot be told: nothing to wait for
		return
	}
	w.Conn.SetReadDeadline(time.Now().Add(closeWait))
}

// truncateUTF8 cuts s to at most n bytes, on a character boundary.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// The socket's reader buffer: client messages are small (commands of a
// few hundred bytes); a bigger message is read through it.
const readBufferSize = 512
