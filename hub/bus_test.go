package hub_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/internal/testenv"
)

// newBusFunc makes one node of a test cluster: every call of the function
// returned by a suite factory joins the same cluster.
type newBusFunc func(t *testing.T, h hub.BusHandler) hub.Bus

// inbox records what a node received.
type inbox struct {
	mu   sync.Mutex
	msgs []busMsg
	c    chan struct{}
}

type busMsg struct {
	channel string
	payload []byte
}

func newInbox() *inbox { return &inbox{c: make(chan struct{}, 1)} }

func (in *inbox) handle(channel string, payload []byte) {
	in.mu.Lock()
	in.msgs = append(in.msgs, busMsg{channel, bytes.Clone(payload)})
	in.mu.Unlock()
	select {
	case in.c <- struct{}{}:
	default:
	}
}

func (in *inbox) snapshot() []busMsg {
	in.mu.Lock()
	defer in.mu.Unlock()
	return append([]busMsg(nil), in.msgs...)
}

// waitN waits until n messages arrived, failing after a generous timeout.
func (in *inbox) waitN(t *testing.T, n int) []busMsg {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		if m := in.snapshot(); len(m) >= n {
			return m
		}
		select {
		case <-in.c:
		case <-deadline:
			t.Fatalf("got %d messages, want %d", len(in.snapshot()), n)
		}
	}
}

// runBusSuite checks the Bus contract on one implementation.
func runBusSuite(t *testing.T, newBus newBusFunc) {
	ctx := context.Background()

	t.Run("delivers to interested nodes only, never to the origin", func(t *testing.T) {
		a, b, c := newInbox(), newInbox(), newInbox()
		busA, busB, busC := newBus(t, a.handle), newBus(t, b.handle), newBus(t, c.handle)
		for _, bus := range []hub.Bus{busA, busB} {
			if err := bus.Subscribe(ctx, "case:x"); err != nil {
				t.Fatal(err)
			}
		}
		if err := busC.Subscribe(ctx, "case:other"); err != nil {
			t.Fatal(err)
		}
		if err := busA.Publish(ctx, "case:x", []byte("hello")); err != nil {
			t.Fatal(err)
		}
		// A marker through a channel C listens to, published after: once C
		// has it, C would have had the first message too.
		if err := busA.Publish(ctx, "case:other", []byte("marker")); err != nil {
			t.Fatal(err)
		}
		got := b.waitN(t, 1)
		if got[0].channel != "case:x" || string(got[0].payload) != "hello" {
			t.Fatalf("B got %q on %q", got[0].payload, got[0].channel)
		}
		if m := c.waitN(t, 1); len(m) != 1 || string(m[0].payload) != "marker" {
			t.Fatalf("C got %v, want only the marker", m)
		}
		// A's own message comes back to nobody on A: publish from B on a
		// channel A listens to and check it is the only thing A has.
		if err := busB.Publish(ctx, "case:x", []byte("from-b")); err != nil {
			t.Fatal(err)
		}
		if m := a.waitN(t, 1); len(m) != 1 || string(m[0].payload) != "from-b" {
			t.Fatalf("A got %v, want only B's message", m)
		}
	})

	t.Run("unsubscribe stops delivery", func(t *testing.T) {
		a, b := newInbox(), newInbox()
		busA, busB := newBus(t, a.handle), newBus(t, b.handle)
		for _, ch := range []string{"c1", "c2"} {
			if err := busB.Subscribe(ctx, ch); err != nil {
				t.Fatal(err)
			}
		}
		if err := busB.Unsubscribe(ctx, "c1"); err != nil {
			t.Fatal(err)
		}
		if err := busB.Unsubscribe(ctx, "never-subscribed"); err != nil {
			t.Fatalf("unsubscribe of an unknown channel: %v", err)
		}
		busA.Publish(ctx, "c1", []byte("dropped"))
		busA.Publish(ctx, "c2", []byte("kept"))
		if m := b.waitN(t, 1); len(m) != 1 || string(m[0].payload) != "kept" {
			t.Fatalf("B got %v", m)
		}
		_ = a
	})

	t.Run("keeps the order of one publisher and the bytes intact", func(t *testing.T) {
		b := newInbox()
		busA, busB := newBus(t, nil), newBus(t, b.handle)
		if err := busB.Subscribe(ctx, "ordered"); err != nil {
			t.Fatal(err)
		}
		if err := busB.Subscribe(ctx, "ordered"); err != nil { // idempotent
			t.Fatal(err)
		}
		const n = 500
		for i := 0; i < n; i++ {
			p := []byte(fmt.Sprintf("%d:\x00\xff\n{\"x\":1}", i))
			if i == 0 {
				p = []byte{} // an empty payload is a payload
			}
			if err := busA.Publish(ctx, "ordered", p); err != nil {
				t.Fatal(err)
			}
		}
		got := b.waitN(t, n)
		if len(got) != n {
			t.Fatalf("got %d messages, want %d (duplicates?)", len(got), n)
		}
		for i, m := range got {
			want := fmt.Sprintf("%d:\x00\xff\n{\"x\":1}", i)
			if i == 0 {
				want = ""
			}
			if string(m.payload) != want {
				t.Fatalf("message %d is %q, want %q", i, m.payload, want)
			}
		}
	})

	t.Run("publish right after subscribe returns is delivered", func(t *testing.T) {
		b := newInbox()
		busA, busB := newBus(t, nil), newBus(t, b.handle)
		const n = 50
		for i := 0; i < n; i++ {
			ch := fmt.Sprintf("fresh:%d", i)
			if err := busB.Subscribe(ctx, ch); err != nil {
				t.Fatal(err)
			}
			if err := busA.Publish(ctx, ch, []byte(ch)); err != nil {
				t.Fatal(err)
			}
		}
		got := b.waitN(t, n)
		for i, m := range got {
			if m.channel != fmt.Sprintf("fresh:%d", i) {
				t.Fatalf("message %d on %q", i, m.channel)
			}
		}
	})

	t.Run("ping and close", func(t *testing.T) {
		b := newInbox()
		busA, busB := newBus(t, nil), newBus(t, b.handle)
		if err := busA.Ping(ctx); err != nil {
			t.Fatalf("ping: %v", err)
		}
		if err := busB.Subscribe(ctx, "closing"); err != nil {
			t.Fatal(err)
		}
		if err := busB.Close(); err != nil {
			t.Fatalf("close: %v", err)
		}
		if err := busB.Close(); err != nil {
			t.Fatalf("second close: %v", err)
		}
		if err := busB.Ping(ctx); !errors.Is(err, hub.ErrBusClosed) {
			t.Fatalf("ping after close: %v, want ErrBusClosed", err)
		}
		if err := busB.Publish(ctx, "closing", nil); !errors.Is(err, hub.ErrBusClosed) {
			t.Fatalf("publish after close: %v, want ErrBusClosed", err)
		}
		if err := busA.Publish(ctx, "closing", []byte("late")); err != nil {
			t.Fatal(err)
		}
		// A third node that listens too receives it, so it went out.
		c := newInbox()
		busC := newBus(t, c.handle)
		if err := busC.Subscribe(ctx, "closing"); err != nil {
			t.Fatal(err)
		}
		busA.Publish(ctx, "closing", []byte("late2"))
		c.waitN(t, 1)
		if m := b.snapshot(); len(m) != 0 {
			t.Fatalf("closed bus delivered %v", m)
		}
	})
}

