package testenv

import (
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
)

// The environment variables the test harness exports.
const (
	EnvDatabaseURL     = "JIHAT_TEST_DATABASE_URL"
	EnvRedisURL        = "JIHAT_TEST_REDIS_URL"
	EnvRedisConf       = "JIHAT_TEST_REDIS_CONF"
	EnvRequireServices = "JIHAT_TEST_REQUIRE_SERVICES"
)

// envRedisPrivate holds the conf path of the Redis that PrivateRedis started
// for the running test; KillRedis and StartRedis act only on that one.
const envRedisPrivate = "JIHAT_TEST_REDIS_PRIVATE_CONF"

// Require reports whether JIHAT_TEST_REQUIRE_SERVICES=1: then a test whose
// server is missing fails instead of skipping. `make test` sets it.
func Require() bool {
	return os.Getenv(EnvRequireServices) == "1"
}

// lookup returns the value of the environment variable name, or skips tb
// (fails it under Require) when the variable is empty.
func lookup(tb testing.TB, name string) string {
	tb.Helper()
	if v := os.Getenv(name); v != "" {
		return v
	}
	msg := name + " is not set: run `make test`, or `eval \"$(scripts/services.sh start)\"` first"
	if Require() {
		tb.Fatal(msg + " (" + EnvRequireServices + "=1)")
	}
	tb.Skip(msg)
	return ""
}

// randomName returns prefix followed by 16 random lower-case hex digits.
func randomName(prefix string) string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic(err) // crypto/rand.Read does not fail on supported platforms.
	}
	return prefix + hex.EncodeToString(b[:])
}
