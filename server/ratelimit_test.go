package server_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jihat/jihat/internal/testenv"
	"github.com/jihat/jihat/server"
)

// limiterSuite checks the contract of a Limiter: limit attempts per key per
// window, the rest refused with the time left, keys independent, a new
// window after the old one ends, and exact counting under concurrency.
// advance moves the limiter's clock (or waits, for Redis).
func limiterSuite(t *testing.T, l server.Limiter, advance func(time.Duration), window time.Duration) {
	ctx := context.Background()
	for i := 1; i <= 3; i++ {
		ok, _, err := l.Allow(ctx, "a", 3, window)
		if err != nil || !ok {
			t.Fatalf("attempt %d refused: %v", i, err)
		}
	}
	ok, retry, err := l.Allow(ctx, "a", 3, window)
	if err != nil || ok {
		t.Fatalf("attempt 4 allowed (%v)", err)
	}
	if retry <= 0 || retry > window {
		t.Errorf("retry after %v, want within the window %v", retry, window)
	}
	if ok, _, _ := l.Allow(ctx, "b", 3, window); !ok {
		t.Error("key b limited by key a's attempts")
	}
	advance(window + window/10)
	if ok, _, err := l.Allow(ctx, "a", 3, window); !ok || err != nil {
		t.Errorf("refused in a new window: %v", err)
	}

	// Concurrent attempts: exactly limit are allowed.
	const limit, tries = 25, 100
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for i := 0; i < tries; i++ {
		wg.Go(func() {
			ok, _, err := l.Allow(ctx, "c", limit, time.Hour)
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				allowed++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if allowed != limit {
		t.Errorf("%d of %d concurrent attempts allowed, want %d", allowed, tries, limit)
	}
}

func TestMemoryLimiter(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	l := server.NewMemoryLimiter(clock)
	limiterSuite(t, l, advance, time.Minute)

	// Retry-After counts down with the clock.
	ctx := context.Background()
	for range 2 {
		l.Allow(ctx, "d", 1, time.Minute)
	}
	advance(20 * time.Second)
	if _, retry, _ := l.Allow(ctx, "d", 1, time.Minute); retry != 40*time.Second {
		t.Errorf("retry after %v, want 40s", retry)
	}
}

func TestRedisLimiter(t *testing.T) {
	rdb, prefix := testenv.RedisClient(t)
	// The limiter's time is the clock's (a script argument), not Redis's:
	// the suite steps it as for the memory limiter.
	var mu sync.Mutex
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); defer mu.Unlock(); now = now.Add(d) }
	limiterSuite(t, server.NewRedisLimiter(rdb, prefix, clock), advance, time.Minute)

	// Two limiters on one Redis (two nodes) share a key's count.
	a, b := server.NewRedisLimiter(rdb, prefix+"shared:", clock), server.NewRedisLimiter(rdb, prefix+"shared:", clock)
	ctx := context.Background()
	a.Allow(ctx, "k", 2, time.Hour)
	b.Allow(ctx, "k", 2, time.Hour)
	if ok, _, _ := a.Allow(ctx, "k", 2, time.Hour); ok {
		t.Error("the count is not shared between nodes")
	}
}

func TestRedisLimiterDown(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialerRetries: 1, DialerRetryTimeout: time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	ok, _, err := server.NewRedisLimiter(rdb, "x:", nil).Allow(context.Background(), "k", 10, time.Minute)
	if err == nil || ok {
		t.Fatalf("Allow with Redis down = %v, %v; want an error and no", ok, err)
	}
}
