package server

import (
	"context"
	"strings"

	"github.com/jihat/jihat"
)

// The entity use cases: entities, their departments and case types. Each
// validates its input, writes through the store and returns the view the
// API answers. Who may call them is checked before (the handlers read the
// caller and the entity of the path with entityManager first, so a caller
// without the right is refused before their body is read).

// CreateEntity creates an entity (platform admin).
func (s *Server) CreateEntity(ctx context.Context, a jihat.AuditEntry, req entityRequest) (entityView, error) {
	fields := map[string]string{}
	jihat.ValidateNames(fields, req.NameAR, req.NameEN)
	e := &jihat.Entity{NameAR: strings.TrimSpace(req.NameAR), NameEN: strings.TrimSpace(req.NameEN), Sector: jihat.Sector(req.Sector)}
	if !e.Sector.Valid() {
		fields["sector"] = "invalid_sector"
	}
	if req.AssignRule != nil {
		e.AssignRule = *req.AssignRule
		if e.AssignRule != "round_robin" && e.AssignRule != "least_load" {
			fields["assign_rule"] = "invalid_value"
		}
	}
	if len(fields) > 0 {
		return entityView{}, jihat.Invalid(fields)
	}
	if err := s.store.CreateEntity(ctx, e, false, a); err != nil {
		return entityView{}, err
	}
	return newEntityView(e), nil
}

// Entities lists every entity (public).
func (s *Server) Entities(ctx context.Context) ([]entityView, error) {
	es, err := s.store.ListEntities(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]entityView, len(es))
	for i, e := range es {
		out[i] = newEntityView(e)
	}
	return out, nil
}

// Entity returns one entity (public).
func (s *Server) Entity(ctx context.Context, id string) (entityView, error) {
	e, err := s.store.Entity(ctx, id)
	if err != nil {
		return entityView{}, err
	}
	return newEntityView(e), nil
}

// UpdateEntity changes what an entity admin may change on entity id: names,
// the distribution rule, the working calendar and the objection ladder.
func (s *Server) UpdateEntity(ctx context.Context, a jihat.AuditEntry, id string, req entityPatch) (entityView, error) {
	e, err := s.store.Entity(ctx, id)
	if err != nil {
		return entityView{}, err
	}
	fields := map[string]string{}
	if req.NameAR != nil {
		e.NameAR = strings.TrimSpace(*req.NameAR)
	}
	if req.NameEN != nil {
		e.NameEN = strings.TrimSpace(*req.NameEN)
	}
	jihat.ValidateNames(fields, e.NameAR, e.NameEN)
	if req.AssignRule != nil {
		rule, err := jihat.ParseAssignRule(*req.AssignRule)
		if err != nil {
			fields["assign_rule"] = "invalid_value"
		}
		e.AssignRule = string(rule)
	}
	if req.Calendar != nil {
		if _, err := req.Calendar.Calendar(); err != nil {
			fields["calendar"] = jihat.AsError(err).Key
		}
		e.Calendar = *req.Calendar
	}
	if len(fields) > 0 {
		return entityView{}, jihat.Invalid(fields)
	}
	if req.Escalation != nil {
		if err := s.checkEscalation(ctx, id, *req.Escalation); err != nil {
			return entityView{}, err
		}
		e.Escalation = *req.Escalation
	}
	if err := s.store.UpdateEntity(ctx, e, a); err != nil {
		return entityView{}, err
	}
	return newEntityView(e), nil
}

// CreateDepartment adds a department to entity entityID.
func (s *Server) CreateDepartment(ctx context.Context, a jihat.AuditEntry, entityID string, req namesRequest) (departmentView, error) {
	fields := map[string]string{}
	jihat.ValidateNames(fields, req.NameAR, req.NameEN)
	if len(fields) > 0 {
		return departmentView{}, jihat.Invalid(fields)
	}
	d := &jihat.Department{EntityID: entityID, NameAR: strings.TrimSpace(req.NameAR), NameEN: strings.TrimSpace(req.NameEN)}
	if err := s.store.CreateDepartment(ctx, d, a); err != nil {
		return departmentView{}, err
	}
	return newDepartmentView(d), nil
}

// Departments lists the departments of entity id (public; ENOTFOUND when
// there is no such entity).
func (s *Server) Departments(ctx context.Context, id string) ([]departmentView, error) {
	return ofEntity(ctx, s, id, s.store.ListDepartments, newDepartmentView)
}

// CreateCaseType adds a case type, with its SLA hours per priority, to a
// department of entity entityID.
func (s *Server) CreateCaseType(ctx context.Context, a jihat.AuditEntry, entityID string, req caseTypeRequest) (caseTypeView, error) {
	fields := map[string]string{}
	jihat.ValidateNames(fields, req.NameAR, req.NameEN)
	t := &jihat.CaseType{EntityID: entityID, DepartmentID: strings.ToLower(req.DepartmentID),
		NameAR: strings.TrimSpace(req.NameAR), NameEN: strings.TrimSpace(req.NameEN)}
	if req.SLAHours == nil {
		fields["sla_hours"] = "required"
	} else {
		t.SLA = jihat.SLAHours{Normal: req.SLAHours.Normal, Important: req.SLAHours.Important, VeryImportant: req.SLAHours.VeryImportant}
		t.SLA.Validate(fields)
	}
	if !jihat.IsUUID(t.DepartmentID) {
		fields["department_id"] = "invalid_id"
	}
	if len(fields) > 0 {
		return caseTypeView{}, jihat.Invalid(fields)
	}
	if err := s.store.CreateCaseType(ctx, t, a); err != nil {
		return caseTypeView{}, err
	}
	return newCaseTypeView(t), nil
}

// CaseTypes lists the case types of entity id (public; ENOTFOUND when there
// is no such entity).
func (s *Server) CaseTypes(ctx context.Context, id string) ([]caseTypeView, error) {
	return ofEntity(ctx, s, id, s.store.ListCaseTypes, newCaseTypeView)
}

// ofEntity lists what list reads of entity id, as views (ENOTFOUND when
// there is no such entity).
func ofEntity[T, V any](ctx context.Context, s *Server, id string, list func(context.Context, string) ([]T, error), view func(T) V) ([]V, error) {
	if _, err := s.store.Entity(ctx, id); err != nil {
		return nil, err
	}
	rows, err := list(ctx, id)
	if err != nil {
		return nil, err
	}
	out := make([]V, len(rows))
	for i, r := range rows {
		out[i] = view(r)
	}
	return out, nil
}
