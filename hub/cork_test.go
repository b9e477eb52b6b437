package hub

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
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
