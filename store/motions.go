package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// InsertMotion adds a draft motion to the meeting.
func (m *MeetingTx) InsertMotion(mo *jihat.Motion) error {
	mo.ID, mo.MeetingID, mo.Status, mo.CreatedAt = newID(), m.Meeting.ID, jihat.MotionDraft, m.Now
	return m.tx.Create(&motionRow{ID: mo.ID, MeetingID: mo.MeetingID, AgendaItemID: ptr(mo.AgendaItemID), Title: mo.Title,
		Secret: mo.Secret, Status: string(mo.Status), CreatedBy: mo.CreatedBy, CreatedAt: mo.CreatedAt}).Error
}

// LockMotion loads a motion of this meeting under a row lock, with its
// tally.
func (m *MeetingTx) LockMotion(id string) (*jihat.Motion, error) {
	var r motionRow
	if err := m.s.lock(m.tx).Where("id = ? AND meeting_id = ?", id, m.Meeting.ID).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	return m.s.motion(m.tx, r)
}

// SaveMotion writes the motion's status, result, version and, once closed,
// its frozen tally.
func (m *MeetingTx) SaveMotion(mo *jihat.Motion) error {
	t := mo.Tally
	return m.tx.Model(&motionRow{}).Where("id = ?", mo.ID).Updates(map[string]any{
		"status": string(mo.Status), "result": string(mo.Result), "version": t.Version, "opened_at": mo.OpenedAt,
		"closed_at": mo.ClosedAt, "accept": t.Accept, "reject": t.Reject, "abstain": t.Abstain, "voted": t.Voted,
		"eligible": t.Eligible, "present": t.Present,
	}).Error
}

// OpenMotions returns the motions of the meeting that are open, locked.
func (m *MeetingTx) OpenMotions() ([]*jihat.Motion, error) {
	var rows []motionRow
	if err := m.s.lock(m.tx).Where("meeting_id = ? AND status = ?", m.Meeting.ID, string(jihat.MotionOpen)).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*jihat.Motion, 0, len(rows))
	for _, r := range rows {
		mo, err := m.s.motion(m.tx, r)
		if err != nil {
			return nil, err
		}
		out = append(out, mo)
	}
	return out, nil
}

// CloseAttendance ends every open stay (the meeting closes).
func (m *MeetingTx) CloseAttendance() error { return m.s.closeAttendance(m.tx, m.Meeting.ID, m.Now) }

// Motion returns motion id with its tally (live while open, frozen once
// closed) and, for an open ballot, who voted what.
func (s *Store) Motion(ctx context.Context, id string) (*jihat.Motion, error) {
	var r motionRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	return s.motion(s.db.WithContext(ctx), r)
}

// Motions returns the motions of a meeting, oldest first, with tallies.
func (s *Store) Motions(ctx context.Context, meetingID string) ([]*jihat.Motion, error) {
	var rows []motionRow
	if err := s.db.WithContext(ctx).Where("meeting_id = ?", meetingID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*jihat.Motion, 0, len(rows))
	for _, r := range rows {
		mo, err := s.motion(s.db.WithContext(ctx), r)
		if err != nil {
			return nil, err
		}
		out = append(out, mo)
	}
	return out, nil
}

func (s *Store) motion(db *gorm.DB, r motionRow) (*jihat.Motion, error) {
	db = db.Session(&gorm.Session{NewDB: true})
	mo := &jihat.Motion{ID: r.ID, MeetingID: r.MeetingID, AgendaItemID: deref(r.AgendaItemID), Title: r.Title, Secret: r.Secret,
		Status: jihat.MotionStatus(r.Status), Result: jihat.MotionResult(r.Result), OpenedAt: r.OpenedAt, ClosedAt: r.ClosedAt,
		CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt}
	if mo.Status == jihat.MotionClosed {
		mo.Tally = jihat.Tally{Accept: r.Accept, Reject: r.Reject, Abstain: r.Abstain, Voted: r.Voted, Eligible: r.Eligible,
			Present: r.Present, Version: r.Version}
	} else {
		t, err := s.liveTally(db, r.MeetingID, r.ID, r.Secret)
		if err != nil {
			return nil, err
		}
		t.Version = r.Version
		mo.Tally = t
	}
	if !mo.Secret && mo.Status != jihat.MotionDraft {
		var vs []voteRow
		if err := db.Where("motion_id = ?", r.ID).Find(&vs).Error; err != nil {
			return nil, err
		}
		mo.Votes = make(map[string]jihat.Choice, len(vs))
		for _, v := range vs {
			mo.Votes[v.UserID] = jihat.Choice(v.Choice)
		}
	}
	return mo, nil
}

