package hub_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
)

// TestSnapshotFailureResyncs: when the application's part of a snapshot
// cannot be read (Config.Snapshot fails: a starved database), the
// subscriber gets no snapshot without it (a meeting with no motions would
// read as the truth, and a client that reconnected would keep the tally it
// had and miss the changes in between) but is closed with CloseResync; it
// connects again and its new subscription's snapshot carries the state.
func TestSnapshotFailureResyncs(t *testing.T) {
	var calls atomic.Int64
	n := startNode(t, nodeOpts{cfg: hub.Config{Snapshot: func(ctx context.Context, p hub.Principal, channel string) (json.RawMessage, error) {
		if calls.Add(1) == 1 {
			return nil, errors.New("the database did not answer in time")
		}
		return json.RawMessage(`{"tally":{"version":7}}`), nil
	}}})
	ch := "meeting:00000000-0000-4000-8000-000000000001"

	c := dial(t, n.url, "token-u1")
	c.send(map[string]any{"type": "subscribe", "id": "s1", "channel": ch}) // its ack may go or not before the close
	if code := c.waitClosed(); code != hub.CloseResync {
		t.Fatalf("closed with %d, want CloseResync (%d)", code, hub.CloseResync)
	}
	for len(c.frames) > 0 {
		if f := <-c.frames; f.Type == hub.TypeSnapshot {
			t.Fatalf("a snapshot without the application's state was sent: %s", f.Data)
		}
	}

	c = dial(t, n.url, "token-u1")
	c.subscribe(ch, nil)
	f := c.next(ofType(hub.TypeSnapshot))
	var snap struct {
		Presence []string `json:"presence"`
		Tally    struct {
			Version int64 `json:"version"`
		} `json:"tally"`
	}
	if err := json.Unmarshal(f.Data, &snap); err != nil || snap.Tally.Version != 7 || len(snap.Presence) != 1 || snap.Presence[0] != "u1" {
		t.Fatalf("snapshot after reconnecting: %s (%v)", f.Data, err)
	}
}

// failingJoins is a Presence whose first joins of client channels fail
// (Redis not answering in time).
type failingJoins struct {
	hub.Presence
	fail atomic.Int64 // joins left to fail
}

func (p *failingJoins) Join(ctx context.Context, channel string, m hub.Member) (bool, error) {
	if jihat.ValidChannel(channel) && p.fail.Add(-1) >= 0 { // (not the hub's own "online" sets)
		return false, errors.New("presence did not answer in time")
	}
	return p.Presence.Join(ctx, channel, m)
}

// TestStrictPresenceJoinFailure: on a channel whose attendance is its
// presence (Config.StrictPresence), a subscriber whose presence join
// fails is closed with CloseResync rather than left in the room unseen;
// it comes back and is seen. On another channel the subscription goes on
// without presence.
func TestStrictPresenceJoinFailure(t *testing.T) {
	meeting := "meeting:00000000-0000-4000-8000-000000000001"
	p := &failingJoins{Presence: hub.NewMemoryPresence(hub.MemoryPresenceConfig{})}
	p.fail.Store(2)
	n := startNode(t, nodeOpts{cfg: hub.Config{Presence: p, StrictPresence: func(ch string) bool { return ch == meeting }}})

	c := dial(t, n.url, "token-u1")
	c.send(map[string]any{"type": "subscribe", "id": "s1", "channel": meeting})
	if code := c.waitClosed(); code != hub.CloseResync {
		t.Fatalf("closed with %d, want CloseResync (%d)", code, hub.CloseResync)
	}

	c = dial(t, n.url, "token-u2")
	c.subscribe(caseChannel(1), nil) // the second failing join: a lenient channel
	c.next(ofType(hub.TypeSnapshot))
	if here, err := n.hub.Present(context.Background(), caseChannel(1), "u2"); err != nil || here {
		t.Fatalf("u2 present on the case channel: %v %v (its join failed)", here, err)
	}

	c = dial(t, n.url, "token-u1")
	c.subscribe(meeting, nil)
	c.next(ofType(hub.TypeSnapshot))
	if here, err := n.hub.Present(context.Background(), meeting, "u1"); err != nil || !here {
		t.Fatalf("u1 present after coming back: %v %v", here, err)
	}
}
