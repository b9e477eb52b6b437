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
	cmds []redis.Cmder
	done chan struct{} // closed when every command has its answer
	lead chan struct{} // one token: the caller who receives it sends the batch
}

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
	bt := b.open
	if bt == nil {
		bt = &batch{done: make(chan struct{}), lead: make(chan struct{}, 1)}
		b.open = bt
	}
	bt.cmds = append(bt.cmds, cmd)
	b.mu.Unlock()
	select {
	case <-bt.done:
	case <-bt.lead:
		b.send(bt)
	}
	return cmd.Err()
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
	if bt.done != nil {
		close(bt.done)
	}
	b.mu.Lock()
	next := b.open
	b.open = nil
	if next == nil {
		b.busy = false
	}
	b.mu.Unlock()
	if next != nil {
		next.lead <- struct{}{}
	}
}

// Stats returns how many batches have been sent and how many commands they
// carried.
func (b *Batcher) Stats() (batches, commands int64) { return b.batches.Load(), b.commands.Load() }
