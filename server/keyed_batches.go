package server

import (
	"sync"
	"time"
)

// keyedBatches queues items per key (a motion, a meeting) and hands them to
// a commit function in batches (group commit): while one batch's
// transaction runs, the items that arrive queue up and go together in the
// next. A lone item waits for nothing; a storm costs one transaction per
// batch instead of one per item. The voteBatcher and the stayBatcher are
// its two users.
type keyedBatches[In, Out any] struct {
	// gather (0: none) is the longest a batch waits for more items while
	// they keep arriving; quiet (at least gatherStep) is how long without
	// a new item ends the gathering (gatherMore).
	gather, quiet time.Duration
	mu            sync.Mutex // guards queues
	queues        map[string]*batchQueue[In, Out]
}

// gatherStep is how long a gathering batch waits for one more item.
const gatherStep = time.Millisecond

// batchCommit commits one batch of key's items: one result per item, in
// order, or one error for the whole batch.
type batchCommit[In, Out any] func(key string, batch []In) ([]Out, error)

type batchQueue[In, Out any] struct {
	items   []batchItem[In, Out]
	running bool
}

type batchItem[In, Out any] struct {
	in   In
	done chan batchDone[Out]
}

type batchDone[Out any] struct {
	out Out
	err error
}

// do queues in under key and waits for its batch (at most max items) to be
// committed by commit.
func (k *keyedBatches[In, Out]) do(key string, in In, max int, commit batchCommit[In, Out]) (Out, error) {
	it := batchItem[In, Out]{in: in, done: make(chan batchDone[Out], 1)}
	k.mu.Lock()
	if k.queues == nil {
		k.queues = map[string]*batchQueue[In, Out]{}
	}
	q := k.queues[key]
	if q == nil {
		q = &batchQueue[In, Out]{}
		k.queues[key] = q
	}
	q.items = append(q.items, it)
	start := !q.running
	q.running = true
	k.mu.Unlock()
	if start {
		go k.run(key, max, commit)
	}
	d := <-it.done // the batch always answers
	return d.out, d.err
}

// busy reports whether key has items queued or a batch being committed.
func (k *keyedBatches[In, Out]) busy(key string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	_, ok := k.queues[key]
	return ok
}

// run commits the queue of key batch after batch until it is empty.
func (k *keyedBatches[In, Out]) run(key string, max int, commit batchCommit[In, Out]) {
	for {
		k.gatherMore(key, max)
		k.mu.Lock()
		q := k.queues[key]
		n := min(len(q.items), max)
		if n == 0 {
			delete(k.queues, key)
			k.mu.Unlock()
			return
		}
		batch := q.items[:n:n]
		q.items = q.items[n:]
		k.mu.Unlock()
		ins := make([]In, n)
		for i, it := range batch {
			ins[i] = it.in
		}
		outs, err := commit(key, ins)
		for i, it := range batch {
			if err != nil {
				it.done <- batchDone[Out]{err: err}
			} else {
				it.done <- batchDone[Out]{out: outs[i]}
			}
		}
	}
}

// gatherMore waits, before a batch is taken, while items keep arriving:
// gatherStep at a time, until no item has come for quiet (at least one
// step), at most gather in all. A lone item waits quiet; a storm goes as
// one batch once the items stop coming, instead of a first batch of the
// one or two that arrived first and the rest after it (each batch is a
// round trip to the database that waits for the CPU behind the storm's
// reads: two of them in a row were most of a thousand votes' ack time).
// An empty queue (a batch just committed, nothing came meanwhile) is not
// gathered: it goes at once, so busy stops reporting the key as soon as
// its last batch has answered (the tally of a lone vote looks at busy,
// tallyCoalescer.hold).
func (k *keyedBatches[In, Out]) gatherMore(key string, max int) {
	if k.gather <= 0 {
		return
	}
	queued := func() int {
		k.mu.Lock()
		defer k.mu.Unlock()
		return len(k.queues[key].items)
	}
	now := time.Now()
	end, last := now.Add(k.gather), now
	for n := queued(); n > 0 && n < max && time.Now().Before(end); {
		time.Sleep(gatherStep)
		if m := queued(); m != n {
			n, last = m, time.Now()
		} else if time.Since(last) >= k.quiet {
			return
		}
	}
}
