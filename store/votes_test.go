package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// closeMotion closes r's motion on s, as the chair's close does.
func closeMotion(ctx context.Context, s *store.Store, r *voteRoom) error {
	_, _, err := s.UpdateMeeting(ctx, r.meeting, act("motion.close"), func(mt *store.MeetingTx) error {
		mo, err := mt.LockMotion(r.motion)
		if err != nil {
			return err
		}
		now := mt.Now
		mo.Status, mo.ClosedAt = jihat.MotionClosed, &now
		return mt.SaveMotion(mo)
	})
	return err
}

// voteRoom is a meeting with voters present, an observer, an absent
// member, a deactivated member and an outsider, and a motion.
type voteRoom struct {
	meeting, motion                               string
	voters                                        []string
	observer, absent, inactive, outsider, chairID string
}

func newVoteRoom(t *testing.T, s *store.Store, voters int, secret bool) *voteRoom {
	t.Helper()
	ctx := context.Background()
	e := mustEntity(t, s)
	user := func() string {
		return mustUser(t, s, &jihat.User{Email: fmt.Sprintf("voter%d@votes.test", uniq()), Active: true, EntityID: e.ID}).ID
	}
	r := &voteRoom{observer: user(), absent: user(), inactive: user(), outsider: user()}
	for range voters {
		r.voters = append(r.voters, user())
	}
	r.chairID = r.voters[0]
	start := time.Date(2026, 12, 3, 9, 0, 0, 0, time.UTC)
	m := &jihat.Meeting{EntityID: e.ID, Title: "اجتماع", StartsAt: start, EndsAt: start.Add(time.Hour), TimeZone: "Asia/Riyadh",
		Remote: true, CreatedBy: r.chairID, Members: []jihat.MeetingSeat{{UserID: r.chairID, Role: jihat.MeetingChair},
			{UserID: r.observer, Role: jihat.MeetingObserver}, {UserID: r.absent, Role: jihat.MeetingMember}, {UserID: r.inactive, Role: jihat.MeetingMember}}}
	for _, v := range r.voters[1:] {
		m.Members = append(m.Members, jihat.MeetingSeat{UserID: v, Role: jihat.MeetingMember})
	}
	if _, err := s.CreateMeeting(ctx, m, act("meeting.create"), func(*store.MeetingTx) error { return nil }); err != nil {
		t.Fatal(err)
	}
	r.meeting = m.ID
	var edges []store.StayEdge
	for _, u := range append([]string{r.observer, r.inactive, r.outsider}, r.voters...) {
		edges = append(edges, store.StayEdge{UserID: u, Via: "ws", Join: true, Audit: act("meeting.join")})
	}
	if _, err := s.RecordStays(ctx, m.ID, edges); err != nil {
		t.Fatal(err)
	}
	if err := s.SetActive(ctx, r.inactive, false, act("user.deactivate")); err != nil {
		t.Fatal(err)
	}
	_, _, err := s.UpdateMeeting(ctx, m.ID, act("motion.open"), func(mt *store.MeetingTx) error {
		mo := &jihat.Motion{Title: "اعتماد", Secret: secret, CreatedBy: r.chairID}
		if err := mt.InsertMotion(mo); err != nil {
			return err
		}
		now := mt.Now
		mo.Status, mo.OpenedAt, mo.Tally.Version = jihat.MotionOpen, &now, 1
		r.motion = mo.ID
		return mt.SaveMotion(mo)
	})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func cast(u string, c jihat.Choice) store.VoteCast {
	return store.VoteCast{UserID: u, Choice: c, Audit: jihat.AuditEntry{IP: "192.0.2.9", UserAgent: "votes-test", Details: `{"via":"ws"}`}}
}

// TestCastVotes: one batch mixing votes that count (one voter twice: the
// last choice counts, each cast is audited with its choice) and refusals
// (observer, absent, deactivated, outsider) stores each voter once, words
// each refusal, raises the version once and leaves the audit chain whole;
// a vote after the close is refused.
func TestCastVotes(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r := newVoteRoom(t, s, 3, false)
		before := auditCount(t, s)
		v := r.voters
		casts := []store.VoteCast{cast(v[0], jihat.ChoiceAccept), cast(r.observer, jihat.ChoiceAccept), cast(v[1], jihat.ChoiceReject),
			cast(r.absent, jihat.ChoiceAccept), cast(r.inactive, jihat.ChoiceAccept), cast(v[0], jihat.ChoiceAbstain),
			cast(r.outsider, jihat.ChoiceReject)}
		out, err := s.CastVotes(ctx, r.motion, casts)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"", "meeting_observer", "", "meeting_not_present", "meeting_not_member", "", "meeting_not_member"}
		for i, o := range out {
			if got := errKey(o.Err); got != want[i] {
				t.Errorf("cast %d: %v, want %q", i, o.Err, want[i])
			}
		}
		mo, err := s.Motion(ctx, r.motion)
		if err != nil {
			t.Fatal(err)
		}
		if len(mo.Votes) != 2 || mo.Votes[v[0]] != jihat.ChoiceAbstain || mo.Votes[v[1]] != jihat.ChoiceReject {
			t.Errorf("stored %v", mo.Votes)
		}
		if mo.Tally.Abstain != 1 || mo.Tally.Reject != 1 || mo.Tally.Voted != 2 || mo.Tally.Version != 2 {
			t.Errorf("tally %+v, want 1 abstain, 1 reject, version 2", mo.Tally)
		}
		// The tally's hold counts the votes a tally would carry.
		for _, c := range []struct {
			since   int64
			changed int
		}{{0, 2}, {1, 2}, {2, 0}} {
			v, n, locked, err := s.MotionBusy(ctx, r.motion, c.since)
			if err != nil || locked || v != 2 || n != c.changed {
				t.Errorf("MotionBusy since %d: version %d, %d changed, locked %v, %v; want 2, %d", c.since, v, n, locked, err, c.changed)
			}
		}
		if n := auditCount(t, s) - before; n != 3 {
			t.Errorf("%d audit entries, want 3 (one per vote that counted)", n)
		}
		log, err := s.AuditLog(ctx, 0, 3)
		if err != nil {
			t.Fatal(err)
		}
		choices := map[string]int{}
		for _, a := range log {
			if a.Action != "motion.vote" || a.Target != "motion:"+r.motion || a.IP != "192.0.2.9" || !strings.Contains(a.Details, `"via":"ws"`) {
				t.Errorf("audit %+v", a)
			}
			choices[a.ActorID+" "+a.Details[strings.Index(a.Details, `"choice"`):]]++
		}
		if len(choices) != 3 {
			t.Errorf("audited %v", choices)
		}
		// A batch of refusals only changes nothing.
		if out, err := s.CastVotes(ctx, r.motion, []store.VoteCast{cast(r.observer, jihat.ChoiceReject)}); err != nil || errKey(out[0].Err) != "meeting_observer" {
			t.Errorf("observer alone: %v %v", out, err)
		}
		if mo, _ := s.Motion(ctx, r.motion); mo.Tally.Version != 2 {
			t.Errorf("a refused batch raised the version to %d", mo.Tally.Version)
		}
		if err := closeMotion(ctx, s, r); err != nil {
			t.Fatal(err)
		}
		if out, err := s.CastVotes(ctx, r.motion, []store.VoteCast{cast(v[2], jihat.ChoiceAccept)}); err != nil || errKey(out[0].Err) != "meeting_motion_closed" {
			t.Errorf("after the close: %v %v", out, err)
		}
	})
}