// liveTally counts the votes of a motion and the voting members of its
// meeting, eligible and present.
func (s *Store) liveTally(db *gorm.DB, meetingID, motionID string, secret bool) (jihat.Tally, error) {
	var t jihat.Tally
	if secret {
		var box ballotBoxRow
		res := db.Where("motion_id = ?", motionID).Limit(1).Find(&box)
		if res.Error != nil {
			return t, res.Error
		}
		t.Add(jihat.ChoiceAccept, box.Accept)
		t.Add(jihat.ChoiceReject, box.Reject)
		t.Add(jihat.ChoiceAbstain, box.Abstain)
	} else {
		var counts []struct {
			Choice string
			N      int
		}
		if err := db.Model(&voteRow{}).Select("choice, COUNT(*) AS n").Where("motion_id = ?", motionID).Group("choice").Scan(&counts).Error; err != nil {
			return t, err
		}
		for _, c := range counts {
			t.Add(jihat.Choice(c.Choice), c.N)
		}
	}
	var err error
	t.Present, t.Eligible, err = s.quorumCounts(db, meetingID)
	return t, err
}

// receiptKey derives the key that seals the secret-ballot receipts of one
// motion from the store's data key; nothing about it is stored.
func (s *Store) receiptKey(motionID string) []byte {
	h := hmac.New(sha256.New, s.crypt.indexKey)
	h.Write([]byte("ballot-receipt:" + motionID))
	return h.Sum(nil)
}

// VoteCast is one member's vote, as sent.
type VoteCast struct {
	UserID  string
	Choice  jihat.Choice
	Receipt string           // secret ballots: the receipt of the previous vote, to change it
	Audit   jihat.AuditEntry // who, from where; Action and Target are set here
}

// VoteOutcome is the answer to one VoteCast: an error, or success with, for
// a secret ballot, the voter's new receipt.
type VoteOutcome struct {
	Err     error
	Receipt string
}

