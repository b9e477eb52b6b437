package hub_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync/atomic"
	"testing"

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
