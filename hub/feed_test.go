package hub_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"github.com/jihat/jihat/hub"
)

// feedDB is the database of a feed: unsequenced events (Seq 0) with a Key
// each; a subscription without since starts with the latest feedTail,
// oldest first. gate, when set, blocks the first read until closed, so a
// test can publish while the replay is running.
type feedDB struct {
	*fakeDB
	mu      sync.Mutex
	feed    []hub.Event
	reading chan struct{} // closed when the first read starts
	gate    chan struct{}
	read    chan struct{} // closed when the first read is done
}

const feedTail = 50

func (db *feedDB) commitFeed(n int) hub.Event {
	db.mu.Lock()
	defer db.mu.Unlock()
	ev := hub.Event{Key: fmt.Sprintf("ev-%d", n), Data: json.RawMessage(fmt.Sprintf(`{"n":%d}`, n))}
	db.feed = append(db.feed, ev)
	return ev
}

func (db *feedDB) Replay(ctx context.Context, channel string, since int64, limit int) ([]hub.Event, error) {
	if channel != "feed" {
		return db.fakeDB.Replay(ctx, channel, since, limit)
	}
	if since >= 0 {
		return nil, nil
	}
	if db.gate != nil {
		close(db.reading)
		<-db.gate
		db.gate = nil
		defer close(db.read)
	}
	db.mu.Lock()
	defer db.mu.Unlock()
	from := max(0, len(db.feed)-min(limit, feedTail))
	return append([]hub.Event(nil), db.feed[from:]...), nil
}

func feedN(t *testing.T, env hub.Envelope) int {
	t.Helper()
	var d struct{ N int }
	if err := json.Unmarshal(env.Data, &d); err != nil {
		t.Fatalf("feed frame %s: %v", env.Data, err)
	}
	return d.N
}

// TestFeedTail: a feed subscription starts with the latest 50 events of the
// database, oldest first (each once, though feed events carry no Seq), then
// the live tail. An event committed before the read but published while the
// replay runs is delivered once; one committed after it arrives live, from
// this node or over the bus from another; nothing is lost at the seam.
func TestFeedTail(t *testing.T) {
	net := hub.NewMemoryNetwork()
	newBus := func(id string) func(hub.BusHandler) (hub.Bus, error) {
		return func(h hub.BusHandler) (hub.Bus, error) {
			return hub.NewMemoryBus(hub.MemoryBusConfig{Network: net, NodeID: id, Handler: h}), nil
		}
	}
	db := &feedDB{fakeDB: newFakeDB(), reading: make(chan struct{}), gate: make(chan struct{}), read: make(chan struct{})}
	a := startNode(t, nodeOpts{db: db.fakeDB, cfg: hub.Config{Events: db, NewBus: newBus("a")}})
	b := startNode(t, nodeOpts{db: db.fakeDB, cfg: hub.Config{Events: db, NewBus: newBus("b")}})
	for n := 1; n <= 70; n++ {
		db.commitFeed(n)
	}

	c := dial(t, a.url, "token-sup")
	c.subscribe("feed", nil) // acked; the replay now waits at the gate
	<-db.reading
	ctx := context.Background()
	// 71 is committed before the read and published (on A) while the
	// replay runs; 72 likewise from node B.
	for _, n := range []int{71, 72} {
		ev := db.commitFeed(n)
		pub := a.hub
		if n == 72 {
			pub = b.hub
		}
		if err := pub.Publish(ctx, "feed", ev); err != nil {
			t.Fatal(err)
		}
	}
	close(db.gate)
	<-db.read
	want := make([]int, 0, feedTail+3)
	for n := 72 - feedTail + 1; n <= 72; n++ {
		want = append(want, n)
	}
	// 73 is committed and published after the read, from node B.
	if err := b.hub.Publish(ctx, "feed", db.commitFeed(73)); err != nil {
		t.Fatal(err)
	}
	want = append(want, 73)
	// A marker fences the end: anything delivered twice comes before it.
	if err := a.hub.Publish(ctx, "feed", hub.Event{Key: "marker", Data: json.RawMessage(`{"n":-1}`)}); err != nil {
		t.Fatal(err)
	}
	var got []int
	for {
		env := c.next(func(e hub.Envelope) bool { return e.Type == hub.TypeEvent && e.Channel == "feed" })
		if env.Seq != 0 {
			t.Errorf("feed frame with seq %d, want none", env.Seq)
		}
		n := feedN(t, env)
		if n == -1 {
			break
		}
		got = append(got, n)
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("feed delivered %v\nwant %v", got, want)
	}

	// A feed has no sequence: a subscription that gives since (as a
	// client of a case channel would) starts with the same tail, and a
	// fetch resends nothing.
	c2 := dial(t, b.url, "token-sup2")
	since := int64(0)
	c2.subscribe("feed", &since)
	got = got[:0]
	for len(got) < feedTail {
		got = append(got, feedN(t, c2.next(func(e hub.Envelope) bool { return e.Type == hub.TypeEvent && e.Channel == "feed" })))
	}
	if r := c2.request(map[string]any{"type": "fetch", "id": "f1", "channel": "feed", "since": 60}); r.Type != hub.TypeAck {
		t.Fatalf("fetch on a feed: %s %s", r.Type, r.Data)
	}
	if err := b.hub.Publish(ctx, "feed", hub.Event{Key: "marker2", Data: json.RawMessage(`{"n":-2}`)}); err != nil {
		t.Fatal(err)
	}
	if n := feedN(t, c2.next(func(e hub.Envelope) bool { return e.Type == hub.TypeEvent && e.Channel == "feed" })); n != -2 {
		t.Errorf("after a fetch on a feed, event %d came before the marker", n)
	}
	if want = want[1:]; fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("feed subscribed with since 0 delivered %v\nwant %v", got, want)
	}
}
