package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/jihat/jihat"
)

// MeetingTx is one change to one meeting inside one transaction, like
// CaseTx: the service changes Meeting and records events and notifications;
// the store saves the meeting (its members and agenda when marked changed),
// appends the audit entry and commits, or writes nothing on error.
type MeetingTx struct {
	s              *Store
	tx             *gorm.DB
	Meeting        *jihat.Meeting
	Now            time.Time
	MembersChanged bool // replace the member rows from Meeting.Members
	AgendaChanged  bool // replace the agenda rows from Meeting.Agenda
	events         []jihat.MeetingEvent
}

// Event appends a durable event to the meeting's channel with the next
// sequence number of that channel. data is marshalled to JSON.
func (m *MeetingTx) Event(typ, actorID string, data any) error {
	ev, err := m.s.meetingEvent(m.tx, m.Meeting, typ, actorID, data, m.Now)
	if err != nil {
		return err
	}
	m.events = append(m.events, ev)
	return nil
}

// Notify records the intent to tell a person something, in the outbox.
func (m *MeetingTx) Notify(kind, recipientID string, data map[string]any) error {
	return m.s.enqueue(m.tx, kind, recipientID, "", data, m.Now)
}

func (s *Store) meetingEvent(tx *gorm.DB, mt *jihat.Meeting, typ, actorID string, data any, now time.Time) (jihat.MeetingEvent, error) {
	channel := jihat.MeetingChannel(mt.ID)
	seq, err := s.nextSeq(tx, channel)
	if err != nil {
		return jihat.MeetingEvent{}, err
	}
	raw := []byte("{}")
	if data != nil {
		if raw, err = json.Marshal(data); err != nil {
			return jihat.MeetingEvent{}, err
		}
	}
	row := meetingEventRow{ID: newID(), MeetingID: mt.ID, EntityID: mt.EntityID, Channel: channel, Seq: seq, Type: typ,
		ActorID: actorID, Data: string(raw), CreatedAt: now}
	if err := tx.Create(&row).Error; err != nil {
		return jihat.MeetingEvent{}, err
	}
	return meetingEvent(row), nil
}

func meetingEvent(r meetingEventRow) jihat.MeetingEvent {
	return jihat.MeetingEvent{ID: r.ID, MeetingID: r.MeetingID, EntityID: r.EntityID, Channel: r.Channel, Seq: r.Seq,
		Type: r.Type, ActorID: r.ActorID, Data: []byte(r.Data), CreatedAt: r.CreatedAt}
}

// CreateMeeting inserts m (members and agenda, IDs given here) and runs fn
// in the same transaction for its events and invitations.
func (s *Store) CreateMeeting(ctx context.Context, m *jihat.Meeting, a jihat.AuditEntry, fn func(mt *MeetingTx) error) ([]jihat.MeetingEvent, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	m.ID, m.CreatedAt, m.UpdatedAt = newID(), now, now
	if m.Status == "" {
		m.Status = jihat.MeetingScheduled
	}
	for i := range m.Agenda {
		m.Agenda[i].ID, m.Agenda[i].Position = newID(), i+1
	}
	var events []jihat.MeetingEvent
	err := s.tx(ctx, func(tx *gorm.DB) error {
		row := meetingToRow(m)
		row.SearchText, row.SearchStem = meetingSearchDoc(m)
		row.SearchVer = jihat.SearchVersion
		if err := tx.Create(row).Error; err != nil {
			return err
		}
		mt := &MeetingTx{s: s, tx: tx, Meeting: m, Now: now, MembersChanged: true, AgendaChanged: true}
		if err := mt.saveParts(); err != nil {
			return err
		}
		if err := fn(mt); err != nil {
			return err
		}
		a.Target = "meeting:" + m.ID
		if err := s.appendAudit(tx, a); err != nil {
			return err
		}
		events = mt.events
		return nil
	})
	return events, err
}

