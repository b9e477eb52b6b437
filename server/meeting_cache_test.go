package server

import (
	"context"
	"testing"

	"github.com/jihat/jihat"
)

// TestMotionCachePut: a motion this node created, opened or read for a
// snapshot is known to the vote path without a read (a nil store would
// panic), with its meeting and whether it is a secret ballot; a motion it
// never saw is not made up.
func TestMotionCachePut(t *testing.T) {
	var c motionCache
	c.put(&jihat.Motion{ID: "m1", MeetingID: "g1", Secret: true})
	c.put(&jihat.Motion{ID: "m2", MeetingID: "g2"})
	c.put(nil)
	c.put(&jihat.Motion{ID: "m3"}) // no meeting: not remembered
	for id, want := range map[string]motionRef{"m1": {meetingID: "g1", secret: true}, "m2": {meetingID: "g2"}} {
		got, err := c.get(context.Background(), nil, id)
		if err != nil || got != want {
			t.Errorf("get(%s) = %+v, %v; want %+v", id, got, err, want)
		}
	}
	if _, ok := c.m.Load("m3"); ok {
		t.Error("a motion without its meeting was remembered")
	}
}
