package server

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

type createCaseRequest struct {
	EntityID   string `json:"entity_id"`
	CaseTypeID string `json:"case_type_id"`
	Subject    string `json:"subject"`
	Body       string `json:"body"`
	Priority   string `json:"priority"`
	Kind       string `json:"kind"`
	Category   string `json:"category"`
	ServiceID  string `json:"service_id"`
	Location   *struct {
		Lat float64 `json:"lat"`
		Lng float64 `json:"lng"`
	} `json:"location"`
}

// createCase: POST /api/v1/cases.
func (s *Server) createCase(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	var req createCaseRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	in := jihat.NewCaseInput{EntityID: strings.ToLower(req.EntityID), CaseTypeID: strings.ToLower(req.CaseTypeID),
		Subject: req.Subject, Body: req.Body, Priority: jihat.Priority(req.Priority), Kind: jihat.CaseKind(req.Kind),
		Category: jihat.ReportCategory(req.Category), ServiceID: strings.ToLower(req.ServiceID)}
	if req.Location != nil {
		in.Location = &jihat.Location{Lat: req.Location.Lat, Lng: req.Location.Lng}
	}
	v, err := s.CreateCase(c.UserContext(), u, langOf(c), audit(c, "case.create"), in)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"case": v})
}

// getCase: GET /api/v1/cases/{id}.
func (s *Server) getCase(c *fiber.Ctx) error {
	u, id, err := caseAction(c, nil)
	if err != nil {
		return err
	}
	v, err := s.Case(c.UserContext(), u, langOf(c), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"case": v})
}

// caseEvents: GET /api/v1/cases/{id}/events?since=N&staff_since=M — the
// public timeline after N and, for staff who may see internal notes, the
// staff channel after M, merged in time order.
func (s *Server) caseEvents(c *fiber.Ctx) error {
	u, id, err := caseAction(c, nil)
	if err != nil {
		return err
	}
	out, err := s.CaseEvents(c.UserContext(), u, id, int64(c.QueryInt("since", 0)), int64(c.QueryInt("staff_since", 0)))
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"events": out})
}

// listCases: GET /api/v1/cases?status=&priority=&late=&assignee=&q=&cursor=&limit=
// — the caller's cases (scoped by role), filtered, newest first, keyset-paginated.
func (s *Server) listCases(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	q := store.CaseQuery{Limit: c.QueryInt("limit", 50)}
	fields := map[string]string{}
	for _, st := range splitList(c.Query("status")) {
		status, err := jihat.ParseStatus(st)
		if err != nil {
			fields["status"] = "invalid_status"
		}
		q.Statuses = append(q.Statuses, status)
	}
	if p := c.Query("priority"); p != "" {
		if q.Priority = jihat.Priority(p); !q.Priority.Valid() {
			fields["priority"] = "invalid_priority"
		}
	}
	switch c.Query("late") {
	case "":
	case "true", "1":
		t := true
		q.Late = &t
	case "false", "0":
		f := false
		q.Late = &f
	default:
		fields["late"] = "invalid_value"
	}
	switch a := c.Query("assignee"); {
	case a == "":
	case a == "me":
		q.AssigneeID = u.ID
	case jihat.IsUUID(a):
		q.AssigneeID = strings.ToLower(a)
	default:
		fields["assignee"] = "invalid_id"
	}
	if cur := c.Query("cursor"); cur != "" {
		if !jihat.IsUUID(cur) && !store.ValidSearchCursor(cur) {
			fields["cursor"] = "invalid_value"
		}
		q.Cursor = strings.ToLower(cur)
	}
	if q.Limit < 1 || q.Limit > 100 {
		fields["limit"] = "invalid_value"
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	list, err := s.Cases(c.UserContext(), u, langOf(c), q, c.Query("q"))
	if err != nil {
		return err
	}
	return c.JSON(list)
}

// searchesNotes reports whether u's search of the cases in q's scope may
// match internal notes: only when u may read the internal side of every
// case the scope holds (jihat.CanRead with Internal: platform admins, and
// staff of the scope's one entity holding case.view_internal). A citizen,
// oversight, or staff without that permission search the public texts only.
func searchesNotes(u *jihat.User, q *store.CaseQuery) bool {
	if u.IsPlatformAdmin() {
		return true
	}
	return !q.AllEntities && q.RequesterID == "" && q.EntityID != "" && q.EntityID == u.EntityID &&
		u.Role.IsStaff() && u.Active && u.Can(jihat.PermCaseViewInternal)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// parseTime reads an RFC 3339 time.
func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}
