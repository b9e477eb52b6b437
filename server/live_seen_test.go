package server

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"
)

// TestSeenWriterCoalesces: times given while a write is running wait for
// it and go out together in the next one, each user's latest time winning;
// wait returns once everything is written.
func TestSeenWriterCoalesces(t *testing.T) {
	release := make(chan struct{})
	var mu sync.Mutex
	var batches []map[string]time.Time
	w := &seenWriter{log: slog.New(slog.NewTextHandler(io.Discard, nil)), write: func(_ context.Context, seen map[string]time.Time) error {
		mu.Lock()
		batches = append(batches, seen)
		first := len(batches) == 1
		mu.Unlock()
		if first {
			<-release // hold the first write while others arrive
		}
		return nil
	}}
	t0 := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
	w.seen("a", t0)
	for { // the first write has started
		mu.Lock()
		n := len(batches)
		mu.Unlock()
		if n == 1 {
			break
		}
		time.Sleep(time.Millisecond)
	}
	w.seen("b", t0.Add(time.Second))
	w.seen("a", t0.Add(3*time.Second))
	w.seen("a", t0.Add(2*time.Second)) // older: does not win
	close(release)
	w.wait()
	if len(batches) != 2 {
		t.Fatalf("%d writes, want 2: %v", len(batches), batches)
	}
	if got := batches[0]; len(got) != 1 || !got["a"].Equal(t0) {
		t.Errorf("first write %v", got)
	}
	got := batches[1]
	if len(got) != 2 || !got["a"].Equal(t0.Add(3*time.Second)) || !got["b"].Equal(t0.Add(time.Second)) {
		t.Errorf("second write %v; want a at +3s and b at +1s", got)
	}
}
