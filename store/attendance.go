package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// Join records that userID arrived in meeting id via "ws" or "checkin",
// unless they already have an open stay by that way; changed reports a new
// stay. A meeting that ended takes no more arrivals (ECONFLICT).
func (s *Store) Join(ctx context.Context, id, userID, via string, a jihat.AuditEntry) (changed bool, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		var m meetingRow
		if err := tx.Select("id, status").Where("id = ?", id).Take(&m).Error; err != nil {
			return notFound(err)
		}
		if jihat.MeetingStatus(m.Status).Ended() {
			return jihat.Errorf(jihat.ECONFLICT, "meeting_ended")
		}
		var n int64
		if err := tx.Model(&attendanceRow{}).Where("meeting_id = ? AND user_id = ? AND via = ? AND left_at IS NULL", id, userID, via).
			Count(&n).Error; err != nil || n > 0 {
			return err
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		if err := tx.Create(&attendanceRow{ID: newID(), MeetingID: id, UserID: userID, Via: via, JoinedAt: now}).Error; err != nil {
			return err
		}
		a.Target = "meeting:" + id
		changed = true
		return s.appendAudit(tx, a)
	})
	return changed, err
}

// Leave closes userID's open stays in meeting id by way via ("" = every
// way); changed reports whether one was open.
func (s *Store) Leave(ctx context.Context, id, userID, via string, a jihat.AuditEntry) (changed bool, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&attendanceRow{}).Where("meeting_id = ? AND user_id = ? AND left_at IS NULL", id, userID)
		if via != "" {
			q = q.Where("via = ?", via)
		}
		res := q.Update("left_at", s.now().UTC().Truncate(time.Microsecond))
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		a.Target = "meeting:" + id
		changed = true
		return s.appendAudit(tx, a)
	})
	return changed, err
}

// Attendance returns every stay in meeting id, in order of arrival.
func (s *Store) Attendance(ctx context.Context, id string) ([]jihat.Attendance, error) {
	var rows []attendanceRow
	if err := s.db.WithContext(ctx).Where("meeting_id = ?", id).Order("joined_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]jihat.Attendance, len(rows))
	for i, r := range rows {
		out[i] = jihat.Attendance{UserID: r.UserID, Via: r.Via, JoinedAt: r.JoinedAt.UTC(), LeftAt: r.LeftAt}
	}
	return out, nil
}

// Present returns the users present in meeting id now (an open stay).
func (s *Store) Present(ctx context.Context, id string) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&attendanceRow{}).Distinct("user_id").
		Where("meeting_id = ? AND left_at IS NULL", id).Order("user_id").Pluck("user_id", &ids).Error
	return ids, err
}

// IsPresent reports whether userID has an open stay in meeting id.
func (s *Store) IsPresent(ctx context.Context, id, userID string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&attendanceRow{}).
		Where("meeting_id = ? AND user_id = ? AND left_at IS NULL", id, userID).Count(&n).Error
	return n > 0, err
}

// quorumCounts returns the voting members of meeting id and how many of
// them are present, inside tx.
//
// Two reads of one index range each (the members' primary key, the open
// stays' index), matched here, rather than one join: with the planner's
// statistics taken before a thousand members arrived (autovacuum analyzes
// on its own clock), PostgreSQL planned that join as a nested loop that
// read every member again for each present one (a million rows for a room
// of a thousand: 150–290 ms, on every tally; the 1,000-member benchmark's
// "vote → every attendee" was 170–260 ms in such runs, 40–70 in the
// others). Each read here costs the same whatever the plan.
func (s *Store) quorumCounts(tx *gorm.DB, id string) (present, eligible int, err error) {
	voting := []string{string(jihat.MeetingChair), string(jihat.MeetingSecretary), string(jihat.MeetingMember)}
	var members, here []string
	if err = tx.Model(&meetingMemberRow{}).Where("meeting_id = ? AND role IN ?", id, voting).Pluck("user_id", &members).Error; err != nil {
		return 0, 0, err
	}
	if err = tx.Model(&attendanceRow{}).Where("meeting_id = ? AND left_at IS NULL", id).Pluck("user_id", &here).Error; err != nil {
		return 0, 0, err
	}
	in := make(map[string]struct{}, len(here)) // a member checked in and on a socket has two stays
	for _, u := range here {
		in[u] = struct{}{}
	}
	for _, u := range members {
		if _, ok := in[u]; ok {
			present++
		}
	}
	return present, len(members), nil
}

