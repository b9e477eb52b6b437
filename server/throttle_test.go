package server_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/jihat/jihat/internal/testenv"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// defaultLimits restores the server's own throttle limits, which testserver
// raises out of the way of other tests.
var defaultLimits = testserver.Configure(func(c *server.Config) {
	c.LoginPerIP, c.LoginPerAccount = 0, 0
	sleep := c.Throttle.Sleep
	c.Throttle = server.ThrottleConfig{Sleep: sleep}
})

// guess sends n logins with a wrong password and returns how many were not
// throttled. Every throttled answer must be a 429 ERATELIMIT with a
// Retry-After of at least one second.
func guess(t *testing.T, ts *testserver.TestServer, login string, n int) (passed int) {
	t.Helper()
	for i := 0; i < n; i++ {
		res, err := ts.Raw("POST", "/api/v1/auth/login", "", map[string]string{"login": login, "password": "wrong-guess-" + strconv.Itoa(i)})
		if err != nil {
			t.Fatal(err)
		}
		m, _ := res.JSON()
		switch res.Status {
		case http.StatusTooManyRequests, http.StatusServiceUnavailable:
			wantError(t, res.Status, m, res.Status, map[int]string{429: "ERATELIMIT", 503: "EUNAVAILABLE"}[res.Status], "")
			if s, err := strconv.Atoi(res.Header.Get("Retry-After")); err != nil || s < 1 {
				t.Fatalf("Retry-After %q", res.Header.Get("Retry-After"))
			}
		case http.StatusUnauthorized:
			passed++
		default:
			t.Fatalf("guess %d: status %d: %s", i, res.Status, res.Body)
		}
	}
	return passed
}

func TestLoginThrottledPerAccount(t *testing.T) {
	ts := testserver.Start(t, defaultLimits)
	c := ts.RegisterCitizen() // logs in once
	before := metric(t, ts, "jihat_password_checks_total")
	passed := guess(t, ts, c.Login, 200)
	checks := metric(t, ts, "jihat_password_checks_total") - before
	t.Logf("200 guesses: %d reached the password check", passed)
	if passed > 100 || checks > 100 {
		t.Fatalf("%d guesses answered 401, %v password checks; want at most 100", passed, checks)
	}
	if passed == 0 || checks != float64(passed) {
		t.Fatalf("%d guesses answered 401 but %v password checks ran", passed, checks)
	}
	// The right password is throttled too while the window lasts.
	status, m := ts.Do("POST", "/api/v1/auth/login", "", map[string]string{"login": c.Login, "password": c.Password})
	wantError(t, status, m, 429, "ERATELIMIT", "")
}

// TestLoginThrottledPerIP: guesses spread over many accounts from one
// address are limited by the per-IP counter of failures (the fixtures'
// successful logins do not count).
func TestLoginThrottledPerIP(t *testing.T) {
	const perIP = 20
	ts := testserver.Start(t, testserver.Configure(func(c *server.Config) { c.LoginPerIP, c.LoginPerAccount = perIP, 0 }))
	accounts := make([]testserver.Account, 4)
	for i := range accounts {
		accounts[i] = ts.RegisterCitizen() // RegisterCitizen logs in once: one attempt each
	}
	passed := 0
	for i := 0; i < 60; i++ {
		passed += guess(t, ts, accounts[i%len(accounts)].Login, 1)
	}
	if passed != perIP {
		t.Fatalf("%d guesses passed, want %d (the per-IP limit of failures)", passed, perIP)
	}
}

// TestLoginThrottleFailsClosed: when the limiter's store (Redis) is down,
// every login is refused (503 EUNAVAILABLE with Retry-After) and no
// password is checked; registrations too.
func TestLoginThrottleFailsClosed(t *testing.T) {
	rdb := redis.NewClient(&redis.Options{Addr: "127.0.0.1:1", MaxRetries: -1, DialTimeout: time.Second,
		DialerRetries: 1, DialerRetryTimeout: time.Millisecond})
	t.Cleanup(func() { rdb.Close() })
	ts := testserver.Start(t, defaultLimits, testserver.Configure(func(c *server.Config) {
		c.Limiter = server.NewRedisLimiter(rdb, "jihat:test:", nil)
	}))
	email := ts.Email("closed")
	status, m := ts.Do("POST", "/api/v1/auth/register", "", map[string]any{"name": "مغلق", "email": email, "password": citizenPassword})
	wantError(t, status, m, http.StatusServiceUnavailable, "EUNAVAILABLE", "")
	if passed := guess(t, ts, email, 200); passed != 0 {
		t.Fatalf("%d guesses reached the password check with the limiter down", passed)
	}
	status, m = ts.Do("POST", "/api/v1/auth/login", "", map[string]string{"login": email, "password": citizenPassword})
	wantError(t, status, m, http.StatusServiceUnavailable, "EUNAVAILABLE", "")
	if n := metric(t, ts, "jihat_password_checks_total"); n != 0 {
		t.Fatalf("%v password checks with the limiter down", n)
	}
	if n := metric(t, ts, "jihat_logins_total", `result="limiter_down"`); n != 202 {
		t.Errorf("jihat_logins_total{result=limiter_down} = %v, want 202 (a registration, 201 logins)", n)
	}
}

// TestLoginThrottleSharedByNodes: two nodes with one Redis limiter share the
// per-account budget, whichever node a guess reaches.
func TestLoginThrottleSharedByNodes(t *testing.T) {
	rdb, prefix := testenv.RedisClient(t)
	limiter := testserver.Configure(func(c *server.Config) { c.Limiter = server.NewRedisLimiter(rdb, prefix, nil) })
	a := testserver.Start(t, testserver.Postgres(), defaultLimits, limiter)
	email := a.Email("shared")
	a.Must(http.StatusCreated, "POST", "/api/v1/auth/register", "", map[string]any{"name": "مشترك", "email": email, "password": citizenPassword})
	// Node b has its own database: the account does not exist there, but
	// a guess on it still counts against the shared budget.
	b := testserver.Start(t, defaultLimits, limiter)
	var pa, pb int
	for i := 0; i < 100; i++ {
		pa += guess(t, a, email, 1)
		pb += guess(t, b, email, 1)
	}
	if pa+pb > 10 || pa == 0 || pb == 0 {
		t.Fatalf("node a passed %d and node b %d guesses; want a shared budget of 10", pa, pb)
	}
}
