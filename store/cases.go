package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// CreateCase numbers and inserts c (status new), then runs fn in the same
// transaction so the service can record the first events, assign the case
// and queue notifications. Everything commits together or not at all.
func (s *Store) CreateCase(ctx context.Context, c *jihat.Case, a jihat.AuditEntry, fn func(m *CaseTx) error) ([]jihat.CaseEvent, error) {
	now := s.now().UTC().Truncate(time.Microsecond)
	var number int64
	var err error
	if s.postgre {
		// Outside the transaction: the counter row is locked only for one
		// statement, not for the whole case creation (a failed creation
		// leaves a gap in the numbers, never a duplicate).
		if number, err = s.nextCounter(s.db.WithContext(ctx), now.Year()); err != nil {
			return nil, err
		}
	}
	var events []jihat.CaseEvent
	err = s.tx(ctx, func(tx *gorm.DB) error {
		if !s.postgre {
			if number, err = s.nextCounter(tx, now.Year()); err != nil {
				return err
			}
		}
		c.ID = newID()
		c.Number = jihat.FormatCaseNumber(now.Year(), number)
		c.CreatedAt, c.UpdatedAt, c.PublicUpdatedAt = now, now, now
		row := caseToRow(c)
		row.SearchText, row.SearchStem = searchForms(c.Number, c.Subject, c.Body)
		row.SearchVer = jihat.SearchVersion
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		m := &CaseTx{s: s, tx: tx, Case: c, before: *c, Now: now, isNew: true}
		if err := fn(m); err != nil {
			return err
		}
		if err := m.save(); err != nil {
			return err
		}
		a.Target = "case:" + c.ID
		if err := s.appendAudit(tx, a); err != nil {
			return err
		}
		events = m.events
		return nil
	})
	return events, err
}

// nextCounter returns the next case number of year.
func (s *Store) nextCounter(db *gorm.DB, year int) (int64, error) {
	var n int64
	err := db.Raw(`INSERT INTO counters (name, last) VALUES (?, 1)
ON CONFLICT (name) DO UPDATE SET last = counters.last + 1 RETURNING last`, fmt.Sprintf("case:%d", year)).Scan(&n).Error
	return n, err
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
