package hub

import (
	"context"
	"errors"
)

// Bus carries messages between the nodes of a cluster. A node publishes to
// every other node that declared interest in the channel; it never gets its
// own messages back (the hub delivers to its local subscribers directly, so
// local delivery goes on while the bus is down).
//
// Implementations: MemoryBus (in-process; a single node, or several nodes in
// one process sharing a MemoryNetwork) and RedisBus (Redis pub/sub). Both
// pass the same test suite (bus_test.go).
type Bus interface {
	// Publish sends payload to the other nodes interested in channel.
	Publish(ctx context.Context, channel string, payload []byte) error
	// Subscribe declares this node's interest in channel. When it returns
	// nil, a message published afterwards by another node is delivered. The
	// interest is recorded even when it returns an error (e.g. Redis is
	// down): the bus establishes it when it can.
	Subscribe(ctx context.Context, channel string) error
	// Unsubscribe withdraws the interest; like Subscribe it is recorded even
	// on error.
	Unsubscribe(ctx context.Context, channel string) error
	// Ping reports whether the bus can reach the other nodes now (/readyz).
	Ping(ctx context.Context) error
	// Close stops delivery; the handler is not called after Close returns.
	Close() error
}

// queuedPublisher is a Bus that can send a publish without waiting for its
// answer (RedisBus): the hub's publishes use it when the bus has it.
type queuedPublisher interface {
	PublishQueued(channel string, payload []byte, done func(error))
}

// BusHandler receives the messages of other nodes. It is called from one
// goroutine per bus, in the order the bus received them, and must not block.
// The payload is immutable: neither the bus nor the handler may modify it,
// so the handler may keep it without a copy.
type BusHandler func(channel string, payload []byte)

// ErrBusClosed is returned by a closed bus.
var ErrBusClosed = errors.New("hub: bus closed")
