package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// CreateCase opens case c: it numbers it, runs fn (the service's events,
// notifications, assignment) and saves the case with what fn recorded and
// the audit entry a, in a group commit with the other case changes that
// arrive at the same time (group_commit.go; creations of one department go
// to one committer). It fills c's ID, Number and times and returns, once
// committed, the events to publish.
func (s *Store) CreateCase(ctx context.Context, c *jihat.Case, a jihat.AuditEntry, fn func(m *CaseTx) error) ([]jihat.CaseEvent, error) {
	ch := &caseChange{ctx: ctx, create: c, audit: a, fn: fn}
	s.queueChange(ch, "dept:"+c.DepartmentID)
	return ch.events, ch.err
}

// createCaseIn is CreateCase's work inside a group's transaction: number
// is the case's number on PostgreSQL (taken by numberCases), now the
// group's time. The case row, its events, intents and audit entry go to buf.
func (s *Store) createCaseIn(tx *gorm.DB, buf *rowBuf, gs *groupState, c *jihat.Case, number int64, now time.Time, a jihat.AuditEntry,
	fn func(m *CaseTx) error) ([]jihat.CaseEvent, error) {
	if !s.postgre {
		var err error
		if number, err = s.nextCounter(tx, now.Year()); err != nil {
			return nil, err
		}
	}
	saved := *c // restored when this creation fails (fn changes c)
	c.ID = newID()
	c.Number = jihat.FormatCaseNumber(now.Year(), number)
	c.CreatedAt, c.UpdatedAt, c.PublicUpdatedAt = now, now, now
	m := &CaseTx{s: s, tx: tx, Case: c, before: *c, Now: now, isNew: true, buf: buf, gs: gs}
	m.created.SearchText, m.created.SearchStem = searchForms(c.Number, c.Subject, c.Body)
	m.created.SearchVer = jihat.SearchVersion
	err := fn(m)
	if err == nil {
		err = m.save()
	}
	if err == nil {
		a.Target = "case:" + c.ID
		err = m.audit(a)
	}
	if err != nil {
		*c = saved
		return nil, err
	}
	return m.events, nil
}

// nextCounter returns the next case number of year.
func (s *Store) nextCounter(db *gorm.DB, year int) (int64, error) {
	return s.nextCounters(db, year, 1)
}

// nextCounters takes the next n case numbers of year and returns the last.
func (s *Store) nextCounters(db *gorm.DB, year, n int) (int64, error) {
	var last int64
	err := db.Raw(`INSERT INTO counters (name, last) VALUES (?, ?)
ON CONFLICT (name) DO UPDATE SET last = counters.last + ? RETURNING last`, fmt.Sprintf("case:%d", year), n, n).Scan(&last).Error
	return last, err
}

// Case returns the case with id, or ENOTFOUND.
func (s *Store) Case(ctx context.Context, id string) (*jihat.Case, error) {
	var row caseRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return nil, notFound(err)
	}
	c := caseFromRow(row)
	return &c, nil
}

func caseToRow(c *jihat.Case) caseRow {
	r := caseRow{
		ID: c.ID, Number: c.Number, EntityID: c.EntityID, CaseTypeID: c.CaseTypeID, DepartmentID: c.DepartmentID,
		RequesterID: c.RequesterID, AssigneeID: ptr(c.AssigneeID), Priority: string(c.Priority), Kind: string(c.Kind),
		Category: string(c.Category), Subject: c.Subject, Body: c.Body, Status: string(c.Status),
		EscalationLevel: int(c.EscalationLevel), Objections: c.Objections, FinalDecision: c.FinalDecision,
		PausedWorkS: int64(c.PausedWork / time.Second), Resolution: c.Resolution, DueAt: c.DueAt.UTC(),
		PostponedUntil: timePtr(c.PostponedUntil), RemindAt: timePtr(c.RemindAt), RemindedAt: timePtr(c.RemindedAt), LateNotifiedAt: timePtr(c.LateNotifiedAt),
		FirstResponseAt: timePtr(c.FirstResponseAt), ResolvedAt: timePtr(c.ResolvedAt), ClosedAt: timePtr(c.ClosedAt),
		Rating: c.Rating, RatingComment: c.RatingComment, RatedAt: timePtr(c.RatedAt),
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, ServiceID: c.ServiceID, PublicUpdatedAt: timePtr(c.PublicUpdatedAt),
	}
	if c.Location != nil {
		r.Lat, r.Lng = &c.Location.Lat, &c.Location.Lng
	}
	return r
}

func caseFromRow(r caseRow) jihat.Case {
	c := jihat.Case{
		ID: r.ID, Number: r.Number, EntityID: r.EntityID, CaseTypeID: r.CaseTypeID, DepartmentID: r.DepartmentID,
		RequesterID: r.RequesterID, AssigneeID: deref(r.AssigneeID), Priority: jihat.Priority(r.Priority),
		Kind: jihat.CaseKind(r.Kind), Category: jihat.ReportCategory(r.Category), Subject: r.Subject, Body: r.Body,
		Status: jihat.Status(r.Status), EscalationLevel: jihat.EscalationLevel(r.EscalationLevel), Resolution: r.Resolution,
		Objections: r.Objections, FinalDecision: r.FinalDecision, PausedWork: time.Duration(r.PausedWorkS) * time.Second,
		DueAt: r.DueAt.UTC(), PostponedUntil: timeVal(r.PostponedUntil), RemindAt: timeVal(r.RemindAt), RemindedAt: timeVal(r.RemindedAt),
		LateNotifiedAt: timeVal(r.LateNotifiedAt), FirstResponseAt: timeVal(r.FirstResponseAt),
		ResolvedAt: timeVal(r.ResolvedAt), ClosedAt: timeVal(r.ClosedAt),
		Rating: r.Rating, RatingComment: r.RatingComment, RatedAt: timeVal(r.RatedAt),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), ServiceID: r.ServiceID, PublicUpdatedAt: timeVal(r.PublicUpdatedAt),
	}
	if r.Lat != nil && r.Lng != nil {
		c.Location = &jihat.Location{Lat: *r.Lat, Lng: *r.Lng}
	}
	return c
}

// timePtr maps the domain's zero time ("not yet") to NULL.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

// timeVal maps NULL to the zero time.
func timeVal(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func caseEvent(r caseEventRow) jihat.CaseEvent {
	return jihat.CaseEvent{ID: r.ID, CaseID: r.CaseID, EntityID: r.EntityID, Channel: r.Channel, Seq: r.Seq, Type: jihat.CaseEventType(r.Type),
		ActorID: r.ActorID, Visibility: jihat.Visibility(r.Visibility), Data: []byte(r.Data), CreatedAt: r.CreatedAt.UTC()}
}
