package hub_test

import (
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

// failFast makes a client give up at once while the server is down; the
// bus retries by itself.
func failFast(o *redis.Options) { o.MaxRetries, o.DialTimeout = -1, time.Second }

func newRedisClient(tb testing.TB, url string) *redis.Client {
	tb.Helper()
	return testenv.NewRedisClient(tb, url, failFast)
}
