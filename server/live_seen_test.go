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

// TestSeenWriterPauses: after a write the flusher pauses before the next,
// and the times given meanwhile go out together when the pause ends;
// close ends a pause at once and returns when nothing is left.
func TestSeenWriterPauses(t *testing.T) {
	var mu sync.Mutex
	var batches []map[string]time.Time
	paused := make(chan struct{})
	release := make(chan struct{})
	w := &seenWriter{log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		write: func(_ context.Context, seen map[string]time.Time) error {
			mu.Lock()
			batches = append(batches, seen)
			mu.Unlock()
			return nil
		},
		pause: func(closing <-chan struct{}) {
			paused <- struct{}{}
			select {
			case <-release:
			case <-closing:
			}
		}}
	t0 := time.Date(2026, 12, 4, 19, 0, 0, 0, time.UTC)
	w.seen("a", t0)
	<-paused // the first write is done; the flusher pauses
	w.seen("b", t0.Add(time.Second))
	w.seen("c", t0.Add(2*time.Second))
	mu.Lock()
	if len(batches) != 1 {
		t.Fatalf("%d writes during the pause, want 1: %v", len(batches), batches)
	}
	mu.Unlock()
	release <- struct{}{}
	<-paused // the second write is done
	mu.Lock()
	if len(batches) != 2 || len(batches[1]) != 2 || !batches[1]["b"].Equal(t0.Add(time.Second)) || !batches[1]["c"].Equal(t0.Add(2*time.Second)) {
		t.Fatalf("writes %v; want [a] then [b c] together", batches)
	}
	mu.Unlock()
	w.close() // ends the pause: nothing is pending, the flusher stops
	w.seen("d", t0.Add(3*time.Second))
	<-paused // a write after close still happens; its pause returns at once (closing)
	w.wait()
	if len(batches) != 3 || !batches[2]["d"].Equal(t0.Add(3*time.Second)) {
		t.Fatalf("writes %v; want d written after close", batches)
	}
}
