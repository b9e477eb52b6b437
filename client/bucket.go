package client

import (
	"context"
	"sync"
	"time"
)

// bucket is a token bucket that paces what a Live sends: rate tokens a
// second, at most burst saved up. A nil bucket never waits.
type bucket struct {
	rate  float64
	burst float64

	mu     sync.Mutex // guards tokens and last
	tokens float64
	last   time.Time
}

// newBucket returns a full bucket, or nil when rate ≤ 0 (no pacing).
func newBucket(rate float64, burst int) *bucket {
	if rate <= 0 {
		return nil
	}
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst), last: time.Now()}
}

// wait takes one token, waiting for it if needed, until ctx or quit ends.
func (b *bucket) wait(ctx context.Context, quit <-chan struct{}) error {
	if b == nil {
		return nil
	}
	for {
		b.mu.Lock()
		now := time.Now()
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
		b.last = now
		if b.tokens >= 1 {
			b.tokens--
			b.mu.Unlock()
			return nil
		}
		d := time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
		b.mu.Unlock()
		t := time.NewTimer(d)
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-quit:
			t.Stop()
			return ErrClosed
		}
	}
}
