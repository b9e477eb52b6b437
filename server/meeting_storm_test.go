package server_test

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// TestMeetingVoteStorm: 500 voting members in the room vote at once over
// their sockets, then a fifth of them change their vote at once. The tally
// at the close equals the stored votes, every member counted once, and the
// live tally every socket ends with is that same whole tally.
func TestMeetingVoteStorm(t *testing.T) {
	if testing.Short() {
		t.Skip("storm")
	}
	ts := testserver.Start(t, testserver.Postgres())
	voteStorm(t, []string{ts.URL}, ts.Admin(), 498, func(mid string) int {
		var n int
		if err := ts.DB.QueryRow("SELECT COUNT(*) FROM votes WHERE motion_id = $1", mid).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	})
}

// TestMeetingVoteStormTwoNodes is the storm with the members spread over
// two nodes that share PostgreSQL and Redis.
func TestMeetingVoteStormTwoNodes(t *testing.T) {
	if testing.Short() {
		t.Skip("storm")
	}
	nodes := startCluster(t, 2, clusterRedis(t), logWarnings(t))
	admin := mapi{nodes[0].http.URL}.must(t, 200, "POST", "/api/v1/auth/login", "",
		map[string]any{"login": "admin@cluster.test", "password": clusterAdminPassword})["token"].(string)
	voteStorm(t, []string{nodes[0].http.URL, nodes[1].http.URL}, admin, 498, nil)
}

// voteStorm runs the storm; rows, when set, counts the stored vote rows of
// a motion in the database.
func voteStorm(t *testing.T, bases []string, admin string, members int, rows func(mid string) int) {
	voteStormProbes(t, bases, admin, members, rows, 0)
}

// stormDrops, when set, runs before each round of votes: the test of the
// harness drops sockets there.
type stormDrops func(round int, socks []*msock)

// voteStormProbes is voteStorm, then probes votes one at a time, each timed
// from its sending to every attendee's socket holding the new tally.
func voteStormProbes(t *testing.T, bases []string, admin string, members int, rows func(mid string) int, probes int) {
	stormWith(t, bases, admin, members, rows, probes, nil)
}

