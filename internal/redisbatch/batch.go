// Package redisbatch sends the Redis commands of concurrent callers together:
// while one batch is on the wire, the commands that arrive wait, and go as
// the next batch, one pipeline (one write, one read, one round trip) for all
// of them. Each caller still waits for its own command's answer, so code
// that used the client directly keeps its meaning (and its back-pressure).
//
// The server publishes every case event to Redis (the bus between nodes)
// and counts every write against a rate limit there; at thousands of
// comments a second, one round trip per command was a tenth of the server's
// CPU (system calls on both ends, Redis's included) — see docs/BENCHMARKS.md
// "Persisting path".
//
// Order: the commands of one batch run in the order they were queued, and
// batches in the order they were formed, so a caller that waits for each
// command before it sends the next sees them run in its order.
//
// Queue sends a command without waiting for it: it joins the next batch in
// the same order, and its outcome goes to a callback. A publish that only
// has to reach the other nodes in order (the bus) uses it, so the caller's
// next step does not wait a round trip; once MaxQueued commands wait, Queue
// waits too, so a slow Redis still holds its callers back.
package redisbatch

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// Batcher queues commands for one Redis client. It has no goroutine of its
// own: the caller whose command finds no batch on the wire sends it, and
// hands the next batch to one of that batch's callers. The zero value is
// not usable; make one with New. It is safe for concurrent use.
type Batcher struct {
	client  redis.UniversalClient
	timeout time.Duration

	mu   sync.Mutex
	open *batch // commands waiting for the batch on the wire
	busy bool   // a batch is on the wire

	batches, commands atomic.Int64
}

type batch struct {
	cmds    []redis.Cmder
	queued  []queuedCmd   // commands nobody waits for
	waiters int           // callers of Do (and of a full Queue) waiting for it
	done    chan struct{} // closed when every command has its answer
	lead    chan struct{} // one token: the caller who receives it sends the batch
}

// queuedCmd is a command of Queue and what to call with its outcome.
type queuedCmd struct {
	cmd  redis.Cmder
	done func(error)
}

// MaxQueued is how many commands may wait for the wire before Queue waits
// like Do.
const MaxQueued = 4096

// New returns a Batcher over client. timeout bounds each batch's round trip
// (its commands' errors then say so): a caller's own context is not used for
// the batch it shares with others.
func New(client redis.UniversalClient, timeout time.Duration) *Batcher {
	return &Batcher{client: client, timeout: timeout}
}

// Do runs cmd, with the commands of other callers that arrive meanwhile,
// and returns cmd's error once it has its answer.
func (b *Batcher) Do(cmd redis.Cmder) error {
	b.mu.Lock()
	if !b.busy {
		b.busy = true
		b.mu.Unlock()
		b.send(&batch{cmds: []redis.Cmder{cmd}})
		return cmd.Err()
	}
	bt := b.openBatch()
	bt.cmds = append(bt.cmds, cmd)
	bt.waiters++
	b.mu.Unlock()
	b.wait(bt)
	return cmd.Err()
}

// Queue sends cmd with the next batch and returns without waiting for its
// answer; done (if not nil) is called with cmd's error, from the goroutine
// that sent it, once it has its answer. Commands of Queue and Do keep the
// order of the calls. When MaxQueued commands already wait, Queue waits
// for their batch to be sent.
func (b *Batcher) Queue(cmd redis.Cmder, done func(error)) {
	b.mu.Lock()
	if !b.busy {
		b.busy = true
		b.mu.Unlock()
		go b.send(&batch{cmds: []redis.Cmder{cmd}, queued: []queuedCmd{{cmd, done}}})
		return
	}
	bt := b.openBatch()
	bt.cmds = append(bt.cmds, cmd)
	bt.queued = append(bt.queued, queuedCmd{cmd, done})
	full := len(bt.cmds) >= MaxQueued
	if full {
		bt.waiters++
	}
	b.mu.Unlock()
	if full {
		b.wait(bt)
	}
}

// openBatch returns the batch being formed, making it if need be. b.mu is
// held.
func (b *Batcher) openBatch() *batch {
	if b.open == nil {
		b.open = &batch{done: make(chan struct{}), lead: make(chan struct{}, 1)}
	}
	return b.open
}

// wait waits until bt has been sent, sending it if this caller is handed
// the lead.
func (b *Batcher) wait(bt *batch) {
	select {
	case <-bt.done:
	case <-bt.lead:
		b.send(bt)
	}
}

// send runs bt (this caller is its leader), answers its callers, and hands
// the batch formed meanwhile, if any, to one of its own callers.
func (b *Batcher) send(bt *batch) {
	ctx, cancel := context.WithTimeout(context.Background(), b.timeout)
	if len(bt.cmds) == 1 {
		_ = b.client.Process(ctx, bt.cmds[0]) // the error is the command's
	} else {
		p := b.client.Pipeline()
		for _, c := range bt.cmds {
			_ = p.Process(ctx, c)
		}
		_, _ = p.Exec(ctx) // each command keeps its own error
	}
	cancel()
	b.batches.Add(1)
	b.commands.Add(int64(len(bt.cmds)))
	for _, q := range bt.queued {
		if q.done != nil {
			q.done(q.cmd.Err())
		}
	}
	if bt.done != nil {
		close(bt.done)
	}
	b.mu.Lock()
	next := b.open
	b.open = nil
	if next == nil {
		b.busy = false
	}
	waited := next != nil && next.waiters > 0
	b.mu.Unlock()
	switch {
	case waited:
		next.lead <- struct{}{}
	case next != nil:
		// Nobody waits for it (only Queue's commands): a goroutine of its
		// own sends it, so this caller goes back to its work.
		go b.send(next)
	}
}

// Stats returns how many batches have been sent and how many commands they
// carried.
func (b *Batcher) Stats() (batches, commands int64) { return b.batches.Load(), b.commands.Load() }
