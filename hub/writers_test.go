package hub_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/jihat/jihat/hub"
)

// TestWriteLoopNotStalledBySlowClient: with one write loop, a subscriber
// that stops reading fills its kernel buffers; the loop hands it to a
// goroutine of its own (jihat_hub_slow_writes_total) and keeps serving the
// others: a fast subscriber gets each event before the next is published,
// although the write timeout is a minute. When the slow one reads again it
// gets every event whole and in order, frames cut by a full buffer
// included.
func TestWriteLoopNotStalledBySlowClient(t *testing.T) {
	reg := prometheus.NewRegistry()
	n := startNode(t, nodeOpts{cfg: hub.Config{Writers: 1, QueueSize: 1024, WriteTimeout: time.Minute, Metrics: reg}})
	channel := caseChannel(1)
	fast := dial(t, n.url, "token-u1")
	fast.subscribe(channel, nil)

	ctx := context.Background()
	slow, _, err := websocket.Dial(ctx, n.url, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer token-u2"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.CloseNow()
	slow.SetReadLimit(1 << 20)
	sub, _ := json.Marshal(map[string]any{"type": "subscribe", "id": "s", "channel": channel})
	if err := slow.Write(ctx, websocket.MessageText, sub); err != nil {
		t.Fatal(err)
	}
	readEnv := func() hub.Envelope {
		t.Helper()
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		defer cancel()
		_, data, err := slow.Read(rctx)
		if err != nil {
			t.Fatalf("slow client: %v", err)
		}
		var env hub.Envelope
		if err := json.Unmarshal(data, &env); err != nil {
			t.Fatalf("slow client got invalid JSON (%d bytes): %v", len(data), err)
		}
		return env
	}
	for env := readEnv(); env.ID != "s"; env = readEnv() {
	}

	const total = 200 // 12.5 MiB: more than loopback's buffers hold
	big := `{"body":"` + strings.Repeat("ب", 32<<10) + `"}`
	var got []int64
	for i := 0; i < total; i++ {
		publishDurable(t, n, channel, big)
		got = append(got, seqs(t, fast, channel, 1)...)
	}
	checkDense(t, "fast subscriber", got)
	if v := hub.Gathered(t, reg, "jihat_hub_slow_writes_total"); v == 0 {
		t.Fatal("no write was handed to the slow client's own goroutine: its buffers never filled?")
	}

	got = got[:0]
	for len(got) < total {
		if env := readEnv(); env.Type == hub.TypeEvent && env.Channel == channel {
			got = append(got, env.Seq)
		}
	}
	checkDense(t, "slow subscriber", got)
}
