package store

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"time"
)

// readBatcher runs the reads by key of concurrent callers as one query:
// while one query is running, the keys that arrive wait and are read
// together by the next, which one of their callers runs. Each caller is
// answered by a query that started after it asked, so nothing is older
// than a read of its own would be (no cache). Every REST request reads its
// session this way (SessionByTokenHash): at thousands of requests a second
// one query per request was a seventh of the server's CPU, round trips and
// statement overhead on both ends.
type readBatcher[K comparable, V any] struct {
	// read returns the rows of keys (a key without a row is left out).
	read    func(ctx context.Context, keys []K) (map[K]V, error)
	timeout time.Duration
	// yield: a caller who finds no query under way yields its processor
	// once (runtime.Gosched) before running its own, so that the callers
	// already runnable (a reconnect storm's) join it rather than queue
	// for the next. No timer: on an idle node it runs at once.
	yield bool

	mu   sync.Mutex
	open *readBatch[K, V] // keys waiting for the query under way
	busy bool             // a query is under way
	// burst: the last query answered more than one caller, so callers are
	// arriving together (a reconnect storm's session reads); the next
	// caller who finds no query under way yields as with yield. A lone
	// request (a REST call on a quiet node) finds it false and runs at once.
	burst bool
}

type readBatch[K comparable, V any] struct {
	keys []K
	has  map[K]bool
	n    int // callers
	got  map[K]V
	err  error
	done chan struct{} // closed when got and err are set
	lead chan struct{} // one token: the caller who receives it runs the query
}

// get returns key's row (ok false when there is none).
func (r *readBatcher[K, V]) get(ctx context.Context, key K) (v V, ok bool, err error) {
	r.mu.Lock()
	var b *readBatch[K, V]
	if !r.busy && (r.yield || r.burst) {
		r.busy = true
		b = &readBatch[K, V]{keys: []K{key}, has: map[K]bool{key: true}, n: 1,
			done: make(chan struct{}), lead: make(chan struct{}, 1)}
		r.open = b // callers arriving meanwhile join b
		r.mu.Unlock()
		runtime.Gosched()
		r.mu.Lock()
		if r.open == b {
			r.open = nil
		}
		r.mu.Unlock()
		r.run(ctx, b)
	} else if !r.busy {
		r.busy = true
		r.mu.Unlock()
		b = &readBatch[K, V]{keys: []K{key}}
		r.run(ctx, b)
	} else {
		if b = r.open; b == nil {
			b = &readBatch[K, V]{has: map[K]bool{}, done: make(chan struct{}), lead: make(chan struct{}, 1)}
			r.open = b
		}
		b.n++
		if !b.has[key] {
			b.has[key] = true
			b.keys = append(b.keys, key)
		}
		r.mu.Unlock()
		select {
		case <-b.done:
		case <-b.lead:
			r.run(ctx, b)
		}
	}
	if b.err != nil {
		return v, false, b.err
	}
	v, ok = b.got[key]
	return v, ok, nil
}

// run reads b's keys (this caller leads b), answers b's callers, and hands
// the batch formed meanwhile, if any, to one of its own callers.
func (r *readBatcher[K, V]) run(ctx context.Context, b *readBatch[K, V]) {
	func() {
		qctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), r.timeout)
		defer cancel()
		defer func() { // the others must not wait for ever on a batch that failed so
			if p := recover(); p != nil {
				b.got, b.err = nil, fmt.Errorf("store: batched read: %v", p)
			}
		}()
		b.got, b.err = r.read(qctx, b.keys)
	}()
	if b.done != nil {
		close(b.done)
	}
	r.mu.Lock()
	r.burst = b.n > 1
	next := r.open
	r.open = nil
	if next == nil {
		r.busy = false
	}
	r.mu.Unlock()
	if next != nil {
		next.lead <- struct{}{}
	}
}
