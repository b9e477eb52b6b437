package hub

import (
	"context"
	"sync"
	"sync/atomic"

	"github.com/google/uuid"
)

// MemoryNetwork connects MemoryBus nodes of one process, as Redis connects
// the nodes of a cluster. It is safe for concurrent use.
type MemoryNetwork struct {
	mu       sync.RWMutex // guards the following fields
	interest map[string]map[*MemoryBus]struct{}
}

// NewMemoryNetwork returns an empty network.
func NewMemoryNetwork() *MemoryNetwork {
	return &MemoryNetwork{interest: map[string]map[*MemoryBus]struct{}{}}
}

// MemoryBusConfig configures a MemoryBus.
type MemoryBusConfig struct {
	// Network joins this node to others in the same process; nil gives the
	// node a network of its own (the embedded single-node default).
	Network *MemoryNetwork
	// NodeID names this node; a random UUID when empty.
	NodeID string
	// Handler receives the other nodes' messages.
	Handler BusHandler
}

// MemoryBus is the in-process Bus. Publish delivers synchronously to the
// other interested nodes, so order per publisher is kept. It is safe for
// concurrent use.
type MemoryBus struct {
	net     *MemoryNetwork
	nodeID  string
	handler BusHandler

	deliverMu sync.Mutex // serialises delivery to this node
	closed    atomic.Bool
	channels  map[string]struct{} // guarded by net.mu
}

// NewMemoryBus returns a MemoryBus on cfg.Network.
func NewMemoryBus(cfg MemoryBusConfig) *MemoryBus {
	if cfg.Network == nil {
		cfg.Network = NewMemoryNetwork()
	}
	if cfg.NodeID == "" {
		cfg.NodeID = uuid.NewString()
	}
	if cfg.Handler == nil {
		cfg.Handler = func(string, []byte) {}
	}
	return &MemoryBus{net: cfg.Network, nodeID: cfg.NodeID, handler: cfg.Handler, channels: map[string]struct{}{}}
}

// NodeID returns the node's ID.
func (b *MemoryBus) NodeID() string { return b.nodeID }

// Publish implements Bus.
func (b *MemoryBus) Publish(ctx context.Context, channel string, payload []byte) error {
	if b.isClosed() {
		return ErrBusClosed
	}
	b.net.mu.RLock()
	nodes := make([]*MemoryBus, 0, len(b.net.interest[channel]))
	for n := range b.net.interest[channel] {
		if n != b {
			nodes = append(nodes, n)
		}
	}
	b.net.mu.RUnlock()
	for _, n := range nodes {
		n.deliver(channel, payload)
	}
	return nil
}

func (b *MemoryBus) deliver(channel string, payload []byte) {
	b.deliverMu.Lock()
	defer b.deliverMu.Unlock()
	if !b.closed.Load() {
		b.handler(channel, payload)
	}
}

// Subscribe implements Bus.
func (b *MemoryBus) Subscribe(ctx context.Context, channel string) error {
	if b.isClosed() {
		return ErrBusClosed
	}
	b.net.mu.Lock()
	defer b.net.mu.Unlock()
	set := b.net.interest[channel]
	if set == nil {
		set = map[*MemoryBus]struct{}{}
		b.net.interest[channel] = set
	}
	set[b] = struct{}{}
	b.channels[channel] = struct{}{}
	return nil
}

// Unsubscribe implements Bus.
func (b *MemoryBus) Unsubscribe(ctx context.Context, channel string) error {
	b.net.mu.Lock()
	defer b.net.mu.Unlock()
	b.unsubscribeLocked(channel)
	return nil
}

func (b *MemoryBus) unsubscribeLocked(channel string) {
	if set := b.net.interest[channel]; set != nil {
		delete(set, b)
		if len(set) == 0 {
			delete(b.net.interest, channel)
		}
	}
	delete(b.channels, channel)
}

// Ping implements Bus.
func (b *MemoryBus) Ping(ctx context.Context) error {
	if b.isClosed() {
		return ErrBusClosed
	}
	return nil
}

// Close implements Bus.
func (b *MemoryBus) Close() error {
	if b.closed.Swap(true) {
		return nil
	}
	b.net.mu.Lock()
	for ch := range b.channels {
		b.unsubscribeLocked(ch)
	}
	b.net.mu.Unlock()
	// Wait for a delivery in progress: none starts after this.
	b.deliverMu.Lock()
	b.deliverMu.Unlock() //nolint:staticcheck // an empty critical section is the point
	return nil
}

func (b *MemoryBus) isClosed() bool { return b.closed.Load() }
