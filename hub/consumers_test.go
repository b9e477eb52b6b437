package hub_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/jihat/jihat/hub"
)

// publishDurable commits an event to the fake database and publishes it, as
// the server does after a transaction.
func publishDurable(t *testing.T, n *node, channel, body string) int64 {
	t.Helper()
	ev := n.db.commit(channel, body)
	if err := n.hub.Publish(context.Background(), channel, ev); err != nil {
		t.Fatal(err)
	}
	return ev.Seq
}

// seqs collects the sequence numbers of channel's events from c until it has
// want of them.
func seqs(t *testing.T, c *client, channel string, want int) []int64 {
	t.Helper()
	var got []int64
	for len(got) < want {
		env := c.next(func(e hub.Envelope) bool { return e.Type == hub.TypeEvent && e.Channel == channel })
		got = append(got, env.Seq)
	}
	return got
}

func checkDense(t *testing.T, who string, got []int64) {
	t.Helper()
	for i, s := range got {
		if s != int64(i+1) {
			t.Fatalf("%s: event %d has seq %d: a gap or a duplicate (%v...)", who, i, s, got[:min(len(got), 20)])
		}
	}
}

// TestSlowConsumer: a client that stops reading is disconnected when its
// queue fills; the others get every event; the slow one reconnects with
// since and gets everything it missed, exactly once.
func TestSlowConsumer(t *testing.T) {
	n := startNode(t, nodeOpts{cfg: hub.Config{QueueSize: 8}})
	channel := caseChannel(1)
	fast := dial(t, n.url, "token-u1")
	fast.subscribe(channel, nil)

	// The slow client subscribes and then never reads again.
	ctx := context.Background()
	slow, _, err := websocket.Dial(ctx, n.url, &websocket.DialOptions{HTTPHeader: http.Header{"Authorization": {"Bearer token-u2"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer slow.CloseNow()
	sub, _ := json.Marshal(map[string]any{"type": "subscribe", "id": "s", "channel": channel})
	if err := slow.Write(ctx, websocket.MessageText, sub); err != nil {
		t.Fatal(err)
	}
	for { // read until the subscription is acknowledged, then never again
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, data, err := slow.Read(rctx)
		cancel()
		if err != nil {
			t.Fatalf("slow client before its ack: %v", err)
		}
		var env hub.Envelope
		if json.Unmarshal(data, &env) == nil && env.ID == "s" {
			if env.Type != hub.TypeAck {
				t.Fatalf("slow client's subscribe: %s %s", env.Type, env.Data)
			}
			break
		}
	}

	// Publish at the pace the fast subscriber reads (each event waits until
	// it has arrived there), so only the slow one falls behind: once the
	// socket buffers between us are full, its queue fills and it is cut off.
	const total = 400
	big := `{"body":"` + strings.Repeat("ب", 32<<10) + `"}` // 64 KiB
	var got []int64
	for i := 0; i < total; i++ {
		publishDurable(t, n, channel, big)
		got = append(got, seqs(t, fast, channel, 1)...)
	}
	checkDense(t, "fast subscriber", got)

	// The slow one was cut off. The close frame carries the resync code, but
	// it can only reach a client that reads again within the close's write
	// timeout; one that stays silent sees the connection dropped instead.
	// Either way the client reconnects and resyncs.
	var closeCode websocket.StatusCode = -1
	for {
		rctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_, _, err := slow.Read(rctx)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatal("the slow consumer was never disconnected")
		}
		if err != nil {
			closeCode = websocket.CloseStatus(err)
			break
		}
	}
	if closeCode != hub.CloseResync && closeCode != -1 {
		t.Fatalf("slow consumer closed with %v, want %v (resync) or a dropped connection", closeCode, hub.CloseResync)
	}

	// It reconnects with since=0 and gets all of them, in order, once.
	again := dial(t, n.url, "token-u2")
	zero := int64(0)
	again.subscribe(channel, &zero)
	checkDense(t, "reconnected slow subscriber", seqs(t, again, channel, total))
}

// TestFloodThrottled: a client sending 1,000 messages a second is refused
// with ERATELIMIT and then closed, while another client on the same node
// keeps receiving.
func TestFloodThrottled(t *testing.T) {
	n := startNode(t, nodeOpts{})
	channel := caseChannel(2)
	calm := dial(t, n.url, "token-u1")
	calm.subscribe(channel, nil)
	flood := dial(t, n.url, "token-u2")

	stop := make(chan struct{})
	go func() {
		tick := time.NewTicker(time.Millisecond) // 1,000 messages/s
		defer tick.Stop()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			case <-tick.C:
			}
			b := []byte(fmt.Sprintf(`{"type":"ping","id":"f%d"}`, i))
			if flood.ws.Write(context.Background(), websocket.MessageText, b) != nil {
				return
			}
		}
	}()
	defer close(stop)
	for i := 0; i < 20; i++ {
		publishDurable(t, n, channel, `{"n":1}`)
		time.Sleep(25 * time.Millisecond)
	}
	checkDense(t, "calm subscriber", seqs(t, calm, channel, 20))

	limited := false
	for !limited {
		env := flood.next(nil)
		limited = env.Type == hub.TypeError && strings.Contains(string(env.Data), "ERATELIMIT")
	}
	if code := flood.waitClosed(); code != websocket.StatusPolicyViolation {
		t.Fatalf("flooding client closed with %v, want 1008", code)
	}
}

// TestDisconnectUser closes every socket of the user, and only theirs.
func TestDisconnectUser(t *testing.T) {
	n := startNode(t, nodeOpts{})
	a1, a2, b := dial(t, n.url, "token-u1"), dial(t, n.url, "token-u1"), dial(t, n.url, "token-u2")
	for _, c := range []*client{a1, a2, b} {
		c.subscribe(caseChannel(3), nil)
	}
	if err := n.hub.DisconnectUser(context.Background(), "u1", "account disabled"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []*client{a1, a2} {
		if code := c.waitClosed(); code != hub.CloseRevoked {
			t.Fatalf("close code %v, want %v", code, hub.CloseRevoked)
		}
	}
	publishDurable(t, n, caseChannel(3), `{"still":"here"}`)
	if env := b.next(ofType(hub.TypeEvent)); env.Seq != 1 {
		t.Fatalf("the other user's socket got %+v", env)
	}
}

// TestReplaySeam: events published while a subscription replays from the
// database arrive once each, in order, without a gap at the seam.
//
// The 300 events are published in one burst with no pause; the part that
// comes after the seam goes straight to the send queue. With the default
// queue (256) a writer goroutine starved of CPU (a loaded machine, -race)
// lets the burst fill it, and the slow-consumer rule closes the socket
// with 4008 — that rule has its own test (TestSlowConsumer). Here the queue
// holds the whole burst, so what is tested is the seam alone.
func TestReplaySeam(t *testing.T) {
	n := startNode(t, nodeOpts{cfg: hub.Config{QueueSize: 1024}})
	channel := caseChannel(4)
	for i := 0; i < 300; i++ {
		n.db.commit(channel, `{"before":true}`)
	}
	c := dial(t, n.url, "token-u1")
	published := make(chan struct{})
	go func() {
		defer close(published)
		for i := 0; i < 300; i++ {
			publishDurable(t, n, channel, `{"during":true}`)
		}
	}()
	zero := int64(0)
	c.subscribe(channel, &zero)
	<-published
	checkDense(t, "subscriber across the seam", seqs(t, c, channel, 600))
}
