package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
	"gorm.io/gorm"
)

// The fixtures and helpers of the case store tests (caseWorld).

// caseWorld is an entity with one department, a case type of it (SLA 24/8/4
// working hours) and a citizen who opens cases.
type caseWorld struct {
	Entity     *jihat.Entity
	Department *jihat.Department
	CaseType   *jihat.CaseType
	Requester  *jihat.User
}

// newCaseWorld creates a caseWorld whose entity distributes by rule.
func newCaseWorld(tb testing.TB, s *store.Store, rule jihat.AssignRule) *caseWorld {
	tb.Helper()
	ctx := context.Background()
	e := &jihat.Entity{NameAR: fmt.Sprintf("جهة %d", uniq()), NameEN: "Entity", Sector: jihat.SectorGovernment, AssignRule: string(rule)}
	if err := s.CreateEntity(ctx, e, false, act("entity.create")); err != nil {
		tb.Fatalf("CreateEntity: %v", err)
	}
	w := &caseWorld{Entity: e, Department: mustDepartment(tb, s, e.ID)}
	w.CaseType = &jihat.CaseType{EntityID: e.ID, DepartmentID: w.Department.ID, NameAR: "نوع", NameEN: "Type",
		SLA: jihat.SLAHours{Normal: 24, Important: 8, VeryImportant: 4}}
	if err := s.CreateCaseType(ctx, w.CaseType, act("case_type.create")); err != nil {
		tb.Fatalf("CreateCaseType: %v", err)
	}
	w.Requester = mustUser(tb, s, &jihat.User{Role: jihat.RoleCitizen, Active: true})
	return w
}

// staff creates an active member of the world's department: an employee with
// the given capacity unless mods change it.
func (w *caseWorld) staff(tb testing.TB, s *store.Store, capacity int, mods ...func(*jihat.User)) *jihat.User {
	tb.Helper()
	u := &jihat.User{Role: jihat.RoleEmployee, EntityID: w.Entity.ID, DepartmentID: w.Department.ID, Active: true,
		Capacity: capacity, Email: fmt.Sprintf("staff-%d@jihat.test", uniq())}
	for _, m := range mods {
		m(u)
	}
	return mustUser(tb, s, u)
}

// newCase returns an unsaved case of the world, as the server builds it.
func (w *caseWorld) newCase(subject, body string) *jihat.Case {
	return &jihat.Case{EntityID: w.Entity.ID, CaseTypeID: w.CaseType.ID, DepartmentID: w.Department.ID,
		Subject: subject, Body: body, Priority: jihat.PriorityNormal, Status: jihat.StatusNew,
		RequesterID: w.Requester.ID, DueAt: time.Now().Add(24 * time.Hour).UTC().Truncate(time.Second)}
}

// assignAuto is what the server does to assign a new or waiting case
// (server/case_service.go, autoAssign and assigned): the rule's choice, the
// transition, the public "assigned" event and the notifications.
func assignAuto(online store.Online) func(m *store.CaseTx) error {
	return func(m *store.CaseTx) error {
		c := m.Case
		id, err := m.AutoAssign(online)
		if err != nil || id == "" {
			return err
		}
		if c.Status, err = jihat.Transition(c.Status, jihat.ActionAssign); err != nil {
			return err
		}
		c.AssigneeID = id
		if _, err := m.Event(jihat.CaseEventAssigned, "", jihat.VisibilityPublic, jihat.AssignedData{AssigneeID: id, Auto: true}); err != nil {
			return err
		}
		return m.Notify("case.assigned", id, map[string]any{"number": c.Number})
	}
}

// createCase is the server's CreateCase inside the store's transaction: the
// "created" event, the requester's notification, then automatic assignment.
func createCase(ctx context.Context, s *store.Store, c *jihat.Case, online store.Online) ([]jihat.CaseEvent, error) {
	return s.CreateCase(ctx, c, act("case.create"), func(m *store.CaseTx) error {
		if _, err := m.Event(jihat.CaseEventCreated, c.RequesterID, jihat.VisibilityPublic, nil); err != nil {
			return err
		}
		if err := m.Notify("case.created", c.RequesterID, map[string]any{"number": c.Number}); err != nil {
			return err
		}
		return assignAuto(online)(m)
	})
}

// mustCase opens a case of the world (assigned when someone can take it).
func (w *caseWorld) mustCase(tb testing.TB, s *store.Store, subject, body string) *jihat.Case {
	tb.Helper()
	c := w.newCase(subject, body)
	if _, err := createCase(context.Background(), s, c, nil); err != nil {
		tb.Fatalf("CreateCase: %v", err)
	}
	return c
}

// update runs fn on case id in UpdateCase and fails the test on an error.
func update(tb testing.TB, s *store.Store, id string, fn func(m *store.CaseTx) error) *jihat.Case {
	tb.Helper()
	c, _, err := s.UpdateCase(context.Background(), id, act("case.update"), fn)
	if err != nil {
		tb.Fatalf("UpdateCase: %v", err)
	}
	return c
}

// resolveFn resolves the case as the server's Resolve does.
func resolveFn(m *store.CaseTx) error {
	var err error
	if m.Case.Status, err = jihat.Transition(m.Case.Status, jihat.ActionResolve); err != nil {
		return err
	}
	m.Case.Resolution, m.Case.ResolvedAt = "تم الحل", m.Now
	_, err = m.Event(jihat.CaseEventResolved, m.Case.AssigneeID, jihat.VisibilityPublic, jihat.ResolvedData{Resolution: "تم الحل"})
	return err
}

// openCounts reads users.open_cases of the given users over a raw connection.
func openCounts(tb testing.TB, db *gorm.DB, ids []string) map[string]int {
	tb.Helper()
	var rows []struct {
		ID        string
		OpenCases int
	}
	if err := db.Table("users").Select("id, open_cases").Where("id IN ?", ids).Scan(&rows).Error; err != nil {
		tb.Fatalf("open_cases: %v", err)
	}
	out := map[string]int{}
	for _, r := range rows {
		out[r.ID] = r.OpenCases
	}
	return out
}
