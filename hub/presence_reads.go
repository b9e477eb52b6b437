package hub

import "sync"

// FreshReads shares one read of a key (a channel's member list, a room's
// state) among the callers that ask for it at about the same time, without
// ever answering a caller with what was read before it asked: a caller
// waits for a read that starts after its arrival. While one read of a key
// runs, every caller that arrives joins the next one, so a storm of N
// arrivals in a big room costs a few reads of its N members instead of N
// (which is N² work). A read runs in the goroutine of one of its callers
// (with that caller's read function: the reads of one key must be alike),
// which then hands the next queued read, if any, to one of its callers.
// The zero value is ready; it is safe for concurrent use.
type FreshReads[T any] struct {
	mu   sync.Mutex
	keys map[string]*freshKey[T]
}

type freshKey[T any] struct {
	running bool
	next    *freshCall[T] // the read the callers arriving now wait for
}

type freshCall[T any] struct {
	done    chan struct{}
	lead    chan struct{} // one of the callers runs the read
	callers int           // how many share it (guarded by FreshReads.mu)
	v       T
	err     error
}

// Get returns the result of a call of read for key that started after Get
// was called. read must not keep or change what other callers share: the
// value is handed to every caller of the same read.
func (f *FreshReads[T]) Get(key string, read func() (T, error)) (T, error) {
	f.mu.Lock()
	if f.keys == nil {
		f.keys = map[string]*freshKey[T]{}
	}
	k := f.keys[key]
	if k == nil {
		k = &freshKey[T]{}
		f.keys[key] = k
	}
	c := k.next
	if c == nil {
		c = &freshCall[T]{done: make(chan struct{}), lead: make(chan struct{}, 1)}
		k.next = c
	}
	c.callers++
	if !k.running {
		k.running, k.next = true, nil
		c.lead <- struct{}{}
	}
	f.mu.Unlock()
	select {
	case <-c.done:
		return c.v, c.err
	case <-c.lead:
	}
	c.v, c.err = read()
	close(c.done)
	f.mu.Lock()
	if next := k.next; next != nil {
		k.next = nil
		next.lead <- struct{}{}
	} else {
		k.running = false
		delete(f.keys, key)
	}
	f.mu.Unlock()
	return c.v, c.err
}
