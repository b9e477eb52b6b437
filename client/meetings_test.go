package client_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/jihat/jihat/client"
	"github.com/jihat/jihat/internal/testserver"
)

// TestMeetings drives a meeting through the SDK against a real server, on
// both databases: a board with every role, a meeting scheduled by the
// secretary, members in the room over Live (attendance and quorum frames),
// an open ballot voted over the socket and over REST with a change of
// vote, each member's MotionState kept from the live tally frames by the
// README's rule and equal to the stored votes, refusals (observer,
// outsider, after the close) as coded errors, and a late subscriber whose
// snapshot holds the whole truth.
func TestMeetings(t *testing.T) {
	for _, db := range []struct {
		name string
		opts []testserver.Option
	}{{"sqlite", nil}, {"postgres", []testserver.Option{testserver.Postgres()}}} {
		t.Run(db.name, func(t *testing.T) { meetingFlow(t, startWorld(t, db.opts...)) })
	}
}

func meetingFlow(t *testing.T, w *world) {
	ctx := ctxT(t)
	type person struct {
		c  *client.Client
		id string
	}
	mk := func() person {
		c, id := w.staff(t, "employee")
		return person{c, id}
	}
	chair, secretary, observer := mk(), mk(), mk()
	members := []person{mk(), mk(), mk()}
	seats := []client.Seat{{UserID: chair.id, Role: "chair"}, {UserID: secretary.id, Role: "secretary"}, {UserID: observer.id, Role: "observer"}}
	for _, m := range members {
		seats = append(seats, client.Seat{UserID: m.id, Role: "member"})
	}
	name := "مجلس الإدارة"
	board, err := w.admin.CreateBoard(ctx, w.entityID, client.BoardRequest{Name: &name, Members: &seats})
	if err != nil {
		t.Fatalf("create board: %v", err)
	}
	if len(board.Members) != len(seats) || board.QuorumRule != "majority" {
		t.Fatalf("board %+v", board)
	}
	if bs, err := w.admin.Boards(ctx, w.entityID); err != nil || len(bs) != 1 || bs[0].ID != board.ID {
		t.Fatalf("boards: %v %+v", err, bs)
	}
	// Outsiders: a staff member off the board and a citizen.
	var e *client.Error
	if _, err := w.employee.Boards(ctx, w.entityID); !errors.As(err, &e) || e.Code != "EFORBIDDEN" {
		t.Fatalf("employee lists boards: %v", err)
	}
	start := time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)
	m, err := secretary.c.ScheduleMeeting(ctx, client.MeetingRequest{EntityID: w.entityID, BoardID: board.ID, Title: "الاجتماع الدوري",
		StartsAt: start, EndsAt: start.Add(2 * time.Hour), Agenda: []client.AgendaRequest{{Title: "الميزانية"}, {Title: "التعيينات"}}})
	if err != nil {
		t.Fatalf("schedule: %v", err)
	}
	if len(m.Agenda) != 2 || len(m.Members) != len(seats) || m.MyRole != "secretary" || m.Status != "scheduled" {
		t.Fatalf("meeting %+v", m)
	}
	if _, err := w.citizen.Meeting(ctx, m.ID); !errors.As(err, &e) || e.Code != "ENOTFOUND" {
		t.Fatalf("citizen reads the meeting: %v", err)
	}
	if _, err := members[0].c.RSVP(ctx, m.ID, "attend"); err != nil {
		t.Fatalf("rsvp: %v", err)
	}
	// Everyone who votes is in the room over Live; the observer checks in.
	voters := append([]person{chair, secretary}, members...)
	room := make([]*collectorOf, len(voters))
	ch := "meeting:" + m.ID
	for i, p := range voters {
		live := connect(t, p.c, client.LiveConfig{})
		room[i] = &collectorOf{live: live, c: collect(live)}
		if err := live.Subscribe(ctx, ch, 0); err != nil {
			t.Fatalf("subscribe %d: %v", i, err)
		}
		room[i].c.waitFor(t, "snapshot", func(ms []client.Message) bool { return snapshotOf(ms, ch) != nil })
	}
	if a, err := observer.c.CheckIn(ctx, m.ID); err != nil || !a.Present {
		t.Fatalf("observer checks in: %v %+v", err, a)
	}
	// The secretary sees everyone arrive, with the quorum.
	room[1].c.waitFor(t, "attendance of all", func(ms []client.Message) bool {
		here := map[string]bool{}
		var q client.Quorum
		for _, f := range meetingFrames(t, ms, ch) {
			if a, ok := f.(*client.AttendanceFrame); ok {
				for _, x := range a.Changes {
					here[x.UserID] = x.Action == "join"
				}
				q = a.Quorum
			}
		}
		return len(here) >= len(voters) && q.Present == len(voters) && q.Met
	})
	if _, err := chair.c.SetCurrentItem(ctx, m.ID, m.Agenda[1].ID); err != nil {
		t.Fatalf("current item: %v", err)
	}
	mo, err := chair.c.CreateMotion(ctx, m.ID, m.Agenda[1].ID, "تعيين المدير", false)
	if err != nil {
		t.Fatalf("create motion: %v", err)
	}
	if _, err := chair.c.OpenMotion(ctx, mo.ID); err != nil {
		t.Fatalf("open: %v", err)
	}
	// Votes: over the socket, one over REST, then a change of mind.
	want := map[string]string{}
	choices := []string{"accept", "reject", "abstain", "accept", "accept"}
	for i, p := range voters {
		var r *client.VoteResult
		if i == 2 {
			r, err = p.c.Vote(ctx, mo.ID, choices[i])
		} else {
			r, err = room[i].live.Vote(ctx, m.ID, mo.ID, choices[i])
		}
		if err != nil || r.Choice != choices[i] || r.MotionID != mo.ID {
			t.Fatalf("vote %d: %v %+v", i, err, r)
		}
		want[p.id] = choices[i]
	}
	if _, err := room[3].live.Vote(ctx, m.ID, mo.ID, "reject"); err != nil {
		t.Fatalf("change: %v", err)
	}
	want[voters[3].id] = "reject"
	// Refused, with codes: the observer, an outsider, a bad choice.
	for _, c := range []struct {
		who  *client.Client
		code string
	}{{observer.c, "EFORBIDDEN"}, {w.employee, "ENOTFOUND"}} {
		if _, err := c.who.Vote(ctx, mo.ID, "accept"); !errors.As(err, &e) || e.Code != c.code {
			t.Fatalf("vote refused %s: got %v", c.code, err)
		}
	}
	if _, err := room[0].live.Vote(ctx, m.ID, mo.ID, "maybe"); !errors.As(err, &e) || e.Code != "EINVALID" || e.Message == "" {
		t.Fatalf("bad choice: %v", err)
	}
	stored, err := chair.c.Motion(ctx, mo.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Every member's MotionState, kept from the live frames alone, reaches
	// the stored votes and counts.
	for i, r := range room {
		var st client.MotionState
		r.c.waitFor(t, fmt.Sprintf("socket %d: tally version %d", i, stored.Tally.Version), func(ms []client.Message) bool {
			st = client.MotionState{}
			for _, f := range meetingFrames(t, ms, ch) {
				if tf, ok := f.(*client.TallyFrame); ok && tf.ID == mo.ID {
					st.Apply(tf)
				}
			}
			return st.Tally.Version >= stored.Tally.Version
		})
		if st.Gaps != 0 || fmt.Sprint(st.Votes) != fmt.Sprint(want) || st.Tally != stored.Tally {
			t.Fatalf("socket %d rebuilt %v %+v (gaps %d), stored %v %+v", i, st.Votes, st.Tally, st.Gaps, want, stored.Tally)
		}
	}
	if stored.Tally.Accept != 2 || stored.Tally.Reject != 2 || stored.Tally.Abstain != 1 || stored.Tally.Voted != 5 || stored.Tally.Eligible != 5 {
		t.Fatalf("tally %+v", stored.Tally)
	}
	// A late subscriber's snapshot holds the whole truth.
	late := connect(t, members[1].c, client.LiveConfig{})
	lc := collect(late)
	if err := late.Subscribe(ctx, ch, 0); err != nil {
		t.Fatal(err)
	}
	lc.waitFor(t, "late snapshot", func(ms []client.Message) bool { return snapshotOf(ms, ch) != nil })
	snap, err := snapshotOf(lc.all(), ch).Meeting()
	if err != nil {
		t.Fatal(err)
	}
	if snap.Current == nil || snap.Current.ID != m.Agenda[1].ID || len(snap.Motions) != 1 || len(snap.Attendance) != len(voters)+1 {
		t.Fatalf("snapshot %+v", snap)
	}
	var fromSnap client.MotionState
	fromSnap.Reset(snap.Motions[0])
	if fmt.Sprint(fromSnap.Votes) != fmt.Sprint(want) || fromSnap.Tally != stored.Tally {
		t.Fatalf("snapshot motion %+v", snap.Motions[0])
	}
	closed, err := chair.c.CloseMotion(ctx, mo.ID)
	if err != nil || closed.Status != "closed" || closed.Result != "rejected" { // 2 accept, 2 reject: not more accepts
		t.Fatalf("close: %v %+v", err, closed)
	}
	if again, err := chair.c.CloseMotion(ctx, mo.ID); err != nil || again.Tally != closed.Tally {
		t.Fatalf("close again: %v", err)
	}
	if _, err := room[4].live.Vote(ctx, m.ID, mo.ID, "accept"); !errors.As(err, &e) || e.Code != "ECONFLICT" {
		t.Fatalf("vote after close: %v", err)
	}
	// The final frame: every socket's state is the closed motion.
	for i, r := range room {
		r.c.waitFor(t, fmt.Sprintf("socket %d: closed", i), func(ms []client.Message) bool {
			var st client.MotionState
			for _, f := range meetingFrames(t, ms, ch) {
				if tf, ok := f.(*client.TallyFrame); ok {
					st.Apply(tf)
				}
			}
			return st.Status == "closed" && st.Result == "rejected" && fmt.Sprint(st.Votes) == fmt.Sprint(want)
		})
	}
	got, err := secretary.c.Meeting(ctx, m.ID)
	if err != nil || got.Live == nil || len(got.Motions) != 1 || len(got.Attendance) < len(voters)+1 {
		t.Fatalf("meeting: %v %+v", err, got)
	}
}

