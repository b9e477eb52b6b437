package server

import (
	"context"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// CreateMotion drafts a motion in a meeting, optionally on an agenda item
// (the chair, the secretary or an admin).
func (s *Server) CreateMotion(ctx context.Context, u *jihat.User, a jihat.AuditEntry, meetingID, itemID, title string, secret bool) (*jihat.Motion, error) {
	fields := map[string]string{}
	title = jihat.ValidateTitle(fields, "title", title, jihat.MaxMotionTitle)
	if len(fields) > 0 {
		return nil, jihat.Invalid(fields)
	}
	mo := &jihat.Motion{AgendaItemID: itemID, Title: title, Secret: secret, CreatedBy: u.ID}
	a.Action = "motion.create"
	a.Details = mustJSON(map[string]any{"title": title, "secret": secret})
	m, events, err := s.store.UpdateMeeting(ctx, meetingID, a, func(mt *store.MeetingTx) error {
		m := mt.Meeting
		if err := mayRun(u, m); err != nil {
			return err
		}
		if m.Status.Ended() {
			return jihat.Errorf(jihat.ECONFLICT, "meeting_ended")
		}
		if itemID != "" && agendaItem(m, itemID) == nil {
			return jihat.Invalid(map[string]string{"agenda_item_id": "meeting_bad_agenda_item"})
		}
		if err := mt.InsertMotion(mo); err != nil {
			return err
		}
		return mt.Event("motion.created", u.ID, motionSummary(mo))
	})
	if err != nil {
		return nil, err
	}
	s.motionCache.put(mo)
	s.publishMeeting(ctx, m, events)
	return mo, nil
}

// motionSummary is the data of a motion's events: never a secret
// ballot's choices (a closed motion's counts are public).
func motionSummary(mo *jihat.Motion) map[string]any {
	d := map[string]any{"motion_id": mo.ID, "title": mo.Title, "secret": mo.Secret, "status": mo.Status,
		"agenda_item_id": mo.AgendaItemID}
	if mo.Status == jihat.MotionClosed {
		d["result"], d["tally"] = mo.Result, mo.Tally
	}
	return d
}

// MotionAction opens or closes a motion (the chair, the secretary or an
// admin). Both are idempotent: opening an open motion or closing a closed
// one answers the motion as it is. Closing freezes the eligible and
// present voting members and the tally, and computes the result under the
// meeting's rules.
func (s *Server) MotionAction(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id, action string) (*jihat.Motion, error) {
	mo0, err := s.store.Motion(ctx, id)
	if err != nil {
		return nil, err
	}
	a.Action = "motion." + action
	a.Target = "motion:" + id
	var mo *jihat.Motion
	m, events, err := s.store.UpdateMeeting(ctx, mo0.MeetingID, a, func(mt *store.MeetingTx) error {
		m := mt.Meeting
		if err := mayRun(u, m); err != nil {
			return err
		}
		var err error
		if mo, err = mt.LockMotion(id); err != nil {
			return err
		}
		switch {
		case action == "open" && mo.Status == jihat.MotionDraft:
			if m.Status.Ended() {
				return jihat.Errorf(jihat.ECONFLICT, "meeting_ended")
			}
			now := mt.Now
			mo.Status, mo.OpenedAt = jihat.MotionOpen, &now
			mo.Tally.Version++
			if m.Status == jihat.MeetingScheduled { // the first vote starts the meeting
				m.Status, m.StartedAt = jihat.MeetingStarted, &now
			}
			if err := mt.SaveMotion(mo); err != nil {
				return err
			}
			return mt.Event("motion.opened", u.ID, motionSummary(mo))
		case action == "close" && mo.Status == jihat.MotionOpen:
			return s.closeMotion(mt, u, mo)
		case action == "close" && mo.Status == jihat.MotionDraft:
			return jihat.Errorf(jihat.ECONFLICT, "meeting_motion_not_open")
		case action == "open" && mo.Status == jihat.MotionClosed:
			return jihat.Errorf(jihat.ECONFLICT, "meeting_motion_closed")
		}
		return nil // already as asked
	})
	if err != nil {
		return nil, err
	}
	s.motionCache.put(mo)
	s.publishMeeting(ctx, m, events)
	if len(events) > 0 {
		if mo.Status == jihat.MotionClosed {
			s.tallies.final(ctx, mo)
		} else {
			s.tallies.changed(mo.ID)
		}
	}
	return mo, nil
}

// closeMotion freezes mo inside mt: its tally (with the eligible and
// present voting members now) and its result.
func (s *Server) closeMotion(mt *store.MeetingTx, u *jihat.User, mo *jihat.Motion) error {
	now := mt.Now
	mo.Status, mo.ClosedAt = jihat.MotionClosed, &now
	mo.Tally.Version++
	mo.Result = jihat.Decide(mt.Meeting.Quorum, mt.Meeting.Result, mo.Tally)
	if err := mt.SaveMotion(mo); err != nil {
		return err
	}
	return mt.Event("motion.closed", u.ID, motionSummary(mo))
}

// voteResult is the answer to a vote: the motion, and for a secret ballot
// the voter's receipt (theirs alone; it proves their choice if they change
// it). It never carries a secret ballot's choice.
type voteResult struct {
	MotionID string `json:"motion_id"`
	Choice   string `json:"choice,omitempty"` // open ballots only
	Receipt  string `json:"receipt,omitempty"`
}

// Vote records u's choice on motion id. Votes of many members arriving at
// once are committed together (the voteBatcher); each is checked alone.
// A vote by an observer, a non-member, someone not present, or after the
// motion closed is refused with a coded error.
func (s *Server) Vote(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id, choice, receipt string) (*voteResult, error) {
	return s.castVote(ctx, u.ID, u, a, id, choice, receipt)
}

// castVote is Vote for userID; u is the user when already read (REST), nil
// for a socket's vote: it is read only when the vote is refused.
func (s *Server) castVote(ctx context.Context, userID string, u *jihat.User, a jihat.AuditEntry, id, choice, receipt string) (*voteResult, error) {
	c, err := jihat.ParseChoice(choice)
	if err != nil {
		return nil, err
	}
	if len(receipt) > 512 {
		return nil, jihat.Invalid(map[string]string{"receipt": "meeting_bad_receipt"})
	}
	// The batch's transaction checks the voter (member, voting seat,
	// present, motion open) and writes nothing for a refused vote, so the
	// seat is read here only to word a refusal: an outsider must not learn
	// that the motion exists (one query less per vote in a storm).
	ref, err := s.motionCache.get(ctx, s.store, id)
	if err != nil {
		return nil, err
	}
	a.ActorID = userID
	o, err := s.votes.cast(ctx, id, store.VoteCast{UserID: userID, Choice: c, Receipt: receipt, Audit: a})
	if err != nil {
		return nil, err
	}
	if o.Err != nil {
		if u == nil {
			if u, err = s.store.UserByID(ctx, userID); store.Unavailable(err) {
				return nil, err
			} else if err != nil || !u.Active {
				return nil, jihat.Errorf(jihat.EUNAUTHORIZED, "unauthorized")
			}
		}
		if _, _, err := s.motionMeeting(ctx, u, id); err != nil {
			return nil, err
		}
		return nil, o.Err
	}
	r := &voteResult{MotionID: id, Receipt: o.Receipt}
	if !ref.secret {
		r.Choice = string(c)
	}
	return r, nil
}

// motionMeeting returns the meeting of motion id and whether the motion is
// a secret ballot, hiding both from whoever may not see the meeting.
func (s *Server) motionMeeting(ctx context.Context, u *jihat.User, id string) (string, bool, error) {
	mo, err := s.motionCache.get(ctx, s.store, id)
	if err != nil {
		return "", false, err
	}
	entityID, _, seat, member, err := s.store.MeetingSeat(ctx, mo.meetingID, u.ID)
	if err != nil {
		return "", false, err
	}
	if !member {
		if canAdminMeetings(u, entityID) {
			return "", false, jihat.Errorf(jihat.EFORBIDDEN, "meeting_not_member")
		}
		return "", false, hidden()
	}
	if !seat.Role.Votes() {
		return "", false, jihat.Errorf(jihat.EFORBIDDEN, "meeting_observer")
	}
	return mo.meetingID, mo.secret, nil
}

// Motion returns a motion to those who may see its meeting.
func (s *Server) Motion(ctx context.Context, u *jihat.User, id string) (*jihat.Motion, error) {
	mo, err := s.store.Motion(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.Meeting(ctx, u, mo.MeetingID); err != nil {
		return nil, err
	}
	return mo, nil
}

// voteTimeout bounds one vote batch's transaction.
const voteTimeout = 20 * time.Second
