package hub

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/google/uuid"
	"github.com/redis/go-redis/v9"

	"github.com/jihat/jihat/internal/redisbatch"
)

// RedisBusConfig configures a RedisBus.
type RedisBusConfig struct {
	// Client is the Redis connection; the caller owns and closes it.
	Client redis.UniversalClient
	// Prefix is put before every Redis channel name ("jihat:" by default),
	// so several deployments or tests can share one Redis.
	Prefix string
	// NodeID names this node; a random UUID when empty. At most 255 bytes.
	NodeID string
	// Handler receives the other nodes' messages.
	Handler BusHandler
	// Logger; nil discards (the binary passes its own).
	Logger *slog.Logger
	// BufferSize is the number of received messages buffered between the
	// Redis connection and the handler (1024 by default).
	BufferSize int
}

// RedisBus is the Bus over Redis pub/sub. The node SUBSCRIBEs in Redis only
// to the channels it has interest in. The go-redis PubSub reconnects after
// a lost connection (a Redis restart) and SUBSCRIBEs again to every channel
// of interest; messages published while the connection was down are lost,
// which the hub repairs from the database (Redis is a fast path, never the
// only copy). It is safe for concurrent use.
//
// On the wire a message is one byte n, n bytes of the origin node ID, and
// the payload; a node drops its own messages.
//
// The PUBLISHes of concurrent callers (the hooks of a group commit's cases
// run at once) go to Redis together, one pipeline per round trip
// (internal/redisbatch); each caller still gets its own answer, and one
// caller's messages keep their order.
type RedisBus struct {
	client  redis.UniversalClient
	pub     *redisbatch.Batcher
	prefix  string
	nodeID  string
	handler BusHandler
	log     *slog.Logger
	ps      *redis.PubSub

	mu      sync.Mutex // guards the following fields
	waiters map[string][]chan struct{}

	subscribed atomic.Int64 // subscribe confirmations received, for tests and metrics
	closed     atomic.Bool
	done       chan struct{}
	wg         sync.WaitGroup
}

