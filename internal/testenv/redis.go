package testenv

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// Redis returns the URL of the Redis server at JIHAT_TEST_REDIS_URL (or of
// the test's own, after PrivateRedis) and a key and channel prefix, such as
// "t_4f0c…:", that no other test gets. Keys under the prefix are deleted when
// the test ends. It fails the test when the server does not answer PING.
func Redis(tb testing.TB) (url, prefix string) {
	tb.Helper()
	url = lookup(tb, EnvRedisURL)
	addr, err := redisAddr(url)
	if err != nil {
		tb.Fatalf("testenv: %s: %v", EnvRedisURL, err)
	}
	if err := ping(addr); err != nil {
		tb.Fatalf("testenv: Redis at %s does not answer: %v", addr, err)
	}
	prefix = randomName("t_") + ":"
	tb.Cleanup(func() {
		if err := deletePrefix(url, prefix); err != nil {
			tb.Logf("testenv: delete Redis keys %s*: %v", prefix, err)
		}
	})
	return url, prefix
}

// redisAddr returns the host:port of a redis:// URL.
func redisAddr(rawURL string) (string, error) {
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		return "", err
	}
	return opt.Addr, nil
}

// deletePrefix deletes every key that starts with prefix. A server the test
// killed and did not start again has no keys left to delete.
func deletePrefix(rawURL, prefix string) error {
	addr, err := redisAddr(rawURL)
	if err != nil {
		return err
	}
	if ping(addr) != nil {
		return nil
	}
	opt, _ := redis.ParseURL(rawURL)
	opt.DialTimeout, opt.MaxRetries = 2*time.Second, -1
	c := redis.NewClient(opt)
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	it := c.Scan(ctx, 0, prefix+"*", 500).Iterator()
	var keys []string
	for it.Next(ctx) {
		keys = append(keys, it.Val())
	}
	if err := it.Err(); err != nil {
		return err
	}
	for len(keys) > 0 {
		n := min(len(keys), 500)
		if err := c.Unlink(ctx, keys[:n]...).Err(); err != nil {
			return err
		}
		keys = keys[n:]
	}
	return nil
}

// RedisClient returns a client of the test Redis (see Redis) and a key and
// channel prefix unique to this test; tune, when given, changes the
// client's options first.
func RedisClient(tb testing.TB, tune ...func(*redis.Options)) (*redis.Client, string) {
	tb.Helper()
	url, prefix := Redis(tb)
	return NewRedisClient(tb, url, tune...), prefix
}

// NewRedisClient returns a client of the Redis at url, closed when the test
// ends, after checking that the server answers PING. tune, when given,
// changes the options first.
func NewRedisClient(tb testing.TB, url string, tune ...func(*redis.Options)) *redis.Client {
	tb.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatalf("testenv: redis URL: %v", err)
	}
	for _, fn := range tune {
		fn(opt)
	}
	c := redis.NewClient(opt)
	tb.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		tb.Fatalf("testenv: redis ping: %v", err)
	}
	return c
}
