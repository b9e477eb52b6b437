package hub_test

import (
	"context"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jihat/jihat/internal/testenv"
)

// mustRedis returns a client of the test Redis (testenv.Redis: skipped, or
// failed under JIHAT_TEST_REQUIRE_SERVICES=1, when there is none) and a
// key/channel prefix unique to this test.
func mustRedis(tb testing.TB) (*redis.Client, string) {
	tb.Helper()
	url, prefix := testenv.Redis(tb)
	return newRedisClient(tb, url), prefix
}

// mustPrivateRedis starts a Redis for this test alone, which the test may
// kill with testenv.KillRedis and start again with testenv.StartRedis.
func mustPrivateRedis(tb testing.TB) (*redis.Client, string) {
	tb.Helper()
	testenv.PrivateRedis(tb)
	return mustRedis(tb)
}

func newRedisClient(tb testing.TB, url string) *redis.Client {
	tb.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		tb.Fatalf("redis URL: %v", err)
	}
	opt.MaxRetries = -1 // fail fast while the server is down; the bus retries by itself
	opt.DialTimeout = time.Second
	c := redis.NewClient(opt)
	tb.Cleanup(func() { c.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.Ping(ctx).Err(); err != nil {
		tb.Fatalf("redis ping: %v", err)
	}
	return c
}
