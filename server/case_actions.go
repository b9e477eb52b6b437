package server

import (
	"context"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
)

// caseAction parses the caller, the case ID and the body of a case action.
func caseAction(c *fiber.Ctx, req any) (*jihat.User, string, error) {
	u, id, err := callerAndID(c)
	if err != nil {
		return nil, "", err
	}
	if req != nil {
		if err := decode(c, req); err != nil {
			return nil, "", err
		}
	}
	return u, id, nil
}

type commentRequest struct {
	Body       string `json:"body"`
	Visibility string `json:"visibility"`
}

// addComment: POST /api/v1/cases/{id}/comments.
func (s *Server) addComment(c *fiber.Ctx) error {
	var req commentRequest
	u, id, err := caseAction(c, &req)
	if err != nil {
		return err
	}
	vis, err := jihat.ParseVisibility(req.Visibility)
	if err != nil {
		return err
	}
	ev, err := s.AddComment(c.UserContext(), u, audit(c, "case.comment"), id, req.Body, vis)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"event": ev})
}

type assignRequest struct {
	EmployeeID string `json:"employee_id"`
	Reason     string `json:"reason"`
}

// assignCase: POST /api/v1/cases/{id}/assign — 200 when it takes effect,
// 202 with the request when a supervisor must approve it.
func (s *Server) assignCase(c *fiber.Ctx) error {
	var req assignRequest
	u, id, err := caseAction(c, &req)
	if err != nil {
		return err
	}
	if !jihat.IsUUID(req.EmployeeID) {
		return jihat.Invalid(map[string]string{"employee_id": "invalid_id"})
	}
	v, pending, err := s.Reassign(c.UserContext(), u, langOf(c), audit(c, "case.assign"), id, strings.ToLower(req.EmployeeID), req.Reason)
	if err != nil {
		return err
	}
	if pending != nil {
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"case": v, "request": pending})
	}
	return c.JSON(fiber.Map{"case": v})
}

// decideReassignment: POST /api/v1/cases/{id}/reassignments/{request_id}/approve|refuse.
func (s *Server) decideReassignment(approve bool) fiber.Handler {
	return s.decideRequest("case.reassignment", approve, s.DecideReassignment)
}

// pendingReassignments: GET /api/v1/cases/{id}/reassignments — staff who see
// internal notes.
func (s *Server) pendingReassignments(c *fiber.Ctx) error {
	u, id, err := caseAction(c, nil)
	if err != nil {
		return err
	}
	out, err := s.PendingReassignments(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"reassignments": out})
}

type postponeRequest struct {
	Until        string `json:"until"`
	Reason       string `json:"reason"`        // internal: staff only
	PublicReason string `json:"public_reason"` // optional: what the requester sees
}

// postponeCase: POST /api/v1/cases/{id}/postpone — 200 when it takes effect,
// 202 with the request when a supervisor must approve it.
func (s *Server) postponeCase(c *fiber.Ctx) error {
	var req postponeRequest
	u, id, err := caseAction(c, &req)
	if err != nil {
		return err
	}
	until, ok := parseTime(req.Until)
	if !ok {
		return jihat.Invalid(map[string]string{"until": "invalid_postpone_until"})
	}
	v, pending, err := s.Postpone(c.UserContext(), u, langOf(c), audit(c, "case.postpone"), id, until, req.Reason, req.PublicReason)
	if err != nil {
		return err
	}
	if pending != nil {
		return c.Status(fiber.StatusAccepted).JSON(fiber.Map{"case": v, "request": pending})
	}
	return c.JSON(fiber.Map{"case": v})
}

type decisionRequest struct {
	Note string `json:"note"`
}

// decidePostponement: POST /api/v1/cases/{id}/postponements/{request_id}/approve|refuse.
func (s *Server) decidePostponement(approve bool) fiber.Handler {
	return s.decideRequest("case.postponement", approve, s.DecidePostponement)
}

// decideRequest is the handler of a decision on a request waiting for
// approval (postponement, reassignment): the audit action is prefix
// followed by _approve or _refuse; the body's note is optional.
func (s *Server) decideRequest(prefix string, approve bool,
	decide func(ctx context.Context, u *jihat.User, lang jihat.Lang, a jihat.AuditEntry, caseID, requestID string, approve bool, note string) (caseView, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var req decisionRequest
		if len(c.Body()) == 0 {
			c.Request().SetBody([]byte("{}"))
		}
		u, id, err := caseAction(c, &req)
		if err != nil {
			return err
		}
		reqID, err := pathID(c, "request_id")
		if err != nil {
			return err
		}
		action := prefix + "_refuse"
		if approve {
			action = prefix + "_approve"
		}
		v, err := decide(c.UserContext(), u, langOf(c), audit(c, action), id, reqID, approve, req.Note)
		if err != nil {
			return err
		}
		return c.JSON(fiber.Map{"case": v})
	}
}

type resolveRequest struct {
	Resolution string `json:"resolution"`
}

// resolveCase: POST /api/v1/cases/{id}/resolve.
func (s *Server) resolveCase(c *fiber.Ctx) error {
	var req resolveRequest
	u, id, err := caseAction(c, &req)
	if err != nil {
		return err
	}
	v, err := s.Resolve(c.UserContext(), u, langOf(c), audit(c, "case.resolve"), id, req.Resolution)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"case": v})
}

type objectRequest struct {
	Reason string `json:"reason"`
}

// objectCase: POST /api/v1/cases/{id}/object.
func (s *Server) objectCase(c *fiber.Ctx) error {
	var req objectRequest
	u, id, err := caseAction(c, &req)
	if err != nil {
		return err
	}
	v, err := s.Object(c.UserContext(), u, langOf(c), audit(c, "case.object"), id, req.Reason)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"case": v})
}

type ratingRequest struct {
	Score   int    `json:"score"`
	Comment string `json:"comment"`
}

// rateCase: POST /api/v1/cases/{id}/rating.
func (s *Server) rateCase(c *fiber.Ctx) error {
	var req ratingRequest
	u, id, err := caseAction(c, &req)
	if err != nil {
		return err
	}
	v, err := s.Rate(c.UserContext(), u, langOf(c), audit(c, "case.rate"), id, req.Score, req.Comment)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"case": v})
}

type transitionRequest struct {
	Action string `json:"action"`
}

// transitionCase: POST /api/v1/cases/{id}/transition {action: start|await_citizen|resume|close}.
func (s *Server) transitionCase(c *fiber.Ctx) error {
	var req transitionRequest
	u, id, err := caseAction(c, &req)
	if err != nil {
		return err
	}
	v, err := s.Transition(c.UserContext(), u, langOf(c), audit(c, "case."+req.Action), id, jihat.Action(req.Action))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"case": v})
}

// pendingPostponements: GET /api/v1/cases/{id}/postponements — staff only.
func (s *Server) pendingPostponements(c *fiber.Ctx) error {
	u, id, err := caseAction(c, nil)
	if err != nil {
		return err
	}
	out, err := s.PendingPostponements(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"postponements": out})
}
