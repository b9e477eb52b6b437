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
	cs, err := s.CreateCase(c.UserContext(), u, audit(c, "case.create"), in)
	if err != nil {
		return err
	}
	return s.renderCase(c, fiber.StatusCreated, cs)
}

// renderCase answers {case} with the people's names.
func (s *Server) renderCase(c *fiber.Ctx, status int, cs *jihat.Case) error {
	names, err := s.store.UserNames(c.UserContext(), []string{cs.RequesterID, cs.AssigneeID})
	if err != nil {
		return err
	}
	return c.Status(status).JSON(fiber.Map{"case": newCaseView(caller(c).user, cs, names, langOf(c), s.now(), s.cfg.ObjectionWindow)})
}

// visibleCase loads case {id} if the caller may see it (ENOTFOUND otherwise).
func (s *Server) visibleCase(c *fiber.Ctx) (*jihat.User, *jihat.Case, error) {
	u, err := requireUser(c)
	if err != nil {
		return nil, nil, err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return nil, nil, err
	}
	cs, err := s.store.Case(c.UserContext(), id)
	if err != nil {
		return nil, nil, err
	}
	if !canSeeCase(u, cs) {
		return nil, nil, hidden()
	}
	return u, cs, nil
}

// getCase: GET /api/v1/cases/{id}.
func (s *Server) getCase(c *fiber.Ctx) error {
	_, cs, err := s.visibleCase(c)
	if err != nil {
		return err
	}
	return s.renderCase(c, fiber.StatusOK, cs)
}

// caseEvents: GET /api/v1/cases/{id}/events?since=N&staff_since=M — the
// public timeline after N and, for staff who may see internal notes, the
// staff channel after M, merged in time order.
func (s *Server) caseEvents(c *fiber.Ctx) error {
	u, cs, err := s.visibleCase(c)
	if err != nil {
		return err
	}
	since, staffSince := int64(c.QueryInt("since", 0)), int64(c.QueryInt("staff_since", 0))
	if since < 0 || staffSince < 0 {
		return jihat.Invalid(map[string]string{"since": "invalid_value"})
	}
	ctx := c.UserContext()
	events, err := s.store.Events(ctx, jihat.CaseChannel(cs.ID), since, 1000)
	if err != nil {
		return err
	}
	if canSeeInternal(u, cs) {
		staff, err := s.store.Events(ctx, jihat.CaseStaffChannel(cs.ID), staffSince, 1000)
		if err != nil {
			return err
		}
		events = mergeByTime(events, staff)
	}
	ids := make([]string, 0, len(events))
	for _, e := range events {
		ids = append(ids, e.ActorID)
	}
	names, err := s.store.UserNames(ctx, ids)
	if err != nil {
		return err
	}
	out := make([]eventView, 0, len(events))
	for i := range events {
		if eventVisible(u, cs, &events[i]) { // a second guard: never an internal event to whoever may not see it
			out = append(out, newEventView(&events[i], names))
		}
	}
	return c.JSON(fiber.Map{"events": out})
}

// mergeByTime merges two time-ordered event lists.
func mergeByTime(a, b []jihat.CaseEvent) []jihat.CaseEvent {
	out := make([]jihat.CaseEvent, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		if !b[j].CreatedAt.Before(a[i].CreatedAt) {
			out = append(out, a[i])
			i++
		} else {
			out = append(out, b[j])
			j++
		}
	}
	return append(append(out, a[i:]...), b[j:]...)
}

// listCases: GET /api/v1/cases?status=&priority=&late=&assignee=&q=&cursor=&limit=
// — the caller's cases (scoped by role), filtered, newest first, keyset-paginated.
func (s *Server) listCases(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	q := store.CaseQuery{Now: s.now(), Limit: c.QueryInt("limit", 50)}
	if !scopeCases(u, &q) {
		return c.JSON(fiber.Map{"cases": []caseView{}, "next_cursor": nil})
	}
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
	if text := strings.TrimSpace(c.Query("q")); text != "" {
		if len(text) > 200 {
			return jihat.Invalid(map[string]string{"q": "too_long"})
		}
		if err := s.searchQuery(c, u, text, &q); err != nil {
			return err
		}
	}
	cases, next, err := s.store.ListCases(ctx, q)
	if err != nil {
		return err
	}
	ids := make([]string, 0, 2*len(cases))
	for _, cs := range cases {
		ids = append(ids, cs.RequesterID, cs.AssigneeID)
	}
	names, err := s.store.UserNames(ctx, ids)
	if err != nil {
		return err
	}
	out := make([]caseView, len(cases))
	for i := range cases {
		out[i] = newCaseView(u, &cases[i], names, langOf(c), q.Now, s.cfg.ObjectionWindow)
		if len(q.Terms) > 0 {
			out[i].Highlights = newHighlights(out[i].Subject, out[i].Body, q.Terms)
		}
	}
	var cursor any
	if next != "" {
		cursor = next
	}
	return c.JSON(fiber.Map{"cases": out, "next_cursor": cursor})
}

// scopeCases restricts q to what u may see; false when u sees no cases.
func scopeCases(u *jihat.User, q *store.CaseQuery) bool {
	switch {
	case u.IsPlatformAdmin() || u.Can(jihat.PermOversight):
		q.AllEntities = true
	case u.Role.IsStaff() && u.EntityID != "":
		q.EntityID = u.EntityID
		switch {
		case !u.Can(jihat.PermCaseViewAll):
			q.AssigneeID = u.ID
		case u.Role != jihat.RoleEntityAdmin && u.DepartmentID != "":
			q.DepartmentID = u.DepartmentID
		}
	case u.Can(jihat.PermCaseCreate):
		q.RequesterID = u.ID
	default:
		return false
	}
	return true
}

// searchQuery turns the q parameter into the query: a case number, a
// requester's national ID or mobile (staff only: personal data), or words.
func (s *Server) searchQuery(c *fiber.Ctx, u *jihat.User, text string, q *store.CaseQuery) error {
	if year, n, ok := jihat.ParseCaseNumber(text); ok {
		q.Number = jihat.FormatCaseNumber(year, n)
		return nil
	}
	if q.RequesterID == "" { // staff, oversight, admins
		if kind, value, err := jihat.ClassifyLogin(text); err == nil && kind != jihat.IdentEmail {
			id, err := s.store.UserIDByIdentifier(c.UserContext(), kind, value)
			if err != nil {
				return err
			}
			q.RequesterIDs = []string{id}
			return nil
		}
	}
	q.Terms = jihat.ParseSearch(text)
	q.Notes = searchesNotes(u, q)
	if len(q.Terms) == 0 {
		return jihat.Invalid(map[string]string{"q": "invalid_value"})
	}
	return nil
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
