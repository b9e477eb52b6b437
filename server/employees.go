package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
)

type employeeRequest struct {
	Name         string   `json:"name"`
	Email        string   `json:"email"`
	Mobile       *string  `json:"mobile"`
	NationalID   *string  `json:"national_id"`
	DepartmentID string   `json:"department_id"`
	Role         string   `json:"role"`
	Permissions  []string `json:"permissions"`
	Password     *string  `json:"password"`
	Capacity     *int     `json:"capacity"`
	Lang         *string  `json:"lang"`
}

// createEmployee: POST /api/v1/entities/{id}/employees. Without a password one
// is generated, sent by e-mail, and must be changed at first login.
func (s *Server) createEmployee(c *fiber.Ctx) error {
	actor, entityID, err := s.entityManager(c, (*jihat.User).CanManageEmployees)
	if err != nil {
		return err
	}
	var req employeeRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := s.CreateEmployee(c.UserContext(), actor, audit(c, "employee.create"), entityID, req)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"user": v})
}

// listEmployees: GET /api/v1/entities/{id}/employees.
func (s *Server) listEmployees(c *fiber.Ctx) error {
	_, entityID, err := s.entityManager(c, func(u *jihat.User, id string) bool {
		return u.CanManageEmployees(id) || (u.InEntity(id) && u.Can(jihat.PermReportsView))
	})
	if err != nil {
		return err
	}
	out, err := s.Employees(c.UserContext(), entityID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"employees": out})
}

// employeeTarget reads the caller, who must manage the employees of entity
// {id}, and the employee {user_id} their request is about.
func (s *Server) employeeTarget(c *fiber.Ctx) (actor *jihat.User, entityID, userID string, err error) {
	if actor, entityID, err = s.entityManager(c, (*jihat.User).CanManageEmployees); err != nil {
		return nil, "", "", err
	}
	if userID, err = pathID(c, "user_id"); err != nil {
		return nil, "", "", err
	}
	return actor, entityID, userID, nil
}

type permissionsRequest struct {
	Grant  []string `json:"grant"`
	Revoke []string `json:"revoke"`
}

// setPermissions: PUT /api/v1/entities/{id}/employees/{user_id}/permissions
// (SetPermissions).
func (s *Server) setPermissions(c *fiber.Ctx) error {
	actor, entityID, userID, err := s.employeeTarget(c)
	if err != nil {
		return err
	}
	var req permissionsRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := s.SetPermissions(c.UserContext(), actor, audit(c, "employee.permissions"), entityID, userID, req)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"user": v})
}

// setEmployeeActive: POST /api/v1/entities/{id}/employees/{user_id}/disable
// and …/enable, with the authorisation of setPermissions (SetEmployeeActive).
func (s *Server) setEmployeeActive(active bool) fiber.Handler {
	action := "employee.disable"
	if active {
		action = "employee.enable"
	}
	return func(c *fiber.Ctx) error {
		actor, entityID, userID, err := s.employeeTarget(c)
		if err != nil {
			return err
		}
		v, err := s.SetEmployeeActive(c.UserContext(), actor, audit(c, action), audit(c, "case.reassign"), entityID, userID, active)
		if err != nil {
			return err
		}
		return c.JSON(v)
	}
}
