package server

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Limiter counts attempts per key in fixed windows. Allow returns whether one
// more attempt is allowed and, when not, how long until the window resets.
// An error means the limiter's store could not be asked; callers must then
// refuse (fail closed), never allow.
type Limiter interface {
	Allow(ctx context.Context, key string, limit int, window time.Duration) (ok bool, retryAfter time.Duration, err error)
	// Count returns how many attempts key holds in its current window and
	// how long until it resets, without counting one.
	Count(ctx context.Context, key string) (n int, resetIn time.Duration, err error)
	// Reset forgets key's count.
	Reset(ctx context.Context, key string) error
}

// MemoryLimiter is the single-node limiter: counters in a map guarded by a
// mutex, with expired windows swept as they are met.
type MemoryLimiter struct {
	mu      sync.Mutex // guards windows
	windows map[string]*window
	now     func() time.Time
}

type window struct {
	count int
	ends  time.Time
}

// NewMemoryLimiter returns an empty limiter; now may be nil (time.Now).
func NewMemoryLimiter(now func() time.Time) *MemoryLimiter {
	if now == nil {
		now = time.Now
	}
	return &MemoryLimiter{windows: map[string]*window{}, now: now}
}

// Allow implements Limiter.
func (l *MemoryLimiter) Allow(_ context.Context, key string, limit int, per time.Duration) (bool, time.Duration, error) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.windows) > 100_000 { // bound memory under a key-spraying attack
		for k, w := range l.windows {
			if !now.Before(w.ends) {
				delete(l.windows, k)
			}
		}
	}
	w := l.windows[key]
	if w == nil || !now.Before(w.ends) {
		w = &window{ends: now.Add(per)}
		l.windows[key] = w
	}
	w.count++
	if w.count > limit {
		return false, w.ends.Sub(now), nil
	}
	return true, 0, nil
}

// Count implements Limiter.
func (l *MemoryLimiter) Count(_ context.Context, key string) (int, time.Duration, error) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	w := l.windows[key]
	if w == nil || !now.Before(w.ends) {
		return 0, 0, nil
	}
	return w.count, w.ends.Sub(now), nil
}

// Reset implements Limiter.
func (l *MemoryLimiter) Reset(_ context.Context, key string) error {
	l.mu.Lock()
	delete(l.windows, key)
	l.mu.Unlock()
	return nil
}

// RedisLimiter shares counters between nodes: INCR and PEXPIRE in one script,
// so the window starts with the first attempt and the count is atomic.
type RedisLimiter struct {
	rdb    redis.UniversalClient
	prefix string
}

// NewRedisLimiter uses rdb with keys under prefix.
func NewRedisLimiter(rdb redis.UniversalClient, prefix string) *RedisLimiter {
	return &RedisLimiter{rdb: rdb, prefix: prefix}
}

var incrWindow = redis.NewScript(`
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {n, redis.call('PTTL', KEYS[1])}`)

// Allow implements Limiter. Any Redis failure is returned as an error.
func (l *RedisLimiter) Allow(ctx context.Context, key string, limit int, per time.Duration) (bool, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	res, err := incrWindow.Run(ctx, l.rdb, []string{l.prefix + key}, per.Milliseconds()).Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("rate limiter: %w", err)
	}
	if res[0] > int64(limit) {
		return false, time.Duration(res[1]) * time.Millisecond, nil
	}
	return true, 0, nil
}

var countWindow = redis.NewScript(`
local n = redis.call('GET', KEYS[1])
if not n then return {0, 0} end
return {tonumber(n), redis.call('PTTL', KEYS[1])}`)

// Count implements Limiter.
func (l *RedisLimiter) Count(ctx context.Context, key string) (int, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	res, err := countWindow.Run(ctx, l.rdb, []string{l.prefix + key}).Int64Slice()
	if err != nil {
		return 0, 0, fmt.Errorf("rate limiter: %w", err)
	}
	return int(res[0]), time.Duration(res[1]) * time.Millisecond, nil
}

// Reset implements Limiter.
func (l *RedisLimiter) Reset(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := l.rdb.Del(ctx, l.prefix+key).Err(); err != nil {
		return fmt.Errorf("rate limiter: %w", err)
	}
	return nil
}
