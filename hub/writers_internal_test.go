package hub

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/prometheus/client_golang/prometheus"
)

// gatedWriter is a pooled frameWriter whose first non-blocking write waits
// for a gate: the write loop is held busy while frames pile up.
type gatedWriter struct {
	entered  chan struct{} // the first tryWriteFrames began
	gate     chan struct{}
	tries    int
	blocking chan int // lengths of the batches written by writeFrames
}

func (w *gatedWriter) pooled() bool { return true }

func (w *gatedWriter) tryWriteFrames(frames [][]byte, stop func() bool) (int, func() (int, error), error) {
	w.tries++
	if w.tries == 1 {
		close(w.entered)
		<-w.gate
	}
	return len(frames), nil, nil
}

func (w *gatedWriter) writeFrames(frames [][]byte, stop func() bool) (int, error) {
	w.blocking <- len(frames)
	return len(frames), nil
}

func (w *gatedWriter) close(websocket.StatusCode, string) {}

// TestWriteLoopHandsOffWhenBehind: a socket that has `behind` frames or more
// queued when its write loop comes to it is drained by a goroutine of its
// own, whole, and counted.
func TestWriteLoopHandsOffWhenBehind(t *testing.T) {
	reg := prometheus.NewRegistry()
	h, err := New(Config{Writers: 1, Metrics: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	w := &gatedWriter{entered: make(chan struct{}), gate: make(chan struct{}), blocking: make(chan int, 4)}
	c := h.newConn(nil, Principal{UserID: "u"}, w)
	c.send([]byte(`{"type":"event","seq":1}`))
	<-w.entered // the loop is writing the first frame and waits
	for i := 0; i < behind+4; i++ {
		c.send([]byte(`{"type":"event"}`))
	}
	close(w.gate)
	select {
	case n := <-w.blocking:
		if n != behind+4 {
			t.Fatalf("the socket's own goroutine wrote %d frames, want %d", n, behind+4)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the queue was never handed to a goroutine of the socket's own")
	}
	if w.tries != 1 {
		t.Fatalf("the loop tried %d non-blocking writes, want 1 (then the hand-off)", w.tries)
	}
	if v := gathered(t, reg, "jihat_hub_behind_writes_total"); v != 1 {
		t.Fatalf("jihat_hub_behind_writes_total = %v, want 1", v)
	}
	c.closeWith(CloseGoingAway, "done", reasonShutdown)
	<-c.done
}

// gathered returns the value of the counter name in reg.
func gathered(t *testing.T, reg *prometheus.Registry, name string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name {
			return mf.GetMetric()[0].GetCounter().GetValue()
		}
	}
	t.Fatalf("no metric %s", name)
	return 0
}

// TestPublishWaitsForBacklog: while the sockets' queues hold more than
// MaxBacklog frames, a local Publish waits for the writers; it returns once
// they caught up.
func TestPublishWaitsForBacklog(t *testing.T) {
	reg := prometheus.NewRegistry()
	h, err := New(Config{Writers: 1, MaxBacklog: 4, Metrics: reg})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close(context.Background())
	w := &gatedWriter{entered: make(chan struct{}), gate: make(chan struct{}), blocking: make(chan int, 4)}
	c := h.newConn(nil, Principal{UserID: "u"}, w)
	c.send([]byte(`{"type":"event"}`))
	<-w.entered // the loop is busy with the first frame
	for i := 0; i < 6; i++ {
		c.send([]byte(`{"type":"event"}`))
	}
	var released atomic.Bool
	done := make(chan bool)
	go func() {
		h.Publish(context.Background(), "feed", Event{Data: []byte(`{}`)})
		done <- released.Load()
	}()
	for gathered(t, reg, "jihat_hub_backpressure_total") < 1 {
		time.Sleep(time.Millisecond) // until the publish waits
	}
	released.Store(true)
	close(w.gate)
	select {
	case afterRelease := <-done:
		if !afterRelease {
			t.Fatal("Publish returned while the backlog was over the limit")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Publish never returned")
	}
	c.closeWith(CloseGoingAway, "done", reasonShutdown)
	<-c.done
	if b := h.backlog.Load(); b != 0 {
		t.Fatalf("backlog %d after the socket closed, want 0", b)
	}
}
