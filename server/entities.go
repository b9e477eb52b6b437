package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
)

type entityRequest struct {
	NameAR     string  `json:"name_ar"`
	NameEN     string  `json:"name_en"`
	Sector     string  `json:"sector"`
	AssignRule *string `json:"assign_rule"`
}

// createEntity: POST /api/v1/entities (platform admin).
func (s *Server) createEntity(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	if !u.Can(jihat.PermEntitiesManage) {
		return jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	var req entityRequest
	if err := decode(c, &req); err != nil {
		return err
	}
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
		return jihat.Invalid(fields)
	}
	if err := s.store.CreateEntity(c.UserContext(), e, false, audit(c, "entity.create")); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(newEntityView(e))
}

// listEntities: GET /api/v1/entities (public).
func (s *Server) listEntities(c *fiber.Ctx) error {
	es, err := s.store.ListEntities(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]entityView, len(es))
	for i, e := range es {
		out[i] = newEntityView(e)
	}
	return c.JSON(fiber.Map{"entities": out})
}

// getEntity: GET /api/v1/entities/{id} (public).
func (s *Server) getEntity(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	e, err := s.store.Entity(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(newEntityView(e))
}

// entityManager returns the caller and the entity ID from the path when the
// caller may administer that entity.
func (s *Server) entityManager(c *fiber.Ctx, may func(u *jihat.User, id string) bool) (*jihat.User, string, error) {
	u, err := requireUser(c)
	if err != nil {
		return nil, "", err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return nil, "", err
	}
	if !may(u, id) {
		return nil, "", jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	if _, err := s.store.Entity(c.UserContext(), id); err != nil {
		return nil, "", err
	}
	return u, id, nil
}

type namesRequest struct {
	NameAR string `json:"name_ar"`
	NameEN string `json:"name_en"`
}

// createDepartment: POST /api/v1/entities/{id}/departments.
func (s *Server) createDepartment(c *fiber.Ctx) error {
	_, entityID, err := s.entityManager(c, (*jihat.User).CanManageEntity)
	if err != nil {
		return err
	}
	var req namesRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	fields := map[string]string{}
	jihat.ValidateNames(fields, req.NameAR, req.NameEN)
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	d := &jihat.Department{EntityID: entityID, NameAR: strings.TrimSpace(req.NameAR), NameEN: strings.TrimSpace(req.NameEN)}
	if err := s.store.CreateDepartment(c.UserContext(), d, audit(c, "department.create")); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(newDepartmentView(d))
}

// listDepartments: GET /api/v1/entities/{id}/departments (public).
func (s *Server) listDepartments(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.store.Entity(c.UserContext(), id); err != nil {
		return err
	}
	ds, err := s.store.ListDepartments(c.UserContext(), id)
	if err != nil {
		return err
	}
	out := make([]departmentView, len(ds))
	for i, d := range ds {
		out[i] = newDepartmentView(d)
	}
	return c.JSON(fiber.Map{"departments": out})
}

type caseTypeRequest struct {
	NameAR       string `json:"name_ar"`
	NameEN       string `json:"name_en"`
	DepartmentID string `json:"department_id"`
	SLAHours     *struct {
		Normal        int `json:"normal"`
		Important     int `json:"important"`
		VeryImportant int `json:"very_important"`
	} `json:"sla_hours"`
}

// createCaseType: POST /api/v1/entities/{id}/case-types.
func (s *Server) createCaseType(c *fiber.Ctx) error {
	_, entityID, err := s.entityManager(c, (*jihat.User).CanManageEntity)
	if err != nil {
		return err
	}
	var req caseTypeRequest
	if err := decode(c, &req); err != nil {
		return err
	}
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
		return jihat.Invalid(fields)
	}
	if err := s.store.CreateCaseType(c.UserContext(), t, audit(c, "case_type.create")); err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(newCaseTypeView(t))
}

// listCaseTypes: GET /api/v1/entities/{id}/case-types (public).
func (s *Server) listCaseTypes(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.store.Entity(c.UserContext(), id); err != nil {
		return err
	}
	ts, err := s.store.ListCaseTypes(c.UserContext(), id)
	if err != nil {
		return err
	}
	out := make([]caseTypeView, len(ts))
	for i, t := range ts {
		out[i] = newCaseTypeView(t)
	}
	return c.JSON(fiber.Map{"case_types": out})
}

// entityPatch is what an entity admin may change on their entity.
type entityPatch struct {
	NameAR     *string                 `json:"name_ar"`
	NameEN     *string                 `json:"name_en"`
	AssignRule *string                 `json:"assign_rule"`
	Calendar   *jihat.CalendarConfig   `json:"calendar"`
	Escalation *jihat.EscalationConfig `json:"escalation"`
}

// updateEntity: PATCH /api/v1/entities/{id} — names, the distribution rule
// (round_robin, least_load), the working calendar (time zone, work days,
// hours, holidays) that SLA deadlines are counted on, and the objection
// ladder (jihat.EscalationConfig).
func (s *Server) updateEntity(c *fiber.Ctx) error {
	_, id, err := s.entityManager(c, (*jihat.User).CanManageEntity)
	if err != nil {
		return err
	}
	var req entityPatch
	if err := decode(c, &req); err != nil {
		return err
	}
	e, err := s.store.Entity(c.UserContext(), id)
	if err != nil {
		return err
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
		return jihat.Invalid(fields)
	}
	if req.Escalation != nil {
		if err := s.checkEscalation(c.UserContext(), id, *req.Escalation); err != nil {
			return err
		}
		e.Escalation = *req.Escalation
	}
	if err := s.store.UpdateEntity(c.UserContext(), e, audit(c, "entity.update")); err != nil {
		return err
	}
	return c.JSON(newEntityView(e))
}
