package hub_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/jihat/jihat/hub"
)

// TestKeepalive: the endpoint's sweep pings idle sockets; a client that
// answers (coder/websocket pongs while it reads) stays connected across
// several idle timeouts, and one that stops reading (no pongs) is closed
// with CloseIdle.
func TestKeepalive(t *testing.T) {
	reg := prometheus.NewRegistry()
	n := startNode(t, nodeOpts{cfg: hub.Config{Metrics: reg},
		// An idle timeout of ten ping intervals: a live client whose reader is
		// held off the CPU for a while under -race and a loaded machine still
		// answers in time (200 ms was seen to close it).
		scfg: hub.EndpointConfig{PingInterval: 50 * time.Millisecond, IdleTimeout: 500 * time.Millisecond}})
	ctx := context.Background()
	dialPings := func(token string, pings *atomic.Int64) *websocket.Conn {
		t.Helper()
		ws, _, err := websocket.Dial(ctx, n.url, &websocket.DialOptions{
			HTTPHeader: http.Header{"Authorization": {"Bearer " + token}},
			OnPingReceived: func(context.Context, []byte) bool {
				pings.Add(1)
				return true
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { ws.CloseNow() })
		return ws
	}

	// The silent one: never reads, so never answers a ping.
	var silentPings atomic.Int64
	silent := dialPings("token-u2", &silentPings)

	// The live one reads in the background and so answers every ping.
	var pings atomic.Int64
	live := dialPings("token-u1", &pings)
	frames := make(chan []byte, 16)
	go func() {
		for {
			_, b, err := live.Read(ctx)
			if err != nil {
				close(frames)
				return
			}
			frames <- b
		}
	}()
	deadline := time.Now().Add(30 * time.Second)
	for pings.Load() < 30 { // ≥ 30 × 50 ms: three idle timeouts
		if time.Now().After(deadline) {
			t.Fatalf("only %d pings in 30 s", pings.Load())
		}
		time.Sleep(10 * time.Millisecond)
	}
	// Still connected: a request is answered.
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := live.Write(wctx, websocket.MessageText, []byte(`{"type":"ping","id":"p"}`)); err != nil {
		t.Fatalf("the answering client was closed: %v", err)
	}
	select {
	case b, ok := <-frames:
		if !ok {
			t.Fatal("the answering client was closed")
		}
		if string(b) != `{"type":"pong","id":"p"}` {
			t.Fatalf("got %s, want the pong", b)
		}
	case <-wctx.Done():
		t.Fatal("no pong")
	}

	// The silent one was closed for idleness (the counter says so); it
	// reads the close frame.
	for idleCloses(t, reg) < 1 {
		if time.Now().After(deadline) {
			t.Fatal("the silent client was not closed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	rctx, cancel2 := context.WithTimeout(ctx, 10*time.Second)
	defer cancel2()
	for {
		_, _, err := silent.Read(rctx)
		if err != nil {
			if got := websocket.CloseStatus(err); got != hub.CloseIdle {
				t.Fatalf("silent client: %v, want close %d", err, hub.CloseIdle)
			}
			break
		}
	}
	if idleCloses(t, reg) != 1 {
		t.Fatalf("%v idle closes, want 1 (the answering client stays)", idleCloses(t, reg))
	}
}

func idleCloses(t *testing.T, reg *prometheus.Registry) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "jihat_hub_disconnects_total" {
			continue
		}
		for _, m := range mf.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "reason" && l.GetValue() == "idle" {
					return m.GetCounter().GetValue()
				}
			}
		}
	}
	t.Fatal("no jihat_hub_disconnects_total{reason=idle}")
	return 0
}
