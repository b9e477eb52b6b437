package server

import (
	"sync"
	"sync/atomic"
	"testing"
)

// TestCoalescerWait: wait returns only once every sender started before it
// has sent, while touches keep starting senders (as votes and departures do
// while Server.Close waits); run with -race, a WaitGroup here was a race.
func TestCoalescerWait(t *testing.T) {
	var sent atomic.Int64
	c := &coalescer{send: func(string, *coalesced) { sent.Add(1) }}
	var touches sync.WaitGroup
	for i := range 8 {
		touches.Add(1)
		go func() {
			defer touches.Done()
			for j := range 50 {
				c.touch(string(rune('a'+i)), nil)
				if j%10 == 0 {
					c.wait()
				}
			}
		}()
	}
	touches.Wait()
	c.wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.senders != 0 {
		t.Fatalf("%d senders still running after wait", c.senders)
	}
	for k, st := range c.keys {
		if st.running || st.pending {
			t.Errorf("key %q: running %v, pending %v after wait", k, st.running, st.pending)
		}
	}
	if sent.Load() == 0 {
		t.Fatal("nothing was sent")
	}
}
