package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

func testDial(ctx context.Context, network, addr string) (net.Conn, error) {
	var d net.Dialer
	return d.DialContext(ctx, network, addr)
}

// TestFrameConnWithLibrary: a frameConn talks to a coder/websocket server:
// its masked message reaches the server, every length form of a frame
// (7-bit, 16-bit, 64-bit; in place and larger than the read buffer) comes
// back whole and in order, a ping is answered (the server's Ping returns
// only on the pong), and the server's close ends the reads.
func TestFrameConnWithLibrary(t *testing.T) {
	sizes := []int{0, 1, 125, 126, 4000, 65535, 65536, frameBuffer + 1, 300 << 10}
	msg := func(n int) []byte { return bytes.Repeat([]byte{'a' + byte(n%26)}, n) }
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer t" {
			http.Error(w, "no token", http.StatusUnauthorized)
			return
		}
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		ctx := r.Context()
		_, hello, err := c.Read(ctx)
		if err != nil {
			return
		}
		c.Write(ctx, websocket.MessageText, append([]byte("echo "), hello...))
		for _, n := range sizes {
			c.Write(ctx, websocket.MessageText, msg(n))
		}
		go func() { // the pong arrives through a read
			for {
				if _, _, err := c.Read(ctx); err != nil {
					return
				}
			}
		}()
		pctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		if err := c.Ping(pctx); err != nil {
			c.Write(ctx, websocket.MessageText, []byte("no pong: "+err.Error()))
		} else {
			c.Write(ctx, websocket.MessageText, []byte("pong came"))
		}
		c.Close(websocket.StatusNormalClosure, "")
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	u := "ws" + strings.TrimPrefix(srv.URL, "http") + "/ws"
	if _, err := dialFrames(ctx, testDial, u, nil); err == nil {
		t.Fatal("an answer other than 101 was taken for an upgrade")
	}
	c, err := dialFrames(ctx, testDial, u, http.Header{"Authorization": {"Bearer t"}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.nc.Close()
	if err := c.write(ctx, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	want := [][]byte{[]byte("echo hello")}
	for _, n := range sizes {
		want = append(want, msg(n))
	}
	want = append(want, []byte("pong came"))
	for i, w := range want {
		got, err := c.next()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if !bytes.Equal(got, w) {
			t.Fatalf("message %d: %d bytes %.20q…, want %d bytes %.20q…", i, len(got), got, len(w), w)
		}
	}
	if got, err := c.next(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the close: %q, %v; want io.EOF", got, err)
	}
}

// TestFrameConnFragments: RFC 6455 section 5.7's examples, written by hand
// after a hand-made upgrade: a text message in two fragments with a ping
// between them is one message, and the ping's answer is a masked pong with
// the same payload.
func TestFrameConnFragments(t *testing.T) {
	pongs := make(chan []byte, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sum := sha1.Sum([]byte(r.Header.Get("Sec-WebSocket-Key") + wsGUID))
		nc, brw, err := http.NewResponseController(w).Hijack()
		if err != nil {
			return
		}
		defer nc.Close()
		brw.WriteString("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Accept: " + base64.StdEncoding.EncodeToString(sum[:]) + "\r\n\r\n")
		brw.Write([]byte{0x01, 0x03, 'H', 'e', 'l'})           // text, not final: "Hel"
		brw.Write([]byte{0x89, 0x05, 'H', 'e', 'l', 'l', 'o'}) // ping "Hello"
		brw.Write([]byte{0x80, 0x02, 'l', 'o'})                // continuation, final: "lo"
		brw.Flush()
		pongs <- readClientFrame(brw.Reader)
		brw.Write([]byte{0x88, 0x02, 0x03, 0xe8}) // close 1000
		brw.Flush()
		readClientFrame(brw.Reader)
	}))
	defer srv.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	c, err := dialFrames(ctx, testDial, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.nc.Close()
	got, err := c.next()
	if err != nil || string(got) != "Hello" {
		t.Fatalf("fragmented message: %q, %v", got, err)
	}
	if pong := <-pongs; !bytes.Equal(pong, []byte{0x8a, 0x05, 'H', 'e', 'l', 'l', 'o'}) {
		t.Fatalf("pong (unmasked) % x, want 8a 05 Hello", pong)
	}
	if got, err := c.next(); !errors.Is(err, io.EOF) {
		t.Fatalf("after the close: %q, %v", got, err)
	}
}

// readClientFrame reads one small client frame and returns it unmasked,
// without its mask bit and key; nil if it was not masked.
func readClientFrame(br *bufio.Reader) []byte {
	h := make([]byte, 2)
	if _, err := io.ReadFull(br, h); err != nil || h[1]&0x80 == 0 || h[1]&0x7f > 125 {
		return nil
	}
	key := make([]byte, 4)
	p := make([]byte, h[1]&0x7f)
	io.ReadFull(br, key)
	io.ReadFull(br, p)
	for i := range p {
		p[i] ^= key[i%4]
	}
	return append([]byte{h[0], h[1] & 0x7f}, p...)
}