// NewRedisBus starts a RedisBus. It does not fail when Redis is down: the
// connection is made (and remade) in the background; Ping tells.
func NewRedisBus(cfg RedisBusConfig) (*RedisBus, error) {
	if cfg.Client == nil {
		return nil, errors.New("hub: RedisBusConfig.Client is nil")
	}
	if cfg.Prefix == "" {
		cfg.Prefix = "jihat:"
	}
	if cfg.NodeID == "" {
		cfg.NodeID = uuid.NewString()
	}
	if len(cfg.NodeID) > 255 {
		return nil, fmt.Errorf("hub: node ID longer than 255 bytes")
	}
	if cfg.Handler == nil {
		cfg.Handler = func(string, []byte) {}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.BufferSize <= 0 {
		cfg.BufferSize = 1024
	}
	b := &RedisBus{
		client:  cfg.Client,
		pub:     redisbatch.New(cfg.Client, 5*time.Second),
		prefix:  cfg.Prefix,
		nodeID:  cfg.NodeID,
		handler: cfg.Handler,
		log:     cfg.Logger,
		ps:      cfg.Client.Subscribe(context.Background()),
		waiters: map[string][]chan struct{}{},
		done:    make(chan struct{}),
	}
	msgs := b.ps.ChannelWithSubscriptions(redis.WithChannelSize(cfg.BufferSize))
	b.wg.Add(1)
	go b.receive(msgs)
	return b, nil
}

// NodeID returns the node's ID.
func (b *RedisBus) NodeID() string { return b.nodeID }

func (b *RedisBus) receive(msgs <-chan any) {
	defer b.wg.Done()
	for m := range msgs {
		switch m := m.(type) {
		case *redis.Subscription:
			if m.Kind == "subscribe" {
				b.subscribed.Add(1)
				b.wake(m.Channel)
			}
		case *redis.Message:
			b.dispatch(m)
		}
	}
}

func (b *RedisBus) dispatch(m *redis.Message) {
	if b.closed.Load() || len(m.Channel) < len(b.prefix) {
		return
	}
	p := m.Payload
	if len(p) == 0 || len(p) < 1+int(p[0]) {
		b.log.Warn("hub: malformed bus message", "channel", m.Channel)
		return
	}
	origin, payload := p[1:1+int(p[0])], p[1+int(p[0]):]
	if origin == b.nodeID {
		return
	}
	b.handler(m.Channel[len(b.prefix):], []byte(payload))
}

// wake releases the Subscribe calls waiting for the confirmation of channel.
func (b *RedisBus) wake(channel string) {
	b.mu.Lock()
	ws := b.waiters[channel]
	delete(b.waiters, channel)
	b.mu.Unlock()
	for _, w := range ws {
		close(w)
	}
}

// Publish implements Bus.
func (b *RedisBus) Publish(ctx context.Context, channel string, payload []byte) error {
	if b.closed.Load() {
		return ErrBusClosed
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	return b.pub.Do(b.publishCmd(channel, payload))
}

// PublishQueued sends payload like Publish, in the order of the calls, but
// returns at once; done gets the outcome. The hub uses it so that the next
// event of a channel (a busy case) is not held back by this one's round
// trip: the other nodes get them in order, and a lost one is a gap their
// subscribers fill from the store.
func (b *RedisBus) PublishQueued(channel string, payload []byte, done func(error)) {
	if b.closed.Load() {
		done(ErrBusClosed)
		return
	}
	b.pub.Queue(b.publishCmd(channel, payload), done)
}

// publishCmd is the PUBLISH of payload on channel, marked with this node.
func (b *RedisBus) publishCmd(channel string, payload []byte) redis.Cmder {
	msg := make([]byte, 0, 1+len(b.nodeID)+len(payload))
	msg = append(msg, byte(len(b.nodeID)))
	msg = append(msg, b.nodeID...)
	msg = append(msg, payload...)
	return redis.NewIntCmd(context.Background(), "publish", b.prefix+channel, msg)
}

// Subscribe implements Bus. It returns once Redis has confirmed the
// subscription, so nothing published afterwards is missed.
func (b *RedisBus) Subscribe(ctx context.Context, channel string) error {
	if b.closed.Load() {
		return ErrBusClosed
	}
	rc := b.prefix + channel
	w := make(chan struct{})
	b.mu.Lock()
	b.waiters[rc] = append(b.waiters[rc], w)
	b.mu.Unlock()
	// go-redis records the channel even when the write fails, and
	// subscribes again on every reconnect.
	err := b.ps.Subscribe(ctx, rc)
	if err == nil {
		select {
		case <-w:
			return nil
		case <-ctx.Done():
			err = ctx.Err()
		case <-b.done:
			err = ErrBusClosed
		}
	}
	b.dropWaiter(rc, w)
	return err
}

func (b *RedisBus) dropWaiter(rc string, w chan struct{}) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ws := b.waiters[rc]
	for i, x := range ws {
		if x == w {
			ws = append(ws[:i], ws[i+1:]...)
			break
		}
	}
	if len(ws) == 0 {
		delete(b.waiters, rc)
	} else {
		b.waiters[rc] = ws
	}
}

// Unsubscribe implements Bus.
func (b *RedisBus) Unsubscribe(ctx context.Context, channel string) error {
	if b.closed.Load() {
		return ErrBusClosed
	}
	return b.ps.Unsubscribe(ctx, b.prefix+channel)
}

// Ping implements Bus: Redis answers a PING.
func (b *RedisBus) Ping(ctx context.Context) error {
	if b.closed.Load() {
		return ErrBusClosed
	}
	return b.client.Ping(ctx).Err()
}

// Subscriptions returns how many subscribe confirmations Redis has sent,
// re-subscriptions after a reconnect included.
func (b *RedisBus) Subscriptions() int64 { return b.subscribed.Load() }

// Close implements Bus. It does not close the Redis client.
func (b *RedisBus) Close() error {
	if b.closed.Swap(true) {
		return nil
	}
	close(b.done)
	err := b.ps.Close()
	b.wg.Wait()
	return err
}
