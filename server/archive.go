package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// listAttachments: GET /api/v1/attachments — the document archive:
// ?case_id=&number=&requester_id=&entity_id=&kind=&q=&from=&to=&cursor=&limit=,
// scoped like the case list (a citizen sees the public files of their own
// cases; staff their scope; internal files only with case.view_internal).
func (s *Server) listAttachments(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	var cq store.CaseQuery
	if !scopeCases(u, &cq) {
		return c.JSON(fiber.Map{"attachments": []attachmentView{}, "next_cursor": nil})
	}
	q := store.AttachmentQuery{RequesterID: cq.RequesterID, EntityID: cq.EntityID, DepartmentID: cq.DepartmentID,
		AssigneeID: cq.AssigneeID, AllEntities: cq.AllEntities, Limit: c.QueryInt("limit", 50),
		PublicOnly: !(u.IsPlatformAdmin() || (u.Role.IsStaff() && u.Can(jihat.PermCaseViewInternal)))}
	fields := map[string]string{}
	for name, dst := range map[string]*string{"case_id": &q.CaseID, "cursor": &q.Cursor} {
		if v := c.Query(name); v != "" {
			if !jihat.IsUUID(v) {
				fields[name] = "invalid_id"
			}
			*dst = strings.ToLower(v)
		}
	}
	if v := c.Query("requester_id"); v != "" {
		switch {
		case !jihat.IsUUID(v):
			fields["requester_id"] = "invalid_id"
		case q.RequesterID != "" && q.RequesterID != strings.ToLower(v):
			return c.JSON(fiber.Map{"attachments": []attachmentView{}, "next_cursor": nil})
		default:
			q.RequesterID = strings.ToLower(v)
		}
	}
	if v := c.Query("entity_id"); v != "" {
		switch {
		case !jihat.IsUUID(v):
			fields["entity_id"] = "invalid_id"
		case q.EntityID != "" && q.EntityID != strings.ToLower(v):
			return c.JSON(fiber.Map{"attachments": []attachmentView{}, "next_cursor": nil})
		default:
			q.EntityID = strings.ToLower(v)
		}
	}
	if v := c.Query("number"); v != "" {
		year, n, ok := jihat.ParseCaseNumber(v)
		if !ok {
			fields["number"] = "invalid_value"
		}
		q.CaseNumber = jihat.FormatCaseNumber(year, n)
	}
	switch k := c.Query("kind"); k {
	case "", "document", "image", "audio":
		q.Kind = k
	default:
		fields["kind"] = "invalid_value"
	}
	if v := c.Query("from"); v != "" {
		t, ok := parseTime(v)
		if !ok {
			fields["from"] = "invalid_value"
		}
		q.From = t
	}
	if v := c.Query("to"); v != "" {
		t, ok := parseTime(v)
		if !ok {
			fields["to"] = "invalid_value"
		}
		q.To = t
	}
	if q.Limit < 1 || q.Limit > 100 {
		fields["limit"] = "invalid_value"
	}
	q.Name = c.Query("q")
	if len(q.Name) > 200 {
		fields["q"] = "too_long"
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	atts, next, err := s.store.ListAttachments(c.UserContext(), q)
	if err != nil {
		return err
	}
	out := make([]attachmentView, len(atts))
	for i := range atts {
		out[i] = newAttachmentView(&atts[i])
	}
	var cursor any
	if next != "" {
		cursor = next
	}
	return c.JSON(fiber.Map{"attachments": out, "next_cursor": cursor})
}