// TestMotionStateRule checks the apply rule on frames made by hand: older
// frames ignored, changes applied from a frame that starts at or below the
// version held, a gap reported, a reset, the final frame (since 0: whole).
func TestMotionStateRule(t *testing.T) {
	v := func(n int64) *int64 { return &n }
	frame := func(version int64, since *int64, status string, changes map[string]string) *client.TallyFrame {
		return &client.TallyFrame{Type: "tally", Motion: client.Motion{ID: "m", Status: status, Tally: client.Tally{Version: version}},
			Since: since, Changes: changes}
	}
	var st client.MotionState
	st.Reset(client.Motion{ID: "m", Status: "open", Tally: client.Tally{Version: 3}, Votes: map[string]string{"a": "accept"}})
	if ok, err := st.Apply(frame(5, v(2), "open", map[string]string{"b": "reject", "a": "abstain"})); !ok || err != nil {
		t.Fatalf("apply: %v %v", ok, err)
	}
	if ok, _ := st.Apply(frame(4, v(3), "open", map[string]string{"c": "accept"})); ok || st.Votes["c"] != "" {
		t.Fatal("an older frame was taken")
	}
	if ok, err := st.Apply(frame(9, v(7), "open", map[string]string{"d": "accept"})); !ok || !errors.Is(err, client.ErrTallyGap) || st.Gaps != 1 {
		t.Fatalf("gap: %v %v %d", ok, err, st.Gaps)
	}
	if ok, _ := st.Apply(frame(9, v(9), "open", nil)); ok {
		t.Fatal("the same version taken twice")
	}
	if ok, _ := st.Apply(frame(9, v(0), "closed", map[string]string{"a": "abstain", "b": "reject"})); !ok || len(st.Votes) != 2 || st.Status != "closed" {
		t.Fatalf("final frame: %+v", st.Votes)
	}
	if ok, _ := st.Apply(frame(9, v(0), "closed", nil)); ok {
		t.Fatal("a closed motion taken twice")
	}
	if ok, _ := st.Apply(&client.TallyFrame{Motion: client.Motion{ID: "other", Tally: client.Tally{Version: 99}}}); ok {
		t.Fatal("another motion's frame taken")
	}
}

// collectorOf is a member's Live and what it received.
type collectorOf struct {
	live *client.Live
	c    *collector
}

// snapshotOf returns the snapshot of channel among msgs (nil when none).
func snapshotOf(msgs []client.Message, channel string) *client.Snapshot {
	for _, m := range msgs {
		if s, ok := m.(*client.Snapshot); ok && s.Channel == channel {
			return s
		}
	}
	return nil
}

// meetingFrames decodes the events of channel, in order.
func meetingFrames(t *testing.T, msgs []client.Message, channel string) []any {
	var out []any
	for _, m := range msgs {
		ev, ok := m.(*client.Event)
		if !ok || ev.Channel != channel {
			continue
		}
		f, err := client.DecodeMeetingEvent(ev)
		if err != nil {
			t.Errorf("decode %s: %v", ev.Data, err)
			continue
		}
		out = append(out, f)
	}
	return out
}