func stormWith(t *testing.T, bases []string, admin string, members int, rows func(mid string) int, probes int, drops stormDrops) []*msock {
	api := mapi{bases[0]}
	t.Cleanup(func() { logDisconnects(t, bases) })
	w := newMeetingWorld(t, api, admin, members)
	id := w.schedule(t)["id"].(string)
	ch := "meeting:" + id
	voters := w.voters()
	socks := make([]*msock, len(voters))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range voters {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			socks[i] = dialMeetingRetry(t, bases[i%len(bases)], voters[i].Token)
			socks[i].redial = true
			if f := socks[i].request(t, "subscribe", ch, nil); f.Type != "ack" {
				t.Errorf("subscribe %d: %s", i, f.Data)
			}
		}(i)
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	mid := w.motion(t, id, os.Getenv("STORM_SECRET") != "")
	choices := []string{"accept", "reject", "abstain"}
	final := make([]string, len(voters))
	storm := func(round int, who func(i int) bool) {
		if drops != nil {
			drops(round, socks)
		}
		var wg sync.WaitGroup
		var mu sync.Mutex
		var lat []time.Duration
		start := make(chan struct{})
		for i := range voters {
			if !who(i) {
				continue
			}
			final[i] = choices[(i+round)%3]
			wg.Add(1)
			go func(i int) {
				defer wg.Done()
				<-start
				t0 := time.Now()
				f := socks[i].request(t, "vote", ch, map[string]any{"motion_id": mid, "choice": final[i]})
				mu.Lock()
				lat = append(lat, time.Since(t0))
				mu.Unlock()
				if f.Type != "ack" {
					t.Errorf("vote of %d (round %d): %s", i, round, f.Data)
				}
			}(i)
		}
		close(start)
		wg.Wait()
		slices.Sort(lat)
		if len(lat) > 0 {
			t.Logf("round %d: %d votes, ack p50 %v p99 %v max %v", round, len(lat), lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])
		}
	}
	settle(t, socks)
	storm(0, func(int) bool { return true })
	storm(1, func(i int) bool { return i%5 == 0 }) // a fifth change their vote once
	if t.Failed() {
		t.FailNow()
	}
	if probes > 0 {
		fanout(t, api, w, socks, ch, mid, final, probes)
	}
	want := map[string]int64{}
	for _, c := range final {
		want[c]++
	}
	// Before the close: every socket rebuilt who voted what from the live
	// frames' changes alone, with no frame missed.
	if os.Getenv("STORM_SECRET") == "" {
		v := int64(api.must(t, 200, "GET", "/api/v1/motions/"+mid, w.chair.Token, nil)["motion"].(map[string]any)["tally"].(map[string]any)["version"].(float64))
		deadline := time.Now().Add(120 * time.Second)
		for i, s := range socks {
			last := s.lastTally()
			for ; last.Tally["version"] < v; last = s.lastTally() {
				if time.Now().After(deadline) {
					t.Fatalf("socket %d never saw version %d; last %+v", i, v, last.tallyData)
				}
				time.Sleep(20 * time.Millisecond)
			}
			if last.gaps != 0 || len(last.votes) != len(voters) {
				t.Fatalf("socket %d: %d gaps, %d votes rebuilt, want 0 and %d", i, last.gaps, len(last.votes), len(voters))
			}
			for k, p := range voters {
				if last.votes[p.ID] != final[k] {
					t.Fatalf("socket %d: member %d rebuilt as %q, voted %s last", i, k, last.votes[p.ID], final[k])
				}
			}
		}
	}
	closed := api.must(t, 200, "POST", "/api/v1/motions/"+mid+"/close", w.chair.Token, nil)["motion"].(map[string]any)
	tl := closed["tally"].(map[string]any)
	for _, c := range choices {
		if int64(tl[c].(float64)) != want[c] {
			t.Errorf("closed tally %s = %v, want %d", c, tl[c], want[c])
		}
	}
	if tl["voted"] != float64(len(voters)) || tl["eligible"] != float64(len(voters)) || tl["present"] != float64(len(voters)) {
		t.Errorf("closed tally %v: want %d voted, eligible and present", tl, len(voters))
	}
	votes := closed["votes"].(map[string]any)
	for i, v := range voters {
		if votes[v.ID] != final[i] {
			t.Fatalf("member %d: stored %v, voted %s last", i, votes[v.ID], final[i])
		}
	}
	// What is stored: one row per member, with their last choice.
	if len(votes) != len(voters) {
		t.Errorf("%d stored votes, want %d", len(votes), len(voters))
	}
	if rows != nil {
		if n := rows(mid); n != len(voters) {
			t.Errorf("%d vote rows in the database, want %d", n, len(voters))
		}
	}
	// Every socket's newest live tally is the final, whole tally.
	deadline := time.Now().Add(120 * time.Second)
	for i, s := range socks {
		for {
			last := s.lastTally()
			if last.Status == "closed" && last.Tally["version"] == int64(tl["version"].(float64)) {
				for _, c := range choices {
					if last.Tally[c] != want[c] {
						t.Fatalf("socket %d: final live tally %v, want %v", i, last.Tally, want)
					}
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("socket %d never saw the final tally; last %+v", i, last)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
	var again, retried, dropped int
	for _, s := range socks {
		s.mu.Lock()
		again, retried = again+s.reconnects, retried+s.retries
		if s.reconnects > 0 {
			dropped++
		}
		s.mu.Unlock()
	}
	t.Logf("%d members over %d node(s): tally %v; %d sockets connected again (%d times), %d requests sent again after EUNAVAILABLE/EINTERNAL",
		len(voters), len(bases), want, dropped, again, retried)
	return socks
}

// settle waits until every socket has read what the server queued for it
// before (the presence and attendance frames of everyone's arrival: a
// room of N members that all arrived at once got N² presence frames):
// each socket pings and waits for its pong, which the server queues behind
// them. The votes start in a settled room, as in a meeting, and measure
// the votes, not the arrivals.
func settle(t *testing.T, socks []*msock) {
	var wg sync.WaitGroup
	var mu sync.Mutex
	var lat []time.Duration
	for _, s := range socks {
		wg.Add(1)
		go func(s *msock) {
			defer wg.Done()
			t0 := time.Now()
			if f := s.request(t, "ping", "", nil); f.Type != "pong" {
				t.Errorf("ping: %s %s", f.Type, f.Data)
			}
			mu.Lock()
			lat = append(lat, time.Since(t0))
			mu.Unlock()
		}(s)
	}
	wg.Wait()
	slices.Sort(lat)
	t.Logf("room settled: ping → pong p50 %v p99 %v max %v", lat[len(lat)/2], lat[len(lat)*99/100], lat[len(lat)-1])
}

// dialMeetingRetry dials a lite socket, trying again after a refusal of
// the upgrade (a 503 while the shared machine is overloaded, as a real
// client would after Retry-After).
func dialMeetingRetry(t *testing.T, base, token string) *msock {
	for try := 0; ; try++ {
		s, err := tryDialMeeting(t, base, token, true)
		if err == nil {
			return s
		}
		if try == 5 {
			t.Fatalf("dial: %v", err)
		}
		time.Sleep(time.Duration(try+1) * 200 * time.Millisecond)
	}
}

// fanout sends probes votes of the chair one after the other (each a
// change), and measures for each the time from sending it to the moment
// the last attendee's socket received a tally that includes it.
func fanout(t *testing.T, api mapi, w *meetingWorld, socks []*msock, ch, mid string, final []string, probes int) {
	var all, worst []time.Duration
	for k := 0; k < probes; k++ {
		choice := []string{"accept", "reject"}[k%2]
		if choice == final[0] {
			choice = "abstain"
		}
		final[0] = choice
		t0 := time.Now()
		if f := socks[0].request(t, "vote", ch, map[string]any{"motion_id": mid, "choice": choice}); f.Type != "ack" {
			t.Fatalf("probe %d: %s", k, f.Data)
		}
		v := int64(api.must(t, 200, "GET", "/api/v1/motions/"+mid, w.chair.Token, nil)["motion"].(map[string]any)["tally"].(map[string]any)["version"].(float64))
		deadline := time.Now().Add(120 * time.Second)
		var last time.Duration
		for i := 0; i < len(socks); {
			at, ok := socks[i].seen(v)
			if !ok {
				if time.Now().After(deadline) {
					t.Fatalf("probe %d: socket %d never saw version %d", k, i, v)
				}
				time.Sleep(5 * time.Millisecond)
				continue
			}
			d := at.Sub(t0)
			all = append(all, d)
			last = max(last, d)
			i++
		}
		worst = append(worst, last)
		time.Sleep(300 * time.Millisecond)
	}
	slices.Sort(all)
	slices.Sort(worst)
	t.Logf("vote → attendee: %d probes × %d sockets: p50 %v p99 %v max %v; vote → every attendee (slowest socket per probe): p50 %v max %v",
		probes, len(socks), all[len(all)/2], all[len(all)*99/100], all[len(all)-1], worst[len(worst)/2], worst[len(worst)-1])
}

// TestMeetingBenchStorm is the meeting benchmark of docs/BENCHMARKS.md. It
// runs only with JIHAT_BENCH_MEETING=<members> (JIHAT_BENCH_NODES=2 for two
// nodes sharing PostgreSQL and Redis).
func TestMeetingBenchStorm(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("JIHAT_BENCH_MEETING"))
	if n <= 0 {
		t.Skip("set JIHAT_BENCH_MEETING=<members>")
	}
	if os.Getenv("JIHAT_BENCH_NODES") == "2" {
		nodes := startCluster(t, 2, clusterRedis(t), logWarnings(t))
		admin := mapi{nodes[0].http.URL}.must(t, 200, "POST", "/api/v1/auth/login", "",
			map[string]any{"login": "admin@cluster.test", "password": clusterAdminPassword})["token"].(string)
		voteStormProbes(t, []string{nodes[0].http.URL, nodes[1].http.URL}, admin, n-2, nil, 20)
		return
	}
	ts := testserver.Start(t, testserver.Postgres())
	voteStormProbes(t, []string{ts.URL}, ts.Admin(), n-2, func(mid string) int {
		var c int
		ts.DB.QueryRow("SELECT COUNT(*) FROM votes WHERE motion_id = $1", mid).Scan(&c)
		return c
	}, 20)
}

// logDisconnects logs why each node closed sockets (the hub's counters),
// so a failed storm says whether slow consumers were dropped.
func logDisconnects(t *testing.T, bases []string) {
	for i, base := range bases {
		res, err := http.Get(base + "/metrics")
		if err != nil {
			t.Logf("node %d: /metrics: %v", i, err)
			continue
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		for _, line := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(line, "jihat_hub_disconnects_total") {
				t.Logf("node %d: %s", i, line)
			}
		}
	}
}

// logWarnings gives each node of a cluster a logger that writes its
// warnings and errors into the test's log, prefixed with the node.
func logWarnings(t *testing.T) func(i int, c *server.Config) {
	return func(i int, c *server.Config) {
		c.Logger = slog.New(slog.NewTextHandler(tbWriter{t, fmt.Sprintf("node %d: ", i)}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
}

type tbWriter struct {
	t      *testing.T
	prefix string
}

func (w tbWriter) Write(b []byte) (int, error) {
	w.t.Log(w.prefix + strings.TrimSpace(string(b)))
	return len(b), nil
}
