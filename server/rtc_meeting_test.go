package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// Meeting audio with real meetings: members present in the room (subscribed
// to meeting:<id>) negotiate and hear each other; a member not present, an
// employee outside the board and a citizen are refused with an error frame
// carrying the request's id; the chair's mute reaches the room as rtc.muted.
func TestRTCMeetingMembers(t *testing.T) {
	ts := testserver.Start(t)
	api := mapi{ts.URL}
	w := newMeetingWorld(t, api, ts.Admin(), 2)
	m := w.schedule(t)
	id := m["id"].(string)

	enter := func(name string, acct *seatPerson) *rtcClient {
		c := dialRTC(t, ts.URL, acct.Token, name, id)
		if code := c.request("subscribe", nil); code != "" {
			t.Fatalf("%s subscribe: %s", name, code)
		}
		c.wait(func(f frame) bool {
			return f.Type == "snapshot" && strings.Contains(string(f.Data), acct.ID)
		})
		return c
	}
	chair := enter("chair", &w.chair)
	member := enter("member", &w.members[0])
	chair.connect()
	member.connect()
	stopC, stopM := chair.pump("C"), member.pump("M")
	defer stopM()
	member.hears(w.chair.ID, "C-")
	chair.hears(w.members[0].ID, "M-")
	stopC()

	for name, tok := range map[string]string{"absent-member": w.members[1].Token, "staff": w.staff.Token, "citizen": w.citizen.Token} {
		c := dialRTC(t, ts.URL, tok, name, id)
		if code := c.offerError(); code != jihat.EFORBIDDEN && code != jihat.ENOTFOUND {
			t.Errorf("%s: offer answered with %q, want an error frame with the request id", name, code)
		}
	}
	if code := member.request("rtc.mute", map[string]any{"user_id": w.chair.ID, "muted": true}); code != jihat.EFORBIDDEN {
		t.Errorf("a member muting the chair: %q", code)
	}
	if code := chair.request("rtc.mute", map[string]any{"user_id": w.members[0].ID, "muted": true}); code != "" {
		t.Fatalf("chair mutes: %q", code)
	}
	f := member.wait(func(f frame) bool { return f.Type == "rtc.muted" })
	var ev struct {
		UserID string `json:"user_id"`
		Muted  bool   `json:"muted"`
		By     string `json:"by"`
	}
	json.Unmarshal(f.Data, &ev)
	if ev.UserID != w.members[0].ID || !ev.Muted || ev.By != w.chair.ID {
		t.Errorf("rtc.muted = %s", f.Data)
	}
}
