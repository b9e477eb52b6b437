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