// UpdateMeeting loads meeting id under a row lock, runs fn, and saves what
// it changed with its events and the audit entry a (Target defaults to the
// meeting).
func (s *Store) UpdateMeeting(ctx context.Context, id string, a jihat.AuditEntry, fn func(mt *MeetingTx) error) (*jihat.Meeting, []jihat.MeetingEvent, error) {
	var out *MeetingTx
	err := s.tx(ctx, func(tx *gorm.DB) error {
		m, err := s.loadMeeting(s.lock(tx), id)
		if err != nil {
			return err
		}
		mt := &MeetingTx{s: s, tx: tx, Meeting: m, Now: s.now().UTC().Truncate(time.Microsecond)}
		title := m.Title
		if err := fn(mt); err != nil {
			return err
		}
		m.UpdatedAt = mt.Now
		cols := map[string]any{
			"title": m.Title, "starts_at": m.StartsAt, "ends_at": m.EndsAt, "time_zone": m.TimeZone, "remote": m.Remote,
			"location": m.Location, "status": string(m.Status), "sequence": m.Sequence, "current_item_id": ptr(m.CurrentID),
			"updated_at": m.UpdatedAt, "started_at": m.StartedAt, "closed_at": m.ClosedAt,
		}
		if m.Title != title || mt.AgendaChanged { // the search index follows (only then: its trigger rewrites the row's words)
			cols["search_text"], cols["search_stem"] = meetingSearchDoc(m)
			cols["search_ver"] = jihat.SearchVersion
		}
		if err := tx.Model(&meetingRow{}).Where("id = ?", id).Updates(cols).Error; err != nil {
			return err
		}
		if err := mt.saveParts(); err != nil {
			return err
		}
		if a.Target == "" {
			a.Target = "meeting:" + id
		}
		if err := s.appendAudit(tx, a); err != nil {
			return err
		}
		out = mt
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return out.Meeting, out.events, nil
}

// lock adds FOR UPDATE on PostgreSQL (SQLite has one writer).
func (s *Store) lock(tx *gorm.DB) *gorm.DB {
	if s.postgre {
		return tx.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	return tx
}

func (m *MeetingTx) saveParts() error {
	id := m.Meeting.ID
	if m.MembersChanged {
		if err := m.tx.Where("meeting_id = ?", id).Delete(&meetingMemberRow{}).Error; err != nil {
			return err
		}
		rows := make([]meetingMemberRow, len(m.Meeting.Members))
		for i, x := range m.Meeting.Members {
			rows[i] = meetingMemberRow{MeetingID: id, UserID: x.UserID, Role: string(x.Role), RSVP: string(x.RSVP)}
		}
		if len(rows) > 0 {
			if err := m.tx.CreateInBatches(rows, 500).Error; err != nil {
				return err
			}
		}
	}
	if m.AgendaChanged {
		if err := m.tx.Where("meeting_id = ?", id).Delete(&agendaItemRow{}).Error; err != nil {
			return err
		}
		for _, it := range m.Meeting.Agenda {
			row := agendaItemRow{ID: it.ID, MeetingID: id, Position: it.Position, Title: it.Title, FileIDs: strings.Join(it.FileIDs, ",")}
			if err := m.tx.Create(&row).Error; err != nil {
				return err
			}
		}
	}
	return nil
}

// SetRSVP records userID's answer to the invitation of meeting id, with an
// event on its channel and the audit entry a.
func (s *Store) SetRSVP(ctx context.Context, id, userID string, answer jihat.RSVP, a jihat.AuditEntry) (*jihat.Meeting, []jihat.MeetingEvent, error) {
	return s.UpdateMeeting(ctx, id, a, func(mt *MeetingTx) error {
		if _, ok := mt.Meeting.Member(userID); !ok {
			return jihat.Errorf(jihat.EFORBIDDEN, "meeting_not_member")
		}
		if mt.Meeting.Status.Ended() {
			return jihat.Errorf(jihat.ECONFLICT, "meeting_ended")
		}
		for i := range mt.Meeting.Members {
			if mt.Meeting.Members[i].UserID == userID {
				mt.Meeting.Members[i].RSVP = answer
			}
		}
		if err := mt.tx.Model(&meetingMemberRow{}).Where("meeting_id = ? AND user_id = ?", id, userID).
			Updates(map[string]any{"rsvp": string(answer), "rsvp_at": mt.Now}).Error; err != nil {
			return err
		}
		return mt.Event("rsvp", userID, map[string]string{"user_id": userID, "answer": string(answer)})
	})
}

// Meeting returns meeting id with its members (names filled) and agenda.
func (s *Store) Meeting(ctx context.Context, id string) (*jihat.Meeting, error) {
	return s.loadMeeting(s.db.WithContext(ctx), id)
}

// MeetingHead returns meeting id with its agenda but without its members
// (for the live paths, which must stay cheap in a meeting of thousands).
func (s *Store) MeetingHead(ctx context.Context, id string) (*jihat.Meeting, error) {
	return s.loadMeetingParts(s.db.WithContext(ctx), id, false)
}

// OpenMotionIDs returns the IDs of the meeting's open motions.
func (s *Store) OpenMotionIDs(ctx context.Context, meetingID string) ([]string, error) {
	var ids []string
	err := s.db.WithContext(ctx).Model(&motionRow{}).Where("meeting_id = ? AND status = ?", meetingID, string(jihat.MotionOpen)).
		Order("created_at, id").Pluck("id", &ids).Error
	return ids, err
}

// MeetingSeat returns the meeting's entity and status and the seat of
// userID in it (ok false when not a member) with one query each.
func (s *Store) MeetingSeat(ctx context.Context, id, userID string) (entityID string, status jihat.MeetingStatus, seat jihat.MeetingSeat, ok bool, err error) {
	var r meetingRow
	if err = s.db.WithContext(ctx).Select("id, entity_id, status").Where("id = ?", id).Take(&r).Error; err != nil {
		return "", "", seat, false, notFound(err)
	}
	var mr meetingMemberRow
	e := s.db.WithContext(ctx).Where("meeting_id = ? AND user_id = ?", id, userID).Limit(1).Find(&mr)
	if e.Error != nil {
		return "", "", seat, false, e.Error
	}
	if e.RowsAffected == 1 {
		seat, ok = jihat.MeetingSeat{UserID: userID, Role: jihat.MeetingRole(mr.Role), RSVP: jihat.RSVP(mr.RSVP)}, true
	}
	return r.EntityID, jihat.MeetingStatus(r.Status), seat, ok, nil
}

// MeetingsFor lists the meetings userID is a member of, and, when
// entityID is set, every meeting of that entity; newest start first. Each
// meeting's Members holds userID's own seat only (when they have one).
func (s *Store) MeetingsFor(ctx context.Context, userID, entityID string, limit int) ([]*jihat.Meeting, error) {
	db := s.db.WithContext(ctx).Model(&meetingRow{})
	if entityID != "" {
		db = db.Where("entity_id = ? OR id IN (SELECT meeting_id FROM meeting_members WHERE user_id = ?)", entityID, userID)
	} else {
		db = db.Where("id IN (SELECT meeting_id FROM meeting_members WHERE user_id = ?)", userID)
	}
	var rows []meetingRow
	if err := db.Order("starts_at DESC, id").Limit(limit).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]*jihat.Meeting, len(rows))
	ids := make([]string, len(rows))
	for i, r := range rows {
		out[i], ids[i] = meetingFromRow(r), r.ID
	}
	// The caller's own seat in each (role and answer), not every member's:
	// a list of a thousand-member board's meetings stays small.
	var seats []struct{ MeetingID, Role, RSVP string }
	if len(ids) > 0 {
		if err := s.db.WithContext(ctx).Table("meeting_members").Select("meeting_id, role, rsvp").
			Where("user_id = ? AND meeting_id IN ?", userID, ids).Scan(&seats).Error; err != nil {
			return nil, err
		}
	}
	byID := make(map[string]*jihat.Meeting, len(out))
	for _, m := range out {
		byID[m.ID] = m
	}
	for _, x := range seats {
		m := byID[x.MeetingID]
		m.Members = append(m.Members, jihat.MeetingSeat{UserID: userID, Role: jihat.MeetingRole(x.Role), RSVP: jihat.RSVP(x.RSVP)})
	}
	return out, nil
}

func (s *Store) loadMeeting(db *gorm.DB, id string) (*jihat.Meeting, error) {
	return s.loadMeetingParts(db, id, true)
}

func (s *Store) loadMeetingParts(db *gorm.DB, id string, members bool) (*jihat.Meeting, error) {
	var r meetingRow
	if err := db.Where("id = ?", id).Take(&r).Error; err != nil {
		return nil, notFound(err)
	}
	m := meetingFromRow(r)
	db = db.Session(&gorm.Session{NewDB: true})
	if members {
		if err := s.meetingMembers(db, m); err != nil {
			return nil, err
		}
	}
	var items []agendaItemRow
	if err := db.Where("meeting_id = ?", id).Order("position").Find(&items).Error; err != nil {
		return nil, err
	}
	for _, it := range items {
		ai := jihat.AgendaItem{ID: it.ID, Position: it.Position, Title: it.Title}
		if it.FileIDs != "" {
			ai.FileIDs = strings.Split(it.FileIDs, ",")
		}
		m.Agenda = append(m.Agenda, ai)
	}
	var access []string
	if err := db.Model(&minutesAccessRow{}).Where("meeting_id = ?", id).Order("user_id").Pluck("user_id", &access).Error; err != nil {
		return nil, err
	}
	m.MinutesFor = access
	return m, nil
}

// meetingMembers fills m.Members, with names, ordered by name.
func (s *Store) meetingMembers(db *gorm.DB, m *jihat.Meeting) error {
	var ms []struct {
		UserID, Role, RSVP, Name string
	}
	if err := db.Table("meeting_members").Select("meeting_members.user_id, meeting_members.role, meeting_members.rsvp, users.name").
		Joins("JOIN users ON users.id = meeting_members.user_id").Where("meeting_members.meeting_id = ?", m.ID).
		Order("users.name, meeting_members.user_id").Scan(&ms).Error; err != nil {
		return err
	}
	for _, x := range ms {
		m.Members = append(m.Members, jihat.MeetingSeat{UserID: x.UserID, Name: x.Name, Role: jihat.MeetingRole(x.Role), RSVP: jihat.RSVP(x.RSVP)})
	}
	return nil
}

func meetingFromRow(r meetingRow) *jihat.Meeting {
	return &jihat.Meeting{ID: r.ID, EntityID: r.EntityID, BoardID: deref(r.BoardID), Title: r.Title, StartsAt: r.StartsAt.UTC(),
		EndsAt: r.EndsAt.UTC(), TimeZone: r.TimeZone, Remote: r.Remote, Location: r.Location, Status: jihat.MeetingStatus(r.Status),
		Sequence: r.Sequence, Quorum: jihat.QuorumRule(r.QuorumRule), Result: jihat.ResultRule(r.ResultRule),
		CurrentID: deref(r.CurrentItemID), CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		StartedAt: r.StartedAt, ClosedAt: r.ClosedAt}
}

func meetingToRow(m *jihat.Meeting) *meetingRow {
	return &meetingRow{ID: m.ID, EntityID: m.EntityID, BoardID: ptr(m.BoardID), Title: m.Title, StartsAt: m.StartsAt, EndsAt: m.EndsAt,
		TimeZone: m.TimeZone, Remote: m.Remote, Location: m.Location, Status: string(m.Status), Sequence: m.Sequence,
		QuorumRule: string(m.Quorum), ResultRule: string(m.Result), CurrentItemID: ptr(m.CurrentID), CreatedBy: m.CreatedBy,
		CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt, StartedAt: m.StartedAt, ClosedAt: m.ClosedAt}
}

// MeetingEvents returns the durable events of a meeting channel after
// since, in order.
func (s *Store) MeetingEvents(ctx context.Context, channel string, since int64, limit int) ([]jihat.MeetingEvent, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	var rows []meetingEventRow
	if err := s.db.WithContext(ctx).Where("channel = ? AND seq > ?", channel, since).Order("seq").Limit(limit).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]jihat.MeetingEvent, len(rows))
	for i, r := range rows {
		out[i] = meetingEvent(r)
	}
	return out, nil
}

// RecentMeetingEvents returns the newest meeting events of the given types
// of entityID ("" = every entity), newest first: the activity feeds' tail.
func (s *Store) RecentMeetingEvents(ctx context.Context, entityID string, types []string, limit int) ([]jihat.MeetingEvent, error) {
	db := s.db.WithContext(ctx).Where("type IN ?", types)
	if entityID != "" {
		db = db.Where("entity_id = ?", entityID)
	}
	var rows []meetingEventRow
	if err := db.Order("created_at DESC, id DESC").Limit(limit).Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]jihat.MeetingEvent, len(rows))
	for i, r := range rows {
		out[i] = meetingEvent(r)
	}
	return out, nil
}
