// Package testenv gives tests the real PostgreSQL and Redis servers that the
// test harness starts (`make test`, or `eval "$(scripts/services.sh start)"`
// for a shell of your own).
//
// The harness exports:
//
//	JIHAT_TEST_DATABASE_URL      postgres://…/jihat_test?sslmode=disable
//	JIHAT_TEST_REDIS_URL         redis://127.0.0.1:PORT/0
//	JIHAT_TEST_REDIS_CONF        the redis.conf that server runs with
//	JIHAT_TEST_REQUIRE_SERVICES  1: a missing server fails the test instead of skipping it
//
// Each helper isolates one test from every other test, in this package and in
// the packages `go test ./...` runs at the same time:
//
//   - [Postgres] creates a schema of its own and returns a DSN whose
//     search_path selects it; the schema is dropped when the test ends.
//   - [Redis] returns the shared server and a key/channel prefix of its own;
//     its keys are deleted when the test ends.
//   - [PrivateRedis] starts a redis-server for this test alone and points
//     JIHAT_TEST_REDIS_URL and JIHAT_TEST_REDIS_CONF at it until the test ends,
//     so that [KillRedis] (kill -9) and [StartRedis] hurt no other test.
//
// When a variable is missing, a helper skips the test with the reason, or
// fails it when [Require] reports true. Every helper calls tb.Helper and
// cleans up with tb.Cleanup. The helpers are safe to call from parallel tests,
// except PrivateRedis, which sets environment variables (tb.Setenv) and so
// cannot be used in a test that runs in parallel or has a parallel ancestor.
package testenv
