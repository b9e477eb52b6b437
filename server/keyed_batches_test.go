package server

import (
	"slices"
	"sync"
	"testing"
	"time"
)

// TestKeyedBatchesGatherQuiet: items that keep coming with pauses of many
// gathering steps, each shorter than quiet, go as one batch (quiet and the
// cap are an hour here, so only the batch's size, max, ends the
// gathering; before quiet, a step without a new item ended it and these
// pauses split the items), and each item gets its own outcome.
func TestKeyedBatchesGatherQuiet(t *testing.T) {
	const items = 4
	k := &keyedBatches[int, int]{gather: time.Hour, quiet: time.Hour}
	var mu sync.Mutex
	var sizes []int
	commit := func(key string, in []int) ([]int, error) {
		mu.Lock()
		sizes = append(sizes, len(in))
		mu.Unlock()
		out := make([]int, len(in))
		for i, v := range in {
			out[i] = v * 10
		}
		return out, nil
	}
	var wg sync.WaitGroup
	outs := make([]int, items)
	for i := range items {
		if i > 0 {
			// a pause of many gathering steps (not an assertion: the
			// outcome does not depend on how long it lasts)
			time.Sleep(20 * gatherStep)
		}
		wg.Go(func() {
			out, err := k.do("motion", i+1, items, commit)
			if err != nil {
				t.Error(err)
			}
			outs[i] = out
		})
	}
	wg.Wait()
	if want := []int{10, 20, 30, 40}; !slices.Equal(outs, want) {
		t.Errorf("outcomes %v, want %v", outs, want)
	}
	if !slices.Equal(sizes, []int{items}) {
		t.Errorf("batches %v, want one of %d", sizes, items)
	}
}

// TestKeyedBatchesEmptyQueueNotGathered: after a batch, a queue left
// empty is not gathered (with an hour's gathering and quiet, the old rule
// kept the key busy for the hour after its last batch, and a lone vote's
// tally, which looks at busy, took it for a storm and waited tallyQuiet).
func TestKeyedBatchesEmptyQueueNotGathered(t *testing.T) {
	k := &keyedBatches[int, int]{gather: time.Hour, quiet: time.Hour,
		queues: map[string]*batchQueue[int, int]{"motion": {running: true}}}
	done := make(chan struct{})
	go func() {
		k.gatherMore("motion", 10)
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(time.Minute): // a guard against a hang, not a measure
		t.Fatal("gatherMore waited on an empty queue")
	}
}
