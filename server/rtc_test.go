package server_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// Meeting audio over /ws on one node: members present negotiate and hear
// each other; a non-member and a member not present get an error frame
// carrying their request's id; only the chair mutes others, and a muted
// participant's packets stop reaching the others.
func TestRTCSignalling(t *testing.T) {
	acc := newFakeAccess()
	ts := testserver.Start(t, testserver.Configure(func(c *server.Config) { c.AudioAccess = acc.access }))
	chair, member, stranger, absent := ts.RegisterCitizen(), ts.RegisterCitizen(), ts.RegisterCitizen(), ts.RegisterCitizen()
	acc.set(chair.ID, true, true)
	acc.set(member.ID, true, false)
	acc.set(absent.ID, false, false)
	meeting := uuid.NewString()

	a := dialRTC(t, ts.URL, chair.Token, "chair", meeting)
	b := dialRTC(t, ts.URL, member.Token, "member", meeting)
	a.connect()
	b.connect()
	stopA, stopB := a.pump("A"), b.pump("B")
	b.hears(chair.ID, "A-")
	a.hears(member.ID, "B-")
	stopA()

	t.Run("refused", func(t *testing.T) {
		for name, acct := range map[string]testserver.Account{"non-member": stranger, "not-present": absent} {
			c := dialRTC(t, ts.URL, acct.Token, name, meeting)
			if code := c.offerError(); code != jihat.EFORBIDDEN {
				t.Errorf("%s: offer answered with %q, want an EFORBIDDEN error frame with the request id", name, code)
			}
			if code := c.request("rtc.candidate", map[string]any{"candidate": "candidate:1 1 udp 1 127.0.0.1 9 typ host", "sdpMid": "0"}); code != jihat.EFORBIDDEN {
				t.Errorf("%s: candidate answered with %q", name, code)
			}
		}
		c := dialRTC(t, ts.URL, member.Token, "bad-channel", meeting)
		c.channel = "case:" + meeting
		if code := c.request("rtc.offer", map[string]string{"sdp": "v=0"}); code != jihat.EINVALID {
			t.Errorf("offer on a case channel: %q", code)
		}
	})

	t.Run("chair mutes", func(t *testing.T) {
		if code := b.request("rtc.mute", map[string]any{"user_id": chair.ID, "muted": true}); code != jihat.EFORBIDDEN {
			t.Errorf("a member muting the chair: %q, want EFORBIDDEN", code)
		}
		if code := b.request("rtc.floor", map[string]any{"user_id": member.ID}); code != jihat.EFORBIDDEN {
			t.Errorf("a member giving the floor: %q, want EFORBIDDEN", code)
		}
		if code := a.request("rtc.mute", map[string]any{"user_id": member.ID, "muted": true}); code != "" {
			t.Fatalf("chair mutes member: %q", code)
		}
		stopB()
		st, _ := ts.Server.RTCParticipantStats(meeting, member.ID)
		const n = 25
		for i := range n {
			b.Peer().Send(fmt.Appendf(nil, "muted-%d", i), 30)
		}
		waitUntil(t, "the muted packets dropped", func() bool {
			now, _ := ts.Server.RTCParticipantStats(meeting, member.ID)
			return now.DroppedMuted >= st.DroppedMuted+n
		})
		// The raised hand answered by the chair unmutes the member.
		if code := b.request("rtc.hand", map[string]any{"raised": true}); code != "" {
			t.Fatalf("raise hand: %q", code)
		}
		if code := a.request("rtc.floor", map[string]any{"user_id": member.ID}); code != "" {
			t.Fatalf("give the floor: %q", code)
		}
		stop := b.pump("after")
		defer stop()
		a.hears(member.ID, "after-")
		for _, p := range a.Peer().Received(member.ID) {
			if len(p) >= 6 && string(p[:6]) == "muted-" {
				t.Fatalf("the chair heard %q, sent while muted", p)
			}
		}
	})
}

// Two nodes sharing PostgreSQL and Redis: the first offer makes node A host
// the meeting; a client on node B negotiates through node B (relayed over
// the bus) and hears A, and A hears it. When node A goes away, the client
// on B is told to negotiate again and the room moves to node B.
func TestRTCTwoNodes(t *testing.T) {
	acc := newFakeAccess()
	nodes := startCluster(t, 2, clusterRedis(t), func(_ int, c *server.Config) {
		c.AudioAccess = acc.access
		c.RTCLease, c.RTCCheckEvery = 3*time.Second, 100*time.Millisecond
	})
	na, nb := nodes[0], nodes[1]
	w := newWorld(t, na)
	idOf := func(token string) string {
		return na.api(t, "GET", "/api/v1/me", token, nil, 200)["user"].(map[string]any)["id"].(string)
	}
	userA, userB := idOf(w.employee), idOf(w.citizen)
	acc.set(userA, true, true)
	acc.set(userB, true, false)
	meeting := uuid.NewString()

	a := dialRTC(t, na.http.URL, w.employee, "onA", meeting)
	a.connect()
	b := dialRTC(t, nb.http.URL, w.citizen, "onB", meeting)
	b.connect()
	if ra, rb := na.srv.RTCStats().Rooms, nb.srv.RTCStats().Rooms; ra != 1 || rb != 0 {
		t.Fatalf("rooms on A, B = %d, %d; want the meeting hosted on A only", ra, rb)
	}
	stopA, stopB := a.pump("A"), b.pump("B")
	defer stopB()
	b.hears(userA, "A-")
	a.hears(userB, "B-")
	stopA()

	// Node A goes away: its lease is given up; B's client is told to
	// negotiate again, and its new offer makes node B the host.
	na.http.CloseClientConnections()
	na.http.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	na.srv.Close(ctx)
	b.wait(func(f frame) bool { return f.Type == "rtc.restart" })
	b.connect()
	if rb := nb.srv.RTCStats().Rooms; rb != 1 {
		t.Fatalf("rooms on B after A left = %d, want 1", rb)
	}
}
