package testenv_test

import (
	"context"
	"errors"
	"net"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jihat/jihat/internal/testenv"
)

func client(t *testing.T, rawURL string) *redis.Client {
	t.Helper()
	opt, err := redis.ParseURL(rawURL)
	if err != nil {
		t.Fatalf("ParseURL(%q): %v", rawURL, err)
	}
	opt.MaxRetries = -1
	c := redis.NewClient(opt)
	t.Cleanup(func() { c.Close() })
	return c
}

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return c
}

func refuses(addr string) bool {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return true
	}
	c.Close()
	return false
}

func TestRedis(t *testing.T) {
	url, prefix := testenv.Redis(t)
	url2, prefix2 := testenv.Redis(t)
	if url != url2 || prefix == prefix2 || !strings.HasSuffix(prefix, ":") {
		t.Fatalf("Redis() twice = (%q, %q), (%q, %q): want one URL, two prefixes", url, prefix, url2, prefix2)
	}
	c := client(t, url)

	var inner string
	t.Run("keys deleted after the test", func(t *testing.T) {
		_, inner = testenv.Redis(t)
		for _, k := range []string{"a", "b", "c:d"} {
			if err := c.Set(ctx(t), inner+k, "v", 0).Err(); err != nil {
				t.Fatalf("SET: %v", err)
			}
		}
		if err := c.Set(ctx(t), prefix+"kept", "v", 0).Err(); err != nil {
			t.Fatalf("SET: %v", err)
		}
	})
	keys, err := c.Keys(ctx(t), inner+"*").Result()
	if err != nil || len(keys) != 0 {
		t.Errorf("keys under the ended test's prefix = %v, %v; want none", keys, err)
	}
	if v, err := c.Get(ctx(t), prefix+"kept").Result(); err != nil || v != "v" {
		t.Errorf("this test's key = %q, %v; want it kept", v, err)
	}
}

func TestPrivateRedisKillStart(t *testing.T) {
	shared, _ := testenv.Redis(t) // skips here without a server
	sharedConf := os.Getenv(testenv.EnvRedisConf)

	var addr string
	t.Run("private", func(t *testing.T) {
		url := testenv.PrivateRedis(t)
		if url == shared || os.Getenv(testenv.EnvRedisURL) != url || os.Getenv(testenv.EnvRedisConf) == sharedConf {
			t.Fatalf("PrivateRedis = %q with %s=%q, %s=%q; shared %q",
				url, testenv.EnvRedisURL, os.Getenv(testenv.EnvRedisURL),
				testenv.EnvRedisConf, os.Getenv(testenv.EnvRedisConf), shared)
		}
		url2, prefix := testenv.Redis(t)
		if url2 != url {
			t.Fatalf("Redis() after PrivateRedis = %q, want %q", url2, url)
		}
		c := client(t, url)
		addr = c.Options().Addr
		if err := c.Set(ctx(t), prefix+"k", "v", 0).Err(); err != nil {
			t.Fatalf("SET: %v", err)
		}

		testenv.KillRedis(t)
		if !refuses(addr) {
			t.Fatalf("%s accepts connections after KillRedis", addr)
		}
		if err := c.Ping(ctx(t)).Err(); err == nil {
			t.Fatal("PING answered after KillRedis")
		}
		testenv.KillRedis(t) // killing a dead server is fine

		testenv.StartRedis(t)
		testenv.StartRedis(t) // starting a live server is fine
		if err := c.Ping(ctx(t)).Err(); err != nil {
			t.Fatalf("PING after StartRedis: %v", err)
		}
		if _, err := c.Get(ctx(t), prefix+"k").Result(); !errors.Is(err, redis.Nil) {
			t.Errorf("GET after restart = %v, want redis.Nil: the server keeps nothing", err)
		}
	})

	if addr == "" {
		return // the subtest failed, or skipped
	}
	if !refuses(addr) {
		t.Errorf("private Redis %s still runs after its test ended", addr)
	}
	if os.Getenv(testenv.EnvRedisURL) != shared || os.Getenv(testenv.EnvRedisConf) != sharedConf {
		t.Errorf("environment not restored after the test")
	}
	if err := client(t, shared).Ping(ctx(t)).Err(); err != nil {
		t.Errorf("shared Redis: %v", err)
	}
}

func TestKillRedisNeedsPrivate(t *testing.T) {
	shared, _ := testenv.Redis(t) // skips here without a server
	for _, name := range []string{"KillRedis", "StartRedis"} {
		t.Run(name, func(t *testing.T) {
			f := runFake(t, func(tb testing.TB) {
				if name == "KillRedis" {
					testenv.KillRedis(tb)
				} else {
					testenv.StartRedis(tb)
				}
			})
			if !f.failed || !strings.Contains(f.msg, "PrivateRedis") {
				t.Errorf("%s on the shared server: failed=%v %q; want a failure naming PrivateRedis", name, f.failed, f.msg)
			}
		})
	}
	if err := client(t, shared).Ping(ctx(t)).Err(); err != nil {
		t.Errorf("shared Redis after refused KillRedis: %v", err)
	}
}
