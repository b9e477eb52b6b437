package server

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jihat/jihat/internal/redisbatch"
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

// RedisLimiter shares counters between nodes: one script counts and opens
// the window atomically, so the window starts with the first attempt. Its
// time is the injected clock's, passed to the script (not Redis's TIME):
// the window's end is stored beside the count; Redis's own expiry only
// removes the key some time after the window ended.
//
// The counts of concurrent requests (every write takes one) go to Redis
// together, one pipeline per round trip (internal/redisbatch).
type RedisLimiter struct {
	rdb    redis.UniversalClient
	batch  *redisbatch.Batcher
	prefix string
	now    func() time.Time
}

// NewRedisLimiter uses rdb with keys under prefix and the clock now (nil:
// time.Now).
func NewRedisLimiter(rdb redis.UniversalClient, prefix string, now func() time.Time) *RedisLimiter {
	if now == nil {
		now = time.Now
	}
	return &RedisLimiter{rdb: rdb, batch: redisbatch.New(rdb, time.Second), prefix: prefix, now: now}
}

// key is the hash of one counter: "n" (the count) and "end" (the window's
// end, Unix ms of the clock). The "w:" segment keeps it apart from the
// plain counters of earlier versions.
func (l *RedisLimiter) key(k string) string { return l.prefix + "w:" + k }

// incrWindow: KEYS[1] the counter; ARGV[1] now (ms), ARGV[2] the window
// (ms). It returns the count and the ms left in the window.
var incrWindow = redis.NewScript(`
local now, per = tonumber(ARGV[1]), tonumber(ARGV[2])
local v = redis.call('HMGET', KEYS[1], 'n', 'end')
local n, e = tonumber(v[1]), tonumber(v[2])
if not n or not e or e <= now then n, e = 0, now + per end
n = n + 1
redis.call('HSET', KEYS[1], 'n', n, 'end', e)
redis.call('PEXPIRE', KEYS[1], e - now + 60000)
return {n, e - now}`)

// Allow implements Limiter. Any Redis failure is returned as an error.
func (l *RedisLimiter) Allow(ctx context.Context, key string, limit int, per time.Duration) (bool, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	keys, now, window := []string{l.key(key)}, l.now().UnixMilli(), per.Milliseconds()
	cmd := redis.NewCmd(ctx, "evalsha", incrWindow.Hash(), len(keys), keys[0], now, window)
	if err := ctx.Err(); err != nil {
		return false, 0, fmt.Errorf("rate limiter: %w", err)
	}
	if err := l.batch.Do(cmd); redis.HasErrorPrefix(err, "NOSCRIPT") {
		cmd = incrWindow.Run(ctx, l.rdb, keys, now, window) // loads the script: once per Redis start
	}
	res, err := cmd.Int64Slice()
	if err != nil {
		return false, 0, fmt.Errorf("rate limiter: %w", err)
	}
	if res[0] > int64(limit) {
		return false, time.Duration(res[1]) * time.Millisecond, nil
	}
	return true, 0, nil
}

// countWindow: KEYS[1] the counter; ARGV[1] now (ms). The count and the
// ms left, or zeros once the window has ended.
var countWindow = redis.NewScript(`
local v = redis.call('HMGET', KEYS[1], 'n', 'end')
local n, e = tonumber(v[1]), tonumber(v[2])
if not n or not e or e <= tonumber(ARGV[1]) then return {0, 0} end
return {n, e - tonumber(ARGV[1])}`)

// Count implements Limiter.
func (l *RedisLimiter) Count(ctx context.Context, key string) (int, time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	res, err := countWindow.Run(ctx, l.rdb, []string{l.key(key)}, l.now().UnixMilli()).Int64Slice()
	if err != nil {
		return 0, 0, fmt.Errorf("rate limiter: %w", err)
	}
	return int(res[0]), time.Duration(res[1]) * time.Millisecond, nil
}

// Reset implements Limiter.
func (l *RedisLimiter) Reset(ctx context.Context, key string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	if err := l.rdb.Del(ctx, l.key(key)).Err(); err != nil {
		return fmt.Errorf("rate limiter: %w", err)
	}
	return nil
}
