package store

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestReadBatcher: callers that arrive while a read runs are read together
// by the next, each gets its own key's row (or none), a failing read fails
// its batch's callers only, and a panicking read fails them instead of
// leaving the others waiting.
func TestReadBatcher(t *testing.T) {
	var reads, keys atomic.Int64
	gate := make(chan struct{})
	var first sync.Once
	r := &readBatcher[int, string]{timeout: time.Second, read: func(ctx context.Context, ks []int) (map[int]string, error) {
		first.Do(func() { <-gate }) // the first read waits until the others have queued
		reads.Add(1)
		keys.Add(int64(len(ks)))
		out := map[int]string{}
		for _, k := range ks {
			switch {
			case k == -1:
				return nil, errors.New("broken")
			case k == -2:
				panic("read panicked")
			case k%7 != 0: // multiples of 7 have no row
				out[k] = fmt.Sprint("v", k)
			}
		}
		return out, nil
	}}
	ctx := context.Background()
	var wg sync.WaitGroup
	wg.Go(func() {
		if v, ok, err := r.get(ctx, 1); v != "v1" || !ok || err != nil {
			t.Errorf("get(1) = %q, %v, %v", v, ok, err)
		}
	})
	for !func() bool { r.mu.Lock(); defer r.mu.Unlock(); return r.busy }() {
		time.Sleep(time.Millisecond) // until the first read is under way
	}
	const n = 50
	for i := range n {
		wg.Go(func() {
			k := 100 + i%25 // every key asked twice
			v, ok, err := r.get(ctx, k)
			if err != nil || ok != (k%7 != 0) || ok && v != fmt.Sprint("v", k) {
				t.Errorf("get(%d) = %q, %v, %v", k, v, ok, err)
			}
		})
	}
	for {
		r.mu.Lock()
		queued := r.open != nil && r.open.n == n
		r.mu.Unlock()
		if queued {
			break
		}
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	if reads.Load() != 2 || keys.Load() != 26 {
		t.Errorf("%d reads of %d keys; want 2 reads of 26 keys (the 50 queued callers' 25 keys read once)", reads.Load(), keys.Load())
	}
	if _, _, err := r.get(ctx, -1); err == nil {
		t.Error("a failed read gave no error")
	}
	if _, _, err := r.get(ctx, -2); err == nil {
		t.Error("a panicking read gave no error")
	}
	if v, ok, err := r.get(ctx, 3); v != "v3" || !ok || err != nil {
		t.Errorf("after failures get(3) = %q, %v, %v", v, ok, err)
	}
}

// TestReadBatcherYield: with yield, the caller who finds no read under way
// lets the runnable callers join its read first; every caller still gets
// its own key's row, from a read that started after it asked, and a lone
// caller is answered.
func TestReadBatcherYield(t *testing.T) {
	var reads, asked atomic.Int64
	r := &readBatcher[int, string]{timeout: time.Second, yield: true, read: func(ctx context.Context, ks []int) (map[int]string, error) {
		reads.Add(1)
		out := map[int]string{}
		for _, k := range ks {
			out[k] = fmt.Sprint("v", k)
		}
		return out, nil
	}}
	ctx := context.Background()
	if v, ok, err := r.get(ctx, 7); v != "v7" || !ok || err != nil {
		t.Fatalf("lone get(7) = %q, %v, %v", v, ok, err)
	}
	var wg sync.WaitGroup
	for i := range 200 {
		wg.Go(func() {
			asked.Add(1)
			k := i % 30
			if v, ok, err := r.get(ctx, k); v != fmt.Sprint("v", k) || !ok || err != nil {
				t.Errorf("get(%d) = %q, %v, %v", k, v, ok, err)
			}
		})
	}
	wg.Wait()
	if n := reads.Load(); n > asked.Load()+1 {
		t.Errorf("%d reads for %d callers", n, asked.Load()+1)
	}
	if r.busy || r.open != nil {
		t.Errorf("idle batcher busy %v, open %v", r.busy, r.open)
	}
}

// TestReadBatcherBurst: a batcher without yield yields only after a query
// that answered several callers (a burst), so a lone caller on a quiet node
// runs its query at once. The state is read at each step: one lone get
// leaves no burst; callers that queue behind a running query are answered by
// one query, which leaves a burst; the next lone get runs (by the yielding
// path) and, answering only itself, ends the burst.
func TestReadBatcherBurst(t *testing.T) {
	release := make(chan struct{})
	var blocking atomic.Bool
	var reads atomic.Int64
	r := &readBatcher[int, string]{timeout: time.Minute, read: func(ctx context.Context, ks []int) (map[int]string, error) {
		reads.Add(1)
		if blocking.Load() {
			<-release
		}
		out := map[int]string{}
		for _, k := range ks {
			out[k] = fmt.Sprint("v", k)
		}
		return out, nil
	}}
	ctx := context.Background()
	state := func() (busy, burst bool, waiting int) {
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.open != nil {
			waiting = r.open.n
		}
		return r.busy, r.burst, waiting
	}
	if v, ok, err := r.get(ctx, 1); v != "v1" || !ok || err != nil {
		t.Fatalf("lone get(1) = %q, %v, %v", v, ok, err)
	}
	if _, burst, _ := state(); burst {
		t.Fatal("a lone get left a burst")
	}
	blocking.Store(true)
	var wg sync.WaitGroup
	wg.Go(func() { r.get(ctx, 2) }) // runs a query, held until release
	for busy, _, _ := state(); !busy; busy, _, _ = state() {
		runtime.Gosched()
	}
	const queued = 5
	for i := range queued {
		wg.Go(func() {
			if v, ok, err := r.get(ctx, 10+i); v != fmt.Sprint("v", 10+i) || !ok || err != nil {
				t.Errorf("get(%d) = %q, %v, %v", 10+i, v, ok, err)
			}
		})
	}
	for _, _, n := state(); n < queued; _, _, n = state() {
		runtime.Gosched()
	}
	blocking.Store(false)
	close(release)
	wg.Wait()
	if n := reads.Load(); n != 3 {
		t.Errorf("%d queries; want 3 (the lone one, the held one, one for the %d queued)", n, queued)
	}
	if busy, burst, _ := state(); busy || !burst {
		t.Fatalf("after %d callers answered by one query: busy %v, burst %v; want an idle batcher in a burst", queued, busy, burst)
	}
	if v, ok, err := r.get(ctx, 3); v != "v3" || !ok || err != nil {
		t.Fatalf("get(3) after the burst = %q, %v, %v", v, ok, err)
	}
	if busy, burst, _ := state(); busy || burst {
		t.Fatalf("after a lone get following the burst: busy %v, burst %v; want idle, no burst", busy, burst)
	}
}