// TestCastVotesTwoNodes: two stores on one database (two nodes) commit
// batches on one motion at once; every voter is stored once with their
// last choice, the version counts the batches, and the changes after any
// version are exactly the votes that batch and later ones wrote.
func TestCastVotesTwoNodes(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		nodes := []*store.Store{b.Open(t), b.Open(t)}
		r := newVoteRoom(t, nodes[0], 60, false)
		var wg sync.WaitGroup
		errs := make(chan error, 12)
		for g := range 12 { // 12 voters' groups of 5, alternating nodes; each votes accept, then reject
			wg.Go(func() {
				s := nodes[g%2]
				for _, c := range []jihat.Choice{jihat.ChoiceAccept, jihat.ChoiceReject} {
					var batch []store.VoteCast
					for _, u := range r.voters[g*5 : g*5+5] {
						batch = append(batch, cast(u, c))
					}
					out, err := s.CastVotes(ctx, r.motion, batch)
					if err == nil {
						for _, o := range out {
							err = cmpErr(err, o.Err)
						}
					}
					if err != nil {
						errs <- err
						return
					}
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Fatal(err)
		}
		mo, err := nodes[1].Motion(ctx, r.motion)
		if err != nil {
			t.Fatal(err)
		}
		if len(mo.Votes) != 60 || mo.Tally.Reject != 60 || mo.Tally.Voted != 60 || mo.Tally.Version != 1+24 {
			t.Fatalf("%d votes, tally %+v; want 60 rejects at version 25", len(mo.Votes), mo.Tally)
		}
		for _, u := range r.voters {
			if mo.Votes[u] != jihat.ChoiceReject {
				t.Fatalf("voter %s: %q", u, mo.Votes[u])
			}
		}
		// The 12 last batches (version 14..25 at the latest) rewrote every vote.
		if ch, err := nodes[0].MotionChanges(ctx, r.motion, 13); err != nil || len(ch.Votes) == 0 || len(ch.Votes)%5 != 0 {
			t.Errorf("changes after 13: %d, %v", len(ch.Votes), err)
		}
		if ch, _ := nodes[0].MotionChanges(ctx, r.motion, 25); len(ch.Votes) != 0 {
			t.Errorf("changes after the last version: %v", ch.Votes)
		}
	})
}

// TestCastVotesSecret: a secret ballot's batch goes its own way on both
// databases: receipts, counts only, a change needs the receipt.
func TestCastVotesSecret(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r := newVoteRoom(t, s, 2, true)
		out, err := s.CastVotes(ctx, r.motion, []store.VoteCast{cast(r.voters[0], jihat.ChoiceAccept), cast(r.voters[1], jihat.ChoiceReject),
			cast(r.observer, jihat.ChoiceAccept)})
		if err != nil || out[0].Err != nil || out[1].Err != nil || out[0].Receipt == "" || errKey(out[2].Err) != "meeting_observer" {
			t.Fatalf("%+v %v", out, err)
		}
		again := cast(r.voters[0], jihat.ChoiceReject)
		if o, _ := s.CastVotes(ctx, r.motion, []store.VoteCast{again}); errKey(o[0].Err) != "meeting_receipt_needed" {
			t.Errorf("a change without the receipt: %v", o[0].Err)
		}
		again.Receipt = out[0].Receipt
		if o, err := s.CastVotes(ctx, r.motion, []store.VoteCast{again}); err != nil || o[0].Err != nil {
			t.Fatalf("a change with the receipt: %v %v", o, err)
		}
		mo, err := s.Motion(ctx, r.motion)
		if err != nil || mo.Votes != nil || mo.Tally.Reject != 2 || mo.Tally.Accept != 0 || mo.Tally.Voted != 2 {
			t.Errorf("secret motion %+v (votes %v) %v", mo.Tally, mo.Votes, err)
		}
	})
}

