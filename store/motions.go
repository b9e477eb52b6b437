package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/json"
	"strings"
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

// castVotesTx records a batch of votes on motion id in one transaction: the
// motion row is locked, so votes of several nodes are applied one batch
// after the other. Each vote is checked alone (the motion open, the
// meeting not ended, the voter a voting member and present); a refused vote
// does not affect the others. An open ballot keeps one row per member and
// motion (the primary key), updated when the member changes their vote; a
// secret ballot marks the voter in ballot_voters and counts the choice in
// ballot_boxes (see the README). Whatever the batch's size, it costs a
// fixed handful of statements. It returns one outcome per cast.
func (s *Store) castVotesTx(ctx context.Context, id string, casts []VoteCast) ([]VoteOutcome, error) {
	out := make([]VoteOutcome, len(casts))
	err := s.tx(ctx, func(tx *gorm.DB) error {
		for i := range out {
			out[i] = VoteOutcome{}
		}
		var r motionRow
		if err := s.lock(tx).Where("id = ?", id).Take(&r).Error; err != nil {
			return notFound(err)
		}
		noteSecret(id, r.Secret)
		tx = tx.Session(&gorm.Session{NewDB: true})
		var m meetingRow
		if err := tx.Select("id, status").Where("id = ?", r.MeetingID).Take(&m).Error; err != nil {
			return err
		}
		ids := make([]string, len(casts))
		for i, c := range casts {
			ids[i] = c.UserID
		}
		// A deactivated account is no voter (a socket's vote reads no user
		// before its batch).
		var seats []meetingMemberRow
		if err := tx.Where("meeting_id = ? AND user_id IN ? AND user_id IN (SELECT id FROM users WHERE active)", r.MeetingID, ids).
			Find(&seats).Error; err != nil {
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
		b := &voteBatch{s: s, tx: tx, motionID: id, now: now, version: r.Version + 1}
		if r.Secret {
			if err := b.loadVoters(ids); err != nil {
				return err
			}
		}
		var audits []jihat.AuditEntry
		for i, c := range casts {
			if err := voteAllowed(r, jihat.MeetingStatus(m.Status), roles, present, c.UserID); err != nil {
				out[i].Err = err
				continue
			}
			if r.Secret {
				if err := b.secretVote(c, &out[i]); err != nil {
					return err
				}
			} else {
				b.openVote(c)
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
			audits = append(audits, a)
		}
		if len(audits) == 0 {
			return nil
		}
		if err := b.flush(); err != nil {
			return err
		}
		if err := s.appendAudits(tx, audits); err != nil {
			return err
		}
		return tx.Model(&motionRow{}).Where("id = ?", id).Update("version", gorm.Expr("version + 1")).Error
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// voteBatch gathers the writes of one batch of votes, applied by flush in
// a few statements.
type voteBatch struct {
	s        *Store
	tx       *gorm.DB
	motionID string
	now      time.Time
	version  int64 // the motion's version after this batch
	// open ballots: the last choice of each voter in the batch, in order
	openOrder []string
	open      map[string]jihat.Choice
	// secret ballots
	gens     map[string]int64 // voter → generation (known voters and new ones)
	newVoter map[string]bool  // voters first seen in this batch
	changers []string         // known voters who changed their vote
	delta    map[jihat.Choice]int
}

func (b *voteBatch) openVote(c VoteCast) {
	if b.open == nil {
		b.open = map[string]jihat.Choice{}
	}
	if _, ok := b.open[c.UserID]; !ok {
		b.openOrder = append(b.openOrder, c.UserID)
	}
	b.open[c.UserID] = c.Choice
}

func (b *voteBatch) loadVoters(ids []string) error {
	var rows []ballotVoterRow
	if err := b.tx.Where("motion_id = ? AND user_id IN ?", b.motionID, ids).Find(&rows).Error; err != nil {
		return err
	}
	b.gens, b.newVoter, b.delta = make(map[string]int64, len(ids)), map[string]bool{}, map[jihat.Choice]int{}
	for _, r := range rows {
		b.gens[r.UserID] = r.Generation
	}
	return nil
}

// secretVote counts one vote of a secret ballot. A first vote marks the voter;
// a change needs the receipt of the previous vote, moves one count and
// raises the voter's generation (an old receipt is refused). A refusal is
// set in o.Err.
func (b *voteBatch) secretVote(c VoteCast, o *VoteOutcome) error {
	key := b.s.receiptKey(b.motionID)
	gen, known := b.gens[c.UserID]
	switch {
	case !known:
		gen = 1
		b.newVoter[c.UserID] = true
	case c.Receipt == "":
		o.Err = jihat.Errorf(jihat.ECONFLICT, "meeting_receipt_needed")
		return nil
	default:
		prev, err := jihat.OpenReceipt(key, c.Receipt)
		if err != nil || prev.MotionID != b.motionID || prev.VoterID != c.UserID || prev.Generation != gen {
			o.Err = jihat.Invalid(map[string]string{"receipt": "meeting_bad_receipt"})
			return nil
		}
		b.delta[prev.Choice]--
		gen++
		if !b.newVoter[c.UserID] {
			b.changers = append(b.changers, c.UserID)
		}
	}
	b.gens[c.UserID] = gen
	b.delta[c.Choice]++
	var err error
	o.Receipt, err = jihat.SealReceipt(key, jihat.Receipt{MotionID: b.motionID, VoterID: c.UserID, Generation: gen, Choice: c.Choice})
	return err
}

// flush writes the batch.
func (b *voteBatch) flush() error {
	if len(b.openOrder) > 0 {
		var q strings.Builder
		args := make([]any, 0, 5*len(b.openOrder))
		q.WriteString("INSERT INTO votes (motion_id, user_id, choice, updated_at, version) VALUES ")
		for i, u := range b.openOrder {
			if i > 0 {
				q.WriteByte(',')
			}
			q.WriteString("(?, ?, ?, ?, ?)")
			args = append(args, b.motionID, u, string(b.open[u]), b.now, b.version)
		}
		q.WriteString(" ON CONFLICT (motion_id, user_id) DO UPDATE SET choice = excluded.choice, updated_at = excluded.updated_at, version = excluded.version")
		if err := b.tx.Exec(q.String(), args...).Error; err != nil {
			return err
		}
	}
	if b.delta == nil {
		return nil
	}
	if len(b.newVoter) > 0 {
		rows := make([]ballotVoterRow, 0, len(b.newVoter))
		for u := range b.newVoter { // map order: the rows carry no trace of the voting order
			rows = append(rows, ballotVoterRow{MotionID: b.motionID, UserID: u, Generation: b.gens[u]})
		}
		if err := b.tx.CreateInBatches(rows, 500).Error; err != nil {
			return err
		}
	}
	if len(b.changers) > 0 {
		if err := b.tx.Model(&ballotVoterRow{}).Where("motion_id = ? AND user_id IN ?", b.motionID, b.changers).
			Update("generation", gorm.Expr("generation + 1")).Error; err != nil {
			return err
		}
	}
	if err := b.tx.Exec(`INSERT INTO ballot_boxes (motion_id, accept, reject, abstain) VALUES (?, 0, 0, 0) ON CONFLICT (motion_id) DO NOTHING`, b.motionID).Error; err != nil {
		return err
	}
	return b.tx.Exec(`UPDATE ballot_boxes SET accept = accept + ?, reject = reject + ?, abstain = abstain + ? WHERE motion_id = ?`,
		b.delta[jihat.ChoiceAccept], b.delta[jihat.ChoiceReject], b.delta[jihat.ChoiceAbstain], b.motionID).Error
}

// appendAudits writes entries, unlinked, inside tx in one insert, as
// appendAudit does one: the chainer links them after commit, so a batch of
// votes or arrivals never waits on the audit chain.
func (s *Store) appendAudits(tx *gorm.DB, entries []jihat.AuditEntry) error {
	at := s.now().UTC().Truncate(time.Microsecond)
	rows := make([]auditPendingRow, len(entries))
	for i, e := range entries {
		if e.Details == "" {
			e.Details = "{}"
		}
		rows[i] = auditPendingRow{ActorID: e.ActorID, Action: e.Action, Target: e.Target, IP: e.IP, UserAgent: e.UserAgent,
			Details: e.Details, At: at}
	}
	s.chainer.start(s)
	if f, ok := tx.Statement.Context.Value(auditFlagKey{}).(*bool); ok {
		*f = true // s.tx kicks the chainer after commit
	}
	return tx.CreateInBatches(rows, 500).Error
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

// mergeDetail adds key: value to a JSON object held as text.
func mergeDetail(details, key, value string) string {
	m := map[string]any{}
	_ = json.Unmarshal([]byte(details), &m)
	m[key] = value
	b, _ := json.Marshal(m)
	return string(b)
}
