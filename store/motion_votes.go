package store

// Casting votes: a batch of votes on one motion in one transaction, open and
// secret ballots, and the rules a vote must pass.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

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
