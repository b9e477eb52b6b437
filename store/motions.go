package store

import (
	"context"
	"database/sql"

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

// MotionRef returns what never changes of motion id and a vote needs: its
// meeting and whether it is a secret ballot (one narrow row, no votes).
func (s *Store) MotionRef(ctx context.Context, id string) (meetingID string, secret bool, err error) {
	var r struct {
		MeetingID string
		Secret    bool
	}
	if err := s.db.WithContext(ctx).Model(&motionRow{}).Select("meeting_id, secret").Where("id = ?", id).Take(&r).Error; err != nil {
		return "", false, notFound(err)
	}
	return r.MeetingID, r.Secret, nil
}

// MotionBusy returns motion id's tally version, how many of its votes
// changed after tally version since (an open ballot's; a secret ballot's
// are counted apart, and 0 here), and whether a transaction holds its row
// lock now (a batch of votes being committed, on any node; the version
// and the count are then 0). One statement; on SQLite never locked (one
// node, whose own batcher knows).
func (s *Store) MotionBusy(ctx context.Context, id string, since int64) (version int64, changed int, locked bool, err error) {
	var rs []struct {
		Version int64
		Changed int
	}
	q := "SELECT m.version, (SELECT count(*) FROM votes v WHERE v.motion_id = m.id AND v.version > ?) AS changed FROM motions m WHERE m.id = ?"
	if s.postgre {
		q += " FOR SHARE OF m SKIP LOCKED"
	}
	err = s.db.WithContext(ctx).Raw(q, since, id).Scan(&rs).Error
	if err != nil || len(rs) == 0 {
		return 0, 0, err == nil && s.postgre, err
	}
	return rs[0].Version, rs[0].Changed, false, nil
}

// MotionChanges returns motion id with its tally like Motion, but with
// only the votes changed after tally version since in Votes (since 0:
// every vote). Everything is read from one snapshot of the database, so
// Votes holds exactly the changes up to the tally's version.
func (s *Store) MotionChanges(ctx context.Context, id string, since int64) (*jihat.Motion, error) {
	var mo *jihat.Motion
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var r motionRow
		if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
			return notFound(err)
		}
		var err error
		mo, err = s.motionSince(tx, r, since)
		return err
	}, &sql.TxOptions{Isolation: s.snapshotLevel(), ReadOnly: true})
	return mo, err
}

// snapshotLevel is the isolation level under which every statement of a
// transaction reads the same snapshot: repeatable read on PostgreSQL
// (SQLite's transactions always do).
func (s *Store) snapshotLevel() sql.IsolationLevel {
	if s.postgre {
		return sql.LevelRepeatableRead
	}
	return sql.LevelDefault
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
	return s.motionSince(db, r, 0)
}

// motionSince is motion with, for an open ballot, only the votes changed
// after tally version since (0: every vote).
func (s *Store) motionSince(db *gorm.DB, r motionRow, since int64) (*jihat.Motion, error) {
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
		q := db.Select("user_id, choice").Where("motion_id = ?", r.ID)
		if since > 0 {
			q = q.Where("version > ?", since)
		}
		if err := q.Find(&vs).Error; err != nil {
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