// CastVotes records a batch of votes on motion id in one transaction: the
// motion row is locked, so votes of several nodes are applied one batch
// after the other. Each vote is checked alone (the motion open, the
// meeting not ended, the voter a voting member and present); a refused vote
// does not affect the others. An open ballot keeps one row per member and
// motion (the primary key), updated when the member changes their vote; a
// secret ballot marks the voter in ballot_voters and counts the choice in
// ballot_boxes (see the README). It returns one outcome per cast and the
// motion with its tally after the batch.
func (s *Store) CastVotes(ctx context.Context, id string, casts []VoteCast) ([]VoteOutcome, *jihat.Motion, error) {
	out := make([]VoteOutcome, len(casts))
	var motion *jihat.Motion
	err := s.tx(ctx, func(tx *gorm.DB) error {
		for i := range out {
			out[i] = VoteOutcome{}
		}
		var r motionRow
		if err := s.lock(tx).Where("id = ?", id).Take(&r).Error; err != nil {
			return notFound(err)
		}
		tx = tx.Session(&gorm.Session{NewDB: true})
		var m meetingRow
		if err := tx.Select("id, status").Where("id = ?", r.MeetingID).Take(&m).Error; err != nil {
			return err
		}
		ids := make([]string, len(casts))
		for i, c := range casts {
			ids[i] = c.UserID
		}
		var seats []meetingMemberRow
		if err := tx.Where("meeting_id = ? AND user_id IN ?", r.MeetingID, ids).Find(&seats).Error; err != nil {
			return err
		}
		roles := make(map[string]jihat.MeetingRole, len(seats))
		for _, x := range seats {
			roles[x.UserID] = jihat.MeetingRole(x.Role)
		}
		var here []string
		if err := tx.Model(&attendanceRow{}).Where("meeting_id = ? AND left_at IS NULL AND user_id IN ?", r.MeetingID, ids).
			Distinct("user_id").Pluck("user_id", &here).Error; err != nil {
			return err
		}
		present := make(map[string]bool, len(here))
		for _, u := range here {
			present[u] = true
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		accepted := 0
		for i, c := range casts {
			if err := voteAllowed(r, jihat.MeetingStatus(m.Status), roles, present, c.UserID); err != nil {
				out[i].Err = err
				continue
			}
			var err error
			if r.Secret {
				out[i].Receipt, err = s.secretVote(tx, id, c, &out[i])
			} else {
				err = tx.Exec(`INSERT INTO votes (motion_id, user_id, choice, updated_at) VALUES (?, ?, ?, ?)
ON CONFLICT (motion_id, user_id) DO UPDATE SET choice = excluded.choice, updated_at = excluded.updated_at`,
					id, c.UserID, string(c.Choice), now).Error
			}
			if err != nil {
				return err
			}
			if out[i].Err != nil {
				continue
			}
			a := c.Audit
			a.ActorID, a.Action, a.Target = c.UserID, "motion.vote", "motion:"+id
			if a.Details == "" {
				a.Details = "{}"
			}
			if !r.Secret { // an open ballot's choice is public; a secret one's never reaches the log
				a.Details = mergeDetail(a.Details, "choice", string(c.Choice))
			}
			if err := s.appendAudit(tx, a); err != nil {
				return err
			}
			accepted++
		}
		if accepted > 0 {
			r.Version++
			if err := tx.Model(&motionRow{}).Where("id = ?", id).Update("version", r.Version).Error; err != nil {
				return err
			}
		}
		var err error
		motion, err = s.motion(tx, r)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return out, motion, nil
}

func voteAllowed(r motionRow, meeting jihat.MeetingStatus, roles map[string]jihat.MeetingRole, present map[string]bool, userID string) error {
	role, member := roles[userID]
	switch {
	case !member:
		return jihat.Errorf(jihat.EFORBIDDEN, "meeting_not_member")
	case !role.Votes():
		return jihat.Errorf(jihat.EFORBIDDEN, "meeting_observer")
	case meeting.Ended() || r.Status == string(jihat.MotionClosed):
		return jihat.Errorf(jihat.ECONFLICT, "meeting_motion_closed")
	case r.Status != string(jihat.MotionOpen):
		return jihat.Errorf(jihat.ECONFLICT, "meeting_motion_not_open")
	case !present[userID]:
		return jihat.Errorf(jihat.EFORBIDDEN, "meeting_not_present")
	}
	return nil
}

// secretVote records one vote of a secret ballot. A first vote marks the
// voter and counts the choice; a change needs the receipt of the previous
// vote, moves one count and raises the voter's generation. A refusal is
// set in o.Err with nothing written.
func (s *Store) secretVote(tx *gorm.DB, motionID string, c VoteCast, o *VoteOutcome) (string, error) {
	key := s.receiptKey(motionID)
	var voter ballotVoterRow
	res := tx.Where("motion_id = ? AND user_id = ?", motionID, c.UserID).Limit(1).Find(&voter)
	if res.Error != nil {
		return "", res.Error
	}
	gen := int64(1)
	if res.RowsAffected == 0 {
		if err := tx.Create(&ballotVoterRow{MotionID: motionID, UserID: c.UserID, Generation: 1}).Error; err != nil {
			return "", err
		}
		if err := tx.Exec(`INSERT INTO ballot_boxes (motion_id, accept, reject, abstain) VALUES (?, 0, 0, 0) ON CONFLICT (motion_id) DO NOTHING`, motionID).Error; err != nil {
			return "", err
		}
	} else {
		if c.Receipt == "" {
			o.Err = jihat.Errorf(jihat.ECONFLICT, "meeting_receipt_needed")
			return "", nil
		}
		prev, err := jihat.OpenReceipt(key, c.Receipt)
		if err != nil || prev.MotionID != motionID || prev.VoterID != c.UserID || prev.Generation != voter.Generation {
			o.Err = jihat.Invalid(map[string]string{"receipt": "meeting_bad_receipt"})
			return "", nil
		}
		gen = voter.Generation + 1
		if err := tx.Model(&ballotVoterRow{}).Where("motion_id = ? AND user_id = ?", motionID, c.UserID).Update("generation", gen).Error; err != nil {
			return "", err
		}
		if err := tx.Exec("UPDATE ballot_boxes SET "+string(prev.Choice)+" = "+string(prev.Choice)+" - 1 WHERE motion_id = ?", motionID).Error; err != nil {
			return "", err
		}
	}
	if err := tx.Exec("UPDATE ballot_boxes SET "+string(c.Choice)+" = "+string(c.Choice)+" + 1 WHERE motion_id = ?", motionID).Error; err != nil {
		return "", err
	}
	return jihat.SealReceipt(key, jihat.Receipt{MotionID: motionID, VoterID: c.UserID, Generation: gen, Choice: c.Choice})
}

// mergeDetail adds key: value to a JSON object held as text.
func mergeDetail(details, key, value string) string {
	m := map[string]any{}
	_ = json.Unmarshal([]byte(details), &m)
	m[key] = value
	b, _ := json.Marshal(m)
	return string(b)
}
