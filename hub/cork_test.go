package hub

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestWriteTextFrames writes frames of every header size (7-bit, 16-bit and
// 64-bit lengths) in one batch larger than maxCorked, with the frames
// framed by corkConn rather than coder/websocket, and reads them back with
// coder/websocket's client: same payloads, same order, then a clean close
// frame from coder/websocket after them.
func TestWriteTextFrames(t *testing.T) {
	sizes := []int{0, 1, 125, 126, 127, 65535, 65536, 70000, maxCorked + 10, 3}
	frames := make([][]byte, len(sizes))
	for i, n := range sizes {
		frames[i] = bytes.Repeat([]byte{byte('a' + i)}, n)
	}
	served := make(chan error, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cw := &corkWriter{ResponseWriter: w}
		ws, err := websocket.Accept(cw, r, &websocket.AcceptOptions{CompressionMode: websocket.CompressionDisabled})
		if err != nil {
			served <- err
			return
		}
		n, err := cw.conn.writeTextFrames(frames, time.Now().Add(10*time.Second), func() bool { return false })
		if err == nil && n != len(frames) {
			err = errShort
		}
		ws.Close(websocket.StatusNormalClosure, "done")
		served <- err
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	c.SetReadLimit(1 << 20)
	for i, want := range frames {
		typ, got, err := c.Read(ctx)
		if err != nil {
			t.Fatalf("frame %d (%d bytes): %v", i, len(want), err)
		}
		if typ != websocket.MessageText || !bytes.Equal(got, want) {
			t.Fatalf("frame %d: got %d bytes of type %v, want %d text bytes", i, len(got), typ, len(want))
		}
	}
	_, _, err = c.Read(ctx)
	if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Fatalf("after the frames: %v, want a normal close", err)
	}
	if err := <-served; err != nil {
		t.Fatal(err)
	}
}

var errShort = errors.New("short write")

// TestTryWriteTextFramesAllocates nothing when the socket takes the whole
// batch at once (the common case of the write loops): a closure or a method
// value made per write was three to five allocations for every frame batch
// of every subscriber. Under the race detector sync.Pool drops a quarter of
// what it is given, so a batch's buffer (and its growth) is then made again
// now and then: below two on average there.
func TestTryWriteTextFramesAllocates(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			close(accepted)
			return
		}
		accepted <- c
	}()
	peer, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	go io.Copy(io.Discard, peer)
	nc := <-accepted
	if nc == nil {
		t.Fatal("no connection accepted")
	}
	defer nc.Close()
	raw, err := nc.(syscall.Conn).SyscallConn()
	if err != nil || !canWriteNow {
		t.Skip("no write without waiting on this platform")
	}
	c := &corkConn{Conn: nc, raw: raw}
	var closing atomic.Bool
	stop := closing.Load
	frames := [][]byte{[]byte(`{"type":"event","seq":1}`), []byte(`{"type":"event","seq":2}`)}
	write := func() {
		n, rest, err := c.tryWriteTextFrames(frames, time.Second, stop)
		if err != nil || rest != nil || n != len(frames) {
			t.Fatalf("tryWriteTextFrames = %d, %v, %v; want %d, nil, nil", n, rest != nil, err, len(frames))
		}
	}
	write()
	limit := 1.0
	if raceDetector {
		limit = 2
	}
	if allocs := testing.AllocsPerRun(1000, write); allocs >= limit {
		t.Fatalf("%.2f allocations per write, want fewer than %.0f", allocs, limit)
	}
}