// QuorumCounts returns the voting members of meeting id and how many of
// them are present now.
func (s *Store) QuorumCounts(ctx context.Context, id string) (present, eligible int, err error) {
	return s.quorumCounts(s.db.WithContext(ctx), id)
}

// CloseAttendance closes every open stay of meeting id (at its close).
func (s *Store) closeAttendance(tx *gorm.DB, id string, now time.Time) error {
	return tx.Model(&attendanceRow{}).Where("meeting_id = ? AND left_at IS NULL", id).Update("left_at", now).Error
}

// StayEdge is one arrival or departure of a user in a meeting's room, for
// RecordStays.
type StayEdge struct {
	UserID string
	Via    string // ws or checkin
	Join   bool
	Audit  jihat.AuditEntry // who, from where; Action and Target are set here
}

// RecordStays applies the edges of meeting id in order in one transaction
// (the room's arrivals that come together, as a group commit): an
// arrival opens a stay unless the user has one open by that way, a
// departure closes it; an arrival in a meeting that ended changes
// nothing. It returns, for each edge, whether it changed attendance; each
// change is audited, all in one insert.
func (s *Store) RecordStays(ctx context.Context, id string, edges []StayEdge) (changed []bool, err error) {
	err = s.tx(ctx, func(tx *gorm.DB) error {
		changed = make([]bool, len(edges))
		var m meetingRow
		if err := tx.Select("id, status").Where("id = ?", id).Take(&m).Error; err != nil {
			return notFound(err)
		}
		ended := jihat.MeetingStatus(m.Status).Ended()
		users := make([]string, 0, len(edges))
		for _, e := range edges {
			users = append(users, e.UserID)
		}
		var open []attendanceRow
		if err := tx.Select("user_id, via").Where("meeting_id = ? AND left_at IS NULL AND user_id IN ?", id, users).
			Find(&open).Error; err != nil {
			return err
		}
		type stay struct{ user, via string }
		isOpen := make(map[stay]bool, len(open))
		for _, r := range open {
			isOpen[stay{r.UserID, r.Via}] = true
		}
		now := s.now().UTC().Truncate(time.Microsecond)
		var inserts []attendanceRow
		fresh := map[stay]int{} // stays opened in this batch → their index in inserts
		var audits []jihat.AuditEntry
		closes := map[string][]string{} // via → users whose open stay closes
		for i, e := range edges {
			k := stay{e.UserID, e.Via}
			switch {
			case e.Join && !ended && !isOpen[k]:
				fresh[k] = len(inserts)
				inserts = append(inserts, attendanceRow{ID: newID(), MeetingID: id, UserID: e.UserID, Via: e.Via, JoinedAt: now})
				e.Audit.Action = "meeting.join"
			case !e.Join && isOpen[k]:
				if j, ok := fresh[k]; ok { // opened in this batch: insert it closed
					inserts[j].LeftAt = &now
					delete(fresh, k)
				} else {
					closes[e.Via] = append(closes[e.Via], e.UserID)
				}
				e.Audit.Action = "meeting.leave"
			default:
				continue
			}
			isOpen[k] = e.Join
			changed[i] = true
			e.Audit.ActorID, e.Audit.Target = e.UserID, "meeting:"+id
			audits = append(audits, e.Audit)
		}
		if len(audits) == 0 {
			return nil
		}
		// Close first: a user who left and came back in this batch has a
		// closed stay and a new open one.
		for via, us := range closes {
			if err := tx.Model(&attendanceRow{}).Where("meeting_id = ? AND via = ? AND left_at IS NULL AND user_id IN ?", id, via, us).
				Update("left_at", now).Error; err != nil {
				return err
			}
		}
		if len(inserts) > 0 {
			if err := tx.CreateInBatches(inserts, 500).Error; err != nil {
				return err
			}
		}
		return s.appendAudits(tx, audits)
	})
	return changed, err
}
