package server

import (
	"context"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Who may read which statistics. Every statistics service starts with one
// of these checks; all of them are reads (oversight may call every GET and
// nothing else).
//
//   - platform admin and oversight (oversight.view): every entity;
//   - entity admin (reports.view): their entity;
//   - supervisor (reports.view): their department of their entity;
//   - any staff member: their own figures and hours only.

// statsScope is what one caller may see: all entities, one entity, one
// department of it, or only themself.
type statsScope struct {
	all          bool
	entityID     string
	departmentID string // a supervisor's department; "" for the whole entity
	selfID       string // a member of staff without reports.view: only their own figures
}

func scopeOf(u *jihat.User) statsScope {
	switch {
	case u.IsPlatformAdmin() || u.Can(jihat.PermOversight):
		return statsScope{all: true}
	case u.Role.IsStaff() && u.EntityID != "" && u.Active:
		if !u.Can(jihat.PermReportsView) {
			return statsScope{entityID: u.EntityID, selfID: u.ID}
		}
		if u.Role == jihat.RoleEntityAdmin || u.DepartmentID == "" {
			return statsScope{entityID: u.EntityID}
		}
		return statsScope{entityID: u.EntityID, departmentID: u.DepartmentID}
	}
	return statsScope{}
}

func forbidden() error { return jihat.Errorf(jihat.EFORBIDDEN, "forbidden") }

// entityFilter checks that u may read entity id's figures (narrowed to a
// department when they are a supervisor, or asked for one) and returns the
// filter of that reach.
func (s *Server) entityFilter(ctx context.Context, u *jihat.User, entityID, departmentID string) (*jihat.Entity, store.StatsFilter, error) {
	sc := scopeOf(u)
	if !sc.all && (sc.entityID != entityID || sc.selfID != "") {
		return nil, store.StatsFilter{}, forbidden()
	}
	if sc.departmentID != "" {
		if departmentID != "" && departmentID != sc.departmentID {
			return nil, store.StatsFilter{}, forbidden()
		}
		departmentID = sc.departmentID
	}
	ent, err := s.store.Entity(ctx, entityID)
	if err != nil {
		return nil, store.StatsFilter{}, err
	}
	if departmentID != "" {
		d, err := s.store.Department(ctx, departmentID)
		if err != nil || d.EntityID != entityID {
			return nil, store.StatsFilter{}, jihat.Invalid(map[string]string{"department_id": "invalid_id"})
		}
	}
	return ent, store.StatsFilter{EntityID: entityID, DepartmentID: departmentID}, nil
}

// employeeFilter checks that u may read employee id's figures: themself,
// or staff within u's reach, and returns the employee and their entity.
func (s *Server) employeeFilter(ctx context.Context, u *jihat.User, employeeID string) (*jihat.User, *jihat.Entity, error) {
	emp, err := s.store.UserByID(ctx, employeeID)
	if err != nil {
		return nil, nil, err
	}
	if !emp.Role.IsStaff() || emp.EntityID == "" {
		return nil, nil, jihat.Errorf(jihat.ENOTFOUND, "not_found")
	}
	sc := scopeOf(u)
	ok := sc.all || emp.ID == u.ID ||
		(sc.selfID == "" && sc.entityID == emp.EntityID && (sc.departmentID == "" || sc.departmentID == emp.DepartmentID))
	if !ok {
		return nil, nil, forbidden()
	}
	ent, err := s.store.Entity(ctx, emp.EntityID)
	return emp, ent, err
}