// errKey is the message key of a domain error ("" for nil).
func errKey(err error) string {
	if err == nil {
		return ""
	}
	if e, ok := errors.AsType[*jihat.Error](err); ok {
		return e.Key
	}
	return err.Error()
}

func cmpErr(first, err error) error {
	if first != nil {
		return first
	}
	return err
}

// TestQuorumCounts: the voting members (chair, secretary, members; not
// the observer) and those of them present, each once however many stays
// they hold (a socket and a check-in); an outsider's or observer's stay
// and a closed stay do not count.
func TestQuorumCounts(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r := newVoteRoom(t, s, 3, false)
		check := func(wantPresent, wantEligible int) {
			t.Helper()
			present, eligible, err := s.QuorumCounts(ctx, r.meeting)
			if err != nil {
				t.Fatal(err)
			}
			if present != wantPresent || eligible != wantEligible {
				t.Errorf("present %d of %d, want %d of %d", present, eligible, wantPresent, wantEligible)
			}
		}
		// voting: the chair (voters[0]), absent, inactive, voters[1..2];
		// present: inactive and the three voters (observer, outsider too)
		check(4, 5)
		if _, err := s.Join(ctx, r.meeting, r.voters[1], "checkin", act("meeting.checkin")); err != nil {
			t.Fatal(err)
		}
		check(4, 5)
		if _, err := s.RecordStays(ctx, r.meeting, []store.StayEdge{{UserID: r.voters[2], Via: "ws", Audit: act("meeting.leave")}}); err != nil {
			t.Fatal(err)
		}
		check(3, 5)
		if _, err := s.RecordStays(ctx, r.meeting, []store.StayEdge{{UserID: r.voters[1], Via: "ws", Audit: act("meeting.leave")}}); err != nil {
			t.Fatal(err)
		}
		check(3, 5) // still checked in
	})
}
