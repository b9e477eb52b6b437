package hub

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// echoServer accepts WebSockets (read limit 64 bytes) and echoes each
// message; the error that ended each socket's reading goes to ended.
func echoServer(t *testing.T) (addr string, ended chan error) {
	ended = make(chan error, 4)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ws, err := acceptWebSocket(w, r, 64, 5*time.Second)
		if err != nil {
			return
		}
		defer ws.Conn.Close()
		for {
			text, data, err := ws.readMessage(func() {})
			if err != nil {
				ended <- err
				return
			}
			if !text {
				data = append([]byte("binary:"), data...)
			}
			ws.writeFrames([][]byte{data}, func() bool { return false })
		}
	}))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://"), ended
}

// rawDial sends a handshake with the RFC 6455 example key and returns the
// connection after checking the 101 answer.
func rawDial(t *testing.T, addr string) (net.Conn, *bufio.Reader) {
	t.Helper()
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { nc.Close() })
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(nc, "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\n"+
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
	br := bufio.NewReader(nc)
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusSwitchingProtocols ||
		resp.Header.Get("Sec-WebSocket-Accept") != "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=" {
		t.Fatalf("handshake answer %d %v", resp.StatusCode, resp.Header)
	}
	return nc, br
}

// clientFrame is a client's frame: masked unless unmasked, FIN as fin.
func clientFrame(op byte, fin, unmasked bool, payload []byte) []byte {
	b0 := op
	if fin {
		b0 |= 0x80
	}
	var f []byte
	switch n := len(payload); {
	case n <= 125:
		f = []byte{b0, byte(n)}
	case n <= 0xffff:
		f = binary.BigEndian.AppendUint16([]byte{b0, 126}, uint16(n))
	default:
		f = binary.BigEndian.AppendUint64([]byte{b0, 127}, uint64(n))
	}
	if unmasked {
		return append(f, payload...)
	}
	f[1] |= 0x80
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	f = append(f, key[:]...)
	for i, b := range payload {
		f = append(f, b^key[i&3])
	}
	return f
}

// readServerFrame reads one unmasked frame from the server.
func readServerFrame(t *testing.T, br *bufio.Reader) (op byte, payload []byte) {
	t.Helper()
	var h [2]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		t.Fatal(err)
	}
	n := int(h[1] & 0x7f)
	if h[1]&0x80 != 0 || n > 125 {
		t.Fatalf("unexpected server frame header % x", h)
	}
	payload = make([]byte, n)
	if _, err := io.ReadFull(br, payload); err != nil {
		t.Fatal(err)
	}
	return h[0] & 0x0f, payload
}

// TestWSConnFrames: fragments are joined with a ping between them (answered
// in place), text and binary are told apart, a client close ends reading.
func TestWSConnFrames(t *testing.T) {
	addr, ended := echoServer(t)
	nc, br := rawDial(t, addr)
	var out []byte
	out = append(out, clientFrame(opText, false, false, []byte("مرح"))...)
	out = append(out, clientFrame(opPing, true, false, []byte("p1"))...)
	out = append(out, clientFrame(opContinuation, false, false, nil)...)
	out = append(out, clientFrame(opContinuation, true, false, []byte("با"))...)
	out = append(out, clientFrame(opBinary, true, false, bytes.Repeat([]byte{7}, 40))...)
	nc.Write(out)
	if op, p := readServerFrame(t, br); op != opPong || string(p) != "p1" {
		t.Fatalf("got op %x %q, want the pong p1", op, p)
	}
	if op, p := readServerFrame(t, br); op != opText || string(p) != "مرحبا" {
		t.Fatalf("got op %x %q, want the joined text", op, p)
	}
	if op, p := readServerFrame(t, br); op != opText || !bytes.Equal(p, append([]byte("binary:"), bytes.Repeat([]byte{7}, 40)...)) {
		t.Fatalf("got op %x %q, want the binary echo", op, p)
	}
	nc.Write(clientFrame(opClose, true, false, []byte{0x03, 0xe8, 'b', 'y', 'e'}))
	if err := <-ended; !errors.Is(err, errPeerClosed) {
		t.Fatalf("after the client's close: %v", err)
	}
}

// TestWSConnRefuses frames no client may send, and messages over the limit
// (also when only the fragments together are over it).
func TestWSConnRefuses(t *testing.T) {
	cases := []struct {
		name  string
		frame []byte
		want  error
	}{
		{"unmasked", clientFrame(opText, true, true, []byte("hi")), errProtocol},
		{"reserved bit", func() []byte { f := clientFrame(opText, true, false, []byte("hi")); f[0] |= 0x40; return f }(), errProtocol},
		{"reserved opcode", clientFrame(0x3, true, false, nil), errProtocol},
		{"continuation first", clientFrame(opContinuation, true, false, []byte("x")), errProtocol},
		{"text inside a message", append(clientFrame(opText, false, false, []byte("a")), clientFrame(opText, true, false, []byte("b"))...), errProtocol},
		{"fragmented ping", clientFrame(opPing, false, false, nil), errProtocol},
		{"long ping", clientFrame(opPing, true, false, make([]byte, 126)), errProtocol},
		{"one-byte close", clientFrame(opClose, true, false, []byte{3}), errProtocol},
		{"too big", clientFrame(opText, true, false, make([]byte, 65)), errTooBig},
		{"too big in fragments", append(clientFrame(opText, false, false, make([]byte, 40)), clientFrame(opContinuation, true, false, make([]byte, 40))...), errTooBig},
		{"huge length", []byte{0x81, 0xff, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 1, 2, 3, 4}, errTooBig},
		{"length top bit", []byte{0x81, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 1, 2, 3, 4}, errProtocol},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			addr, ended := echoServer(t)
			nc, _ := rawDial(t, addr)
			nc.Write(tc.frame)
			select {
			case err := <-ended:
				if !errors.Is(err, tc.want) {
					t.Fatalf("got %v, want %v", err, tc.want)
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the frame was not refused")
			}
		})
	}
}

// TestWSConnHandshake: requests that are not WebSocket handshakes get the
// HTTP error and no upgrade.
func TestWSConnHandshake(t *testing.T) {
	addr, _ := echoServer(t)
	for _, tc := range []struct {
		name, req string
		status    int
	}{
		{"no upgrade", "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n", http.StatusUpgradeRequired},
		{"POST", "POST /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nContent-Length: 0\r\n" +
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n", http.StatusMethodNotAllowed},
		{"version 8", "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n", http.StatusBadRequest},
		{"short key", "GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n", http.StatusBadRequest},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nc, err := net.Dial("tcp", addr)
			if err != nil {
				t.Fatal(err)
			}
			defer nc.Close()
			nc.SetDeadline(time.Now().Add(10 * time.Second))
			io.WriteString(nc, tc.req)
			resp, err := http.ReadResponse(bufio.NewReader(nc), nil)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
		})
	}
}