func TestMemoryBus(t *testing.T) {
	net := hub.NewMemoryNetwork()
	runBusSuite(t, func(t *testing.T, h hub.BusHandler) hub.Bus {
		b := hub.NewMemoryBus(hub.MemoryBusConfig{Network: net, Handler: h})
		t.Cleanup(func() { b.Close() })
		return b
	})
}

func TestRedisBus(t *testing.T) {
	client, prefix := mustRedis(t)
	runBusSuite(t, func(t *testing.T, h hub.BusHandler) hub.Bus {
		b, err := hub.NewRedisBus(hub.RedisBusConfig{Client: client, Prefix: prefix, Handler: h})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { b.Close() })
		return b
	})
}

// TestRedisBusSurvivesRestart kills Redis with SIGKILL, checks that the bus
// says so, then restarts it and checks that the interest of the node (made
// before and during the outage) is established again without any call.
func TestRedisBusSurvivesRestart(t *testing.T) {
	client, prefix := mustPrivateRedis(t)
	ctx := context.Background()
	in := newInbox()
	busA, err := hub.NewRedisBus(hub.RedisBusConfig{Client: client, Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	defer busA.Close()
	busB, err := hub.NewRedisBus(hub.RedisBusConfig{Client: client, Prefix: prefix, Handler: in.handle})
	if err != nil {
		t.Fatal(err)
	}
	defer busB.Close()
	if err := busB.Subscribe(ctx, "before"); err != nil {
		t.Fatal(err)
	}
	if err := busA.Publish(ctx, "before", []byte("1")); err != nil {
		t.Fatal(err)
	}
	in.waitN(t, 1)

	testenv.KillRedis(t)
	if err := busA.Ping(ctx); err == nil {
		t.Fatal("Ping says healthy while Redis is down")
	}
	if err := busA.Publish(ctx, "before", []byte("lost")); err == nil {
		t.Fatal("Publish succeeded while Redis is down")
	}
	sctx, cancel := context.WithTimeout(ctx, 500*time.Millisecond)
	if err := busB.Subscribe(sctx, "during"); err == nil {
		t.Fatal("Subscribe confirmed while Redis is down")
	}
	cancel()

	testenv.StartRedis(t)
	deadline := time.Now().Add(20 * time.Second)
	seen := map[string]bool{}
	for len(seen) < 2 {
		if time.Now().After(deadline) {
			t.Fatalf("after restart the bus delivered only %v", seen)
		}
		busA.Publish(ctx, "before", []byte("after"))
		busA.Publish(ctx, "during", []byte("after"))
		time.Sleep(50 * time.Millisecond)
		for _, m := range in.snapshot() {
			if string(m.payload) == "after" {
				seen[m.channel] = true
			}
		}
	}
	if err := busA.Ping(ctx); err != nil {
		t.Fatalf("Ping after restart: %v", err)
	}
	for _, m := range in.snapshot() {
		if string(m.payload) == "lost" {
			t.Fatal("a message published while Redis was down arrived")
		}
	}
}
