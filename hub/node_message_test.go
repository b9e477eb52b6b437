package hub_test

import (
	"context"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
)

// SendNode reaches the OnNodeMessage of the named node only, over the bus,
// and of this node directly.
func TestSendNode(t *testing.T) {
	net := hub.NewMemoryNetwork()
	got := make(chan string, 8)
	ctx := context.Background()
	mk := func(id string) *hub.Hub {
		h, err := hub.New(hub.Config{NodeID: id,
			NewBus: func(bh hub.BusHandler) (hub.Bus, error) {
				return hub.NewMemoryBus(hub.MemoryBusConfig{Network: net, NodeID: id, Handler: bh}), nil
			},
			OnNodeMessage: func(b []byte) { got <- id + ":" + string(b) }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close(ctx) })
		return h
	}
	a, b, _ := mk("a"), mk("b"), mk("c")
	for _, step := range []struct {
		from *hub.Hub
		to   string
		msg  string
	}{{b, "a", "from b"}, {a, "a", "to self"}, {a, "c", "from a"}} {
		if err := step.from.SendNode(ctx, step.to, []byte(step.msg)); err != nil {
			t.Fatal(err)
		}
		select {
		case g := <-got:
			if g != step.to+":"+step.msg {
				t.Fatalf("got %q, want %q", g, step.to+":"+step.msg)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("%q never reached %s", step.msg, step.to)
		}
	}
	if err := a.SendNode(ctx, "", []byte("x")); jihat.ErrorCode(err) != jihat.EINVALID {
		t.Errorf("no node: %v", err)
	}
	if len(got) != 0 {
		t.Errorf("a message reached a node it was not sent to: %q", <-got)
	}
}
