package hub

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// TestFreshReads: callers that arrive while a read runs share the next
// read, never the one already running (it may have missed them); a storm
// costs a few reads; a lone caller reads alone.
func TestFreshReads(t *testing.T) {
	var f FreshReads[int64]
	var state, reads atomic.Int64
	// A lone caller.
	if v, err := f.Get("k", func() (int64, error) { reads.Add(1); return state.Load(), nil }); err != nil || v != 0 || reads.Load() != 1 {
		t.Fatalf("lone: %d %v, %d reads", v, err, reads.Load())
	}
	// A read that is running when others arrive: they wait for the next.
	started, release := make(chan struct{}), make(chan struct{})
	go f.Get("k", func() (int64, error) {
		close(started)
		<-release
		return -1, nil // what it read before the others arrived
	})
	<-started
	const n = 200
	var wg sync.WaitGroup
	got := make([]int64, n)
	for i := range n {
		state.Add(1) // each caller's arrival changes the state first
		wg.Add(1)
		go func() {
			defer wg.Done()
			got[i], _ = f.Get("k", func() (int64, error) { reads.Add(1); return state.Load(), nil })
		}()
	}
	for f.queued("k") < n { // every caller queued behind the running read
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	for i, v := range got {
		if v < int64(i+1) {
			t.Fatalf("caller %d got %d: a read older than its arrival", i, v)
		}
	}
	if r := reads.Load(); r != 2 { // the lone caller's, and one for the n
		t.Fatalf("%d reads for 1 + %d callers, want 2", r, n)
	}
}

// queued reports how many callers wait for key's next read (for the test).
func (f *FreshReads[T]) queued(key string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if k := f.keys[key]; k != nil && k.next != nil {
		return k.next.callers
	}
	return 0
}
