package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
)

// TestMeetingLifecycle drives one meeting through its life over REST and
// the socket: schedule, answers seen live, joining the room (attendance and
// quorum live), the agenda, an open ballot with votes and a change, votes
// refused (absent, observer, non-member, after close), the close with its
// result, a reconnect that gets the truth in its snapshot, and the minutes.
func TestMeetingLifecycle(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		api := mapi{ts.URL}
		w := newMeetingWorld(t, api, ts.Admin(), 3) // 5 voting members: quorum needs 3
		m := w.schedule(t)
		id := m["id"].(string)
		ch := "meeting:" + id
		agenda := m["agenda"].([]any)
		second := agenda[1].(map[string]any)["id"].(string)

		sec := dialMeeting(t, ts.URL, w.secretary.Token)
		if f := sec.request(t, "subscribe", ch, nil); f.Type != "ack" {
			t.Fatalf("secretary subscribe: %s", f.Data)
		}
		snap := sec.wait(t, func(f wsFrame) bool { return f.Type == "snapshot" && f.Channel == ch })
		var s0 struct {
			Presence   []string       `json:"presence"`
			Attendance []string       `json:"attendance"`
			Quorum     map[string]any `json:"quorum"`
		}
		json.Unmarshal(snap.Data, &s0)
		if len(s0.Attendance) != 1 || s0.Attendance[0] != w.secretary.ID || s0.Quorum["met"] != false || s0.Quorum["eligible"] != 5.0 {
			t.Fatalf("first snapshot: %s", snap.Data)
		}

		// An answer to the invitation reaches the secretary live.
		api.must(t, 200, "POST", "/api/v1/meetings/"+id+"/rsvp", w.members[0].Token, map[string]any{"answer": "tentative"})
		sec.wait(t, func(f wsFrame) bool {
			return f.Type == "event" && f.Seq > 0 && strings.Contains(string(f.Data), `"rsvp"`) && strings.Contains(string(f.Data), w.members[0].ID)
		})
		// The list gives each caller their own seat and answer, and names no members.
		for _, who := range []struct {
			token, role, rsvp string
		}{{w.members[0].Token, "member", "tentative"}, {w.secretary.Token, "secretary", ""}} {
			list := api.must(t, 200, "GET", "/api/v1/meetings", who.token, nil)["meetings"].([]any)
			got := list[0].(map[string]any)
			if got["id"] != id || got["my_role"] != who.role || (got["my_rsvp"] != nil && got["my_rsvp"] != who.rsvp) ||
				(who.rsvp != "" && got["my_rsvp"] != who.rsvp) || len(got["members"].([]any)) != 0 {
				t.Errorf("%s's meeting list: %v", who.role, got)
			}
		}

		// Two members join the room; the quorum (3 of 5) is met on the third.
		chair := dialMeeting(t, ts.URL, w.chair.Token)
		chair.request(t, "subscribe", ch, nil)
		m0 := dialMeeting(t, ts.URL, w.members[0].Token)
		m0.request(t, "subscribe", ch, nil)
		sec.wait(t, func(f wsFrame) bool {
			return f.Type == "event" && strings.Contains(string(f.Data), `"attendance"`) && strings.Contains(string(f.Data), `"met":true`)
		})

		// The chair moves to the second item: everyone sees it.
		api.must(t, 200, "PUT", "/api/v1/meetings/"+id+"/agenda/current", w.chair.Token, map[string]any{"agenda_item_id": second})
		m0.wait(t, func(f wsFrame) bool {
			return strings.Contains(string(f.Data), `"agenda.current"`) && strings.Contains(string(f.Data), second)
		})

		mid := w.motion(t, id, false)
		// Refusals, each with its code.
		for _, c := range []struct {
			who  string
			tok  string
			code string
		}{
			{"absent member", w.members[1].Token, "EFORBIDDEN"},
			{"observer", w.observer.Token, "EFORBIDDEN"},
			{"employee outside the board", w.staff.Token, "ENOTFOUND"},
			{"citizen", w.citizen.Token, "ENOTFOUND"},
			{"other entity's admin", w.otherAdmin.Token, "ENOTFOUND"},
			{"entity admin (no seat)", w.entityAdmin.Token, "EFORBIDDEN"},
		} {
			if _, code := api.code(t, "POST", "/api/v1/motions/"+mid+"/vote", c.tok, map[string]any{"choice": "accept"}); code != c.code {
				t.Errorf("%s voting: %s, want %s", c.who, code, c.code)
			}
		}
		obs := dialMeeting(t, ts.URL, w.observer.Token)
		obs.request(t, "subscribe", ch, nil)
		if f := obs.request(t, "vote", ch, map[string]any{"motion_id": mid, "choice": "accept"}); f.Type != "error" || errCode(f) != "EFORBIDDEN" {
			t.Errorf("observer's vote over the socket: %s %s", f.Type, f.Data)
		}
		// Votes over the socket and REST; the chair changes theirs.
		if f := m0.request(t, "vote", ch, map[string]any{"motion_id": mid, "choice": "accept"}); f.Type != "ack" {
			t.Fatalf("vote: %s", f.Data)
		}
		chair.request(t, "vote", ch, map[string]any{"motion_id": mid, "choice": "reject"})
		api.must(t, 200, "POST", "/api/v1/motions/"+mid+"/vote", w.secretary.Token, map[string]any{"choice": "abstain"})
		if f := chair.request(t, "vote", ch, map[string]any{"motion_id": mid, "choice": "accept"}); f.Type != "ack" {
			t.Fatalf("change of vote: %s", f.Data)
		}
		// The live tallies carry who voted what as changes: a client
		// applying them in order holds every member's last choice.
		live := sec.wait(t, func(f wsFrame) bool {
			d := tallyOf(f)
			return d.Type == "tally" && d.ID == mid && d.Tally["voted"] == 3 && d.Tally["accept"] == 2
		})
		var rebuilt liveMotion
		for _, f := range sec.all() { // up to the frame waited for
			if d := tallyOf(f); f.Type == "event" && d.Type == "tally" && d.ID == mid {
				rebuilt.apply(d)
				if d.Tally["voted"] == 3 && d.Tally["accept"] == 2 {
					break
				}
			}
		}
		if rebuilt.gaps != 0 || rebuilt.votes[w.chair.ID] != "accept" || rebuilt.votes[w.secretary.ID] != "abstain" ||
			rebuilt.votes[w.members[0].ID] != "accept" || len(rebuilt.votes) != 3 || rebuilt.Tally["present"] != 3 {
			t.Errorf("open ballot tally rebuilt from the live frames: %+v %v (last %s)", rebuilt.tallyData, rebuilt.votes, live.Data)
		}
		if tallyOf(live).Votes != nil {
			t.Errorf("a live tally carries the whole list of votes: %s", live.Data)
		}

		// A member who drops and comes back gets the truth in the snapshot.
		m0.ws.CloseNow()
		again := dialMeeting(t, ts.URL, w.members[0].Token)
		again.request(t, "subscribe", ch, nil)
		snap = again.wait(t, func(f wsFrame) bool { return f.Type == "snapshot" })
		var s1 struct {
			Current struct {
				ID string `json:"id"`
			} `json:"current_item"`
			Motions []tallyData `json:"motions"`
		}
		json.Unmarshal(snap.Data, &s1)
		if s1.Current.ID != second || len(s1.Motions) != 1 || s1.Motions[0].Tally["accept"] != 2 || s1.Motions[0].Tally["abstain"] != 1 {
			t.Fatalf("snapshot after reconnect: %s", snap.Data)
		}

		// Close (twice: the same answer), then a vote is refused.
		closed := api.must(t, 200, "POST", "/api/v1/motions/"+mid+"/close", w.chair.Token, nil)["motion"].(map[string]any)
		again2 := api.must(t, 200, "POST", "/api/v1/motions/"+mid+"/close", w.chair.Token, nil)["motion"].(map[string]any)
		if closed["result"] != "approved" || again2["result"] != "approved" || again2["tally"].(map[string]any)["version"] != closed["tally"].(map[string]any)["version"] {
			t.Fatalf("close: %v then %v", closed, again2)
		}
		if f := again.request(t, "vote", ch, map[string]any{"motion_id": mid, "choice": "reject"}); errCode(f) != "ECONFLICT" {
			t.Errorf("vote after close: %s", f.Data)
		}
		tl := closed["tally"].(map[string]any)
		if tl["accept"] != 2.0 || tl["reject"] != 0.0 || tl["abstain"] != 1.0 || tl["eligible"] != 5.0 || tl["present"] != 3.0 {
			t.Errorf("frozen tally %v", tl)
		}
		var n int
		ts.DB.QueryRow("SELECT COUNT(*) FROM votes WHERE motion_id = $1", mid).Scan(&n)
		if n != 3 {
			t.Errorf("%d vote rows, want 3 (one per member)", n)
		}

		// Minutes: filled in, edited, approved, frozen; a new edit is version 2.
		mins := api.must(t, 200, "GET", "/api/v1/meetings/"+id+"/minutes", w.secretary.Token, nil)["minutes"].(map[string]any)
		body := mins["body"].(string)
		if mins["generated"] != true || !strings.Contains(body, "اعتماد الميزانية") || !strings.Contains(body, "اعتُمد") {
			t.Fatalf("draft minutes: %v", mins)
		}
		api.must(t, 200, "PUT", "/api/v1/meetings/"+id+"/minutes", w.secretary.Token, map[string]any{"body": body + "\nملاحظة"})
		if st, _ := api.code(t, "POST", "/api/v1/meetings/"+id+"/minutes/approve", w.secretary.Token, nil); st != 403 {
			t.Errorf("secretary approving: %d, want 403", st)
		}
		ap := api.must(t, 200, "POST", "/api/v1/meetings/"+id+"/minutes/approve", w.chair.Token, nil)["minutes"].(map[string]any)
		if ap["status"] != "approved" || ap["version"] != 1.0 {
			t.Fatalf("approved: %v", ap)
		}
		v2 := api.must(t, 200, "PUT", "/api/v1/meetings/"+id+"/minutes", w.secretary.Token, map[string]any{"body": "تصحيح"})["minutes"].(map[string]any)
		if v2["version"] != 2.0 || v2["status"] != "draft" {
			t.Errorf("edit after approval: %v", v2)
		}
		res, err := ts.Raw("GET", "/api/v1/meetings/"+id+"/minutes.html", w.observer.Token, nil)
		if err != nil || res.Status != 200 || !strings.Contains(string(res.Body), `dir="rtl"`) || !strings.Contains(string(res.Body), "تصحيح") {
			t.Errorf("minutes.html: %v %v", res, err)
		}
		if st, _ := api.code(t, "GET", "/api/v1/meetings/"+id+"/minutes", w.staff.Token, nil); st != 404 {
			t.Errorf("outsider reading minutes: %d", st)
		}
		api.must(t, 204, "POST", "/api/v1/meetings/"+id+"/minutes/access", w.secretary.Token, map[string]any{"user_id": w.staff.ID})
		api.must(t, 200, "GET", "/api/v1/meetings/"+id+"/minutes", w.staff.Token, nil)
		auditRows(t, ts)
	})
}
