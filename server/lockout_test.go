package server_test

import (
	"context"
	"fmt"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// throttled is a server with the real login and registration budgets,
// believing X-Forwarded-For from loopback (so a test can speak from many
// addresses), whose progressive delay is recorded instead of slept.
func throttled(t *testing.T, sleeps *[]time.Duration) *testserver.TestServer {
	var mu sync.Mutex
	return testserver.Start(t, testserver.Configure(func(c *server.Config) {
		c.LoginPerIP, c.LoginPerAccount = 0, 0
		c.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}
		c.Throttle = server.ThrottleConfig{Sleep: func(_ context.Context, d time.Duration) error {
			mu.Lock()
			*sleeps = append(*sleeps, d)
			mu.Unlock()
			return nil
		}}
	}))
}

// loginFrom logs in from address ip and returns the status.
func loginFrom(t *testing.T, ts *testserver.TestServer, ip, login, password string) int {
	t.Helper()
	res, err := ts.Raw("POST", "/api/v1/auth/login", "", map[string]string{"login": login, "password": password}, "X-Forwarded-For", ip)
	if err != nil {
		t.Fatal(err)
	}
	return res.Status
}

// TestLoginOwnerNotLockedOut: an attacker's failures from elsewhere do not
// lock the owner out of the address they logged in from before; successful
// logins count nowhere (60 from one address, one account, all pass); the
// attacker's own address is refused for that account after 10 failures.
func TestLoginOwnerNotLockedOut(t *testing.T) {
	var sleeps []time.Duration
	ts := throttled(t, &sleeps)
	owner := ts.RegisterCitizen()
	const home = "10.1.1.1"
	for i := range 60 {
		if st := loginFrom(t, ts, home, owner.Login, owner.Password); st != http.StatusOK {
			t.Fatalf("successful login %d from one address: %d", i+1, st)
		}
	}
	// 200 guesses from 20 addresses: the account's budget for unknown
	// addresses (100) runs out, and each address's own (10) too.
	refused := 0
	for a := range 20 {
		for i := range 10 {
			if st := loginFrom(t, ts, fmt.Sprintf("203.0.113.%d", a+1), owner.Login, "guess-"+strconv.Itoa(i)); st == http.StatusTooManyRequests {
				refused++
			}
		}
	}
	if refused != 100 {
		t.Errorf("%d of 200 distributed guesses refused, want 100 (after the account's 100 from unknown addresses)", refused)
	}
	if st := loginFrom(t, ts, "203.0.113.1", owner.Login, "guess-again"); st != http.StatusTooManyRequests {
		t.Errorf("the attacker's address after 10 failures: %d, want 429", st)
	}
	if st := loginFrom(t, ts, home, owner.Login, owner.Password); st != http.StatusOK {
		t.Errorf("the owner at their known address during the attack: %d, want 200", st)
	}
	if st := loginFrom(t, ts, "198.51.100.7", owner.Login, owner.Password); st != http.StatusTooManyRequests {
		t.Errorf("the right password from a new address during the attack: %d, want 429", st)
	}
	if len(sleeps) != 0 {
		t.Errorf("no address passed 20 failures, yet logins waited %v", sleeps)
	}
}

// TestLoginSharedOfficeSlowsThenRefuses: one address (a ministry behind one
// NAT) with many people: failures slow it down progressively after 20, and
// refuse it only after 300; its people's successful logins never count.
func TestLoginSharedOfficeSlowsThenRefuses(t *testing.T) {
	var sleeps []time.Duration
	ts := throttled(t, &sleeps)
	const office = "192.0.2.10"
	people := make([]testserver.Account, 40)
	for i := range people {
		people[i] = ts.CreateUser(&jihat.User{Role: jihat.RoleCitizen}) // not through registration: its own budget
	}
	for round := range 3 {
		for _, p := range people {
			if st := loginFrom(t, ts, office, p.Login, p.Password); st != http.StatusOK {
				t.Fatalf("round %d: a colleague's login: %d", round, st)
			}
		}
	}
	passed := 0
	for i := range 320 {
		p := people[i%len(people)]
		if st := loginFrom(t, ts, office, p.Login, "typo-"+strconv.Itoa(i)); st == http.StatusUnauthorized {
			passed++
		}
	}
	if passed != 300 {
		t.Errorf("%d failed logins answered before the office was refused, want 300", passed)
	}
	if len(sleeps) == 0 || sleeps[0] != 250*time.Millisecond || sleeps[len(sleeps)-1] != 5*time.Second {
		t.Fatalf("waits %v: want from 250ms growing to 5s", sleeps)
	}
	for i := 1; i < len(sleeps); i++ {
		if sleeps[i] < sleeps[i-1] {
			t.Fatalf("the wait shrank: %v", sleeps)
		}
	}
	if len(sleeps) != 300-20 {
		t.Errorf("%d attempts waited, want %d (every attempt after the 20th failure, up to the refusal)", len(sleeps), 300-20)
	}
}

// TestRegistrationThrottled: registrations from one address stop at 20 per
// hour, and per identifier at 5, with 429 and Retry-After, so that the
// answers that say an e-mail is taken (409) cannot enumerate accounts fast.
func TestRegistrationThrottled(t *testing.T) {
	var sleeps []time.Duration
	ts := throttled(t, &sleeps)
	register := func(ip, email string) (int, string) {
		res, err := ts.Raw("POST", "/api/v1/auth/register", "", map[string]any{"name": "مسجل", "email": email, "password": citizenPassword},
			"X-Forwarded-For", ip)
		if err != nil {
			t.Fatal(err)
		}
		return res.Status, res.Header.Get("Retry-After")
	}
	created, limited := 0, 0
	for i := range 60 {
		switch st, ra := register("198.51.100.1", ts.Email("reg")); st {
		case http.StatusCreated:
			created++
		case http.StatusTooManyRequests:
			limited++
			if s, err := strconv.Atoi(ra); err != nil || s < 1 {
				t.Fatalf("Retry-After %q", ra)
			}
		default:
			t.Fatalf("registration %d: %d", i, st)
		}
	}
	if created != 20 || limited != 40 {
		t.Errorf("60 registrations from one address: %d created, %d refused; want 20 and 40", created, limited)
	}
	// One e-mail probed from many addresses: 409 five times, then 429.
	taken := ts.Email("taken")
	if st, _ := register("198.51.100.2", taken); st != http.StatusCreated {
		t.Fatalf("register %s: %d", taken, st)
	}
	var got []int
	for i := range 6 {
		st, _ := register(fmt.Sprintf("198.51.100.%d", 10+i), taken)
		got = append(got, st)
	}
	want := []int{409, 409, 409, 409, 429, 429}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("probing one e-mail from 6 addresses: %v, want %v (5 per identifier, the registration included)", got, want)
	}
}
