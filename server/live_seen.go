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
// pending and writes what gathered meanwhile in one statement; each
// user's latest time wins. After each write it pauses (seenPause) before
// the next, so that a storm's sockets are written a few times a second
// rather than once per write's duration: during a storm of 18,000 sockets
// that was ~100 UPDATEs a second on SQLite's one writer, beside the live
// traffic's commits (2 % of the server, issue 17 session 10). The times
// are for assignment's "seen within OnlineWindow" (2 minutes) fallback; a
// pause delays a write, never a time, and only when sockets keep coming.
type seenWriter struct {
	write func(ctx context.Context, seen map[string]time.Time) error
	log   *slog.Logger
	// pause waits between two writes (seenPause, cut short by close);
	// tests replace it.
	pause func(closing <-chan struct{})

	mu      sync.Mutex // guards pending, running and closing
	pending map[string]time.Time
	running bool
	closing chan struct{}  // closed by close: no more pauses
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
		if w.pause != nil {
			w.pause(w.closed())
		}
	}
}

// seenPause is how long the flusher waits after a write before it takes
// the next batch.
const seenPause = 250 * time.Millisecond

// sleepSeenPause is the server's seenWriter.pause.
func sleepSeenPause(closing <-chan struct{}) {
	t := time.NewTimer(seenPause)
	defer t.Stop()
	select {
	case <-t.C:
	case <-closing:
	}
}

// closed returns the channel that close closes.
func (w *seenWriter) closed() <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closing == nil {
		w.closing = make(chan struct{})
	}
	return w.closing
}

// close ends the pauses (the server is closing) and waits for what is
// pending to be written.
func (w *seenWriter) close() {
	w.mu.Lock()
	if w.closing == nil {
		w.closing = make(chan struct{})
	}
	select {
	case <-w.closing:
	default:
		close(w.closing)
	}
	w.mu.Unlock()
	w.wait()
}

// wait returns once nothing is pending or being written.
func (w *seenWriter) wait() { w.wg.Wait() }
