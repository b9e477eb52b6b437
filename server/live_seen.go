package server

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// seenWriter coalesces the "seen now" writes of sockets that connect: a
// reconnect storm of 20,000 sockets would otherwise put 20,000 writes on
// the database at once (SQLite has one writer), ahead of the comments of
// the clients already connected. One flusher runs while anything is
// pending and writes what gathered meanwhile in one transaction; each
// user's latest time wins.
type seenWriter struct {
	write func(ctx context.Context, seen map[string]time.Time) error
	log   *slog.Logger

	mu      sync.Mutex // guards pending and running
	pending map[string]time.Time
	running bool
	wg      sync.WaitGroup // the running flusher
}

// seen records that user was seen at at; it is written shortly.
func (w *seenWriter) seen(user string, at time.Time) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.pending == nil {
		w.pending = map[string]time.Time{}
	}
	if at.After(w.pending[user]) {
		w.pending[user] = at
	}
	if !w.running {
		w.running = true
		w.wg.Add(1)
		go w.flush()
	}
}

// flush writes batches until none is pending.
func (w *seenWriter) flush() {
	defer w.wg.Done()
	for {
		w.mu.Lock()
		batch := w.pending
		w.pending = nil
		if len(batch) == 0 {
			w.running = false
			w.mu.Unlock()
			return
		}
		w.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if err := w.write(ctx, batch); err != nil {
			w.log.Warn("touch users", slog.Int("users", len(batch)), slog.Any("err", err))
		}
		cancel()
	}
}

// wait returns once nothing is pending or being written.
func (w *seenWriter) wait() { w.wg.Wait() }
