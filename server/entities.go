package server

import (
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
	v, err := s.CreateEntity(c.UserContext(), audit(c, "entity.create"), req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

// listEntities: GET /api/v1/entities (public).
func (s *Server) listEntities(c *fiber.Ctx) error {
	out, err := s.Entities(c.UserContext())
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"entities": out})
}

// getEntity: GET /api/v1/entities/{id} (public).
func (s *Server) getEntity(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	v, err := s.Entity(c.UserContext(), id)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// entityManager returns the caller and the entity ID from the path when the
// caller may administer that entity.
func (s *Server) entityManager(c *fiber.Ctx, may func(u *jihat.User, id string) bool) (*jihat.User, string, error) {
	u, id, err := callerAndID(c)
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
	v, err := s.CreateDepartment(c.UserContext(), audit(c, "department.create"), entityID, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

// listDepartments: GET /api/v1/entities/{id}/departments (public).
func (s *Server) listDepartments(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := s.Departments(c.UserContext(), id)
	if err != nil {
		return err
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
	v, err := s.CreateCaseType(c.UserContext(), audit(c, "case_type.create"), entityID, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(v)
}

// listCaseTypes: GET /api/v1/entities/{id}/case-types (public).
func (s *Server) listCaseTypes(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	out, err := s.CaseTypes(c.UserContext(), id)
	if err != nil {
		return err
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
	v, err := s.UpdateEntity(c.UserContext(), audit(c, "entity.update"), id, req)
	if err != nil {
		return err
	}
	return c.JSON(v)
}
