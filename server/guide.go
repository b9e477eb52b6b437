package server

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// The service guide's HTTP handlers: decode, call one service, encode.

type localTextJSON struct {
	AR string `json:"ar"`
	EN string `json:"en"`
}

func toLocal(t *localTextJSON) jihat.LocalText { return jihat.LocalText{AR: t.AR, EN: t.EN} }

func toLocals(l []localTextJSON) []jihat.LocalText {
	out := make([]jihat.LocalText, len(l))
	for i := range l {
		out[i] = toLocal(&l[i])
	}
	return out
}

// serviceRequest is the body of POST /entities/{id}/services and PATCH
// /services/{id}: a field that is absent is left as it is.
type serviceRequest struct {
	NameAR        *string          `json:"name_ar"`
	NameEN        *string          `json:"name_en"`
	DescriptionAR *string          `json:"description_ar"`
	DescriptionEN *string          `json:"description_en"`
	Eligibility   *localTextJSON   `json:"eligibility"`
	Documents     *[]localTextJSON `json:"documents"`
	Fees          *localTextJSON   `json:"fees"`
	Steps         *[]localTextJSON `json:"steps"`
	Duration      *localTextJSON   `json:"duration"`
	OfficeHours   *localTextJSON   `json:"office_hours"`
	Channels      *[]string        `json:"channels"`
	URL           *string          `json:"url"`
	CaseTypeID    *string          `json:"case_type_id"`
}

// Patch sets the fields the request carries.
func (r *serviceRequest) Patch(c *jihat.ServiceContent) {
	for dst, src := range map[*string]*string{&c.NameAR: r.NameAR, &c.NameEN: r.NameEN,
		&c.DescriptionAR: r.DescriptionAR, &c.DescriptionEN: r.DescriptionEN, &c.URL: r.URL} {
		if src != nil {
			*dst = *src
		}
	}
	if r.CaseTypeID != nil {
		c.CaseTypeID = strings.ToLower(*r.CaseTypeID)
	}
	for dst, src := range map[*jihat.LocalText]*localTextJSON{&c.Eligibility: r.Eligibility, &c.Fees: r.Fees,
		&c.Duration: r.Duration, &c.OfficeHours: r.OfficeHours} {
		if src != nil {
			*dst = toLocal(src)
		}
	}
	if r.Documents != nil {
		c.Documents = toLocals(*r.Documents)
	}
	if r.Steps != nil {
		c.Steps = toLocals(*r.Steps)
	}
	if r.Channels != nil {
		c.Channels = make([]jihat.ServiceChannel, len(*r.Channels))
		for i, ch := range *r.Channels {
			c.Channels[i] = jihat.ServiceChannel(ch)
		}
	}
}

// createService: POST /api/v1/entities/{id}/services (entity admin) → 201 a draft.
func (s *Server) createService(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	entityID, err := pathID(c, "id")
	if err != nil {
		return err
	}
	var req serviceRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	var content jihat.ServiceContent
	req.Patch(&content)
	sv, err := s.CreateService(c.UserContext(), u, audit(c, "service.create"), entityID, content)
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"service": newServiceView(sv, true)})
}

// updateService: PATCH /api/v1/services/{id} (its entity's admins): the draft.
func (s *Server) updateService(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	var req serviceRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	sv, err := s.UpdateService(c.UserContext(), u, audit(c, "service.update"), id, req.Patch)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"service": newServiceView(sv, true)})
}

// publishService: POST /api/v1/services/{id}/publish → the next version.
func (s *Server) publishService(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	sv, err := s.PublishService(c.UserContext(), u, audit(c, "service.publish"), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"service": newServiceView(sv, true)})
}

// serviceVersions: GET /api/v1/services/{id}/versions (its editors).
func (s *Server) serviceVersions(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	vs, err := s.ServiceVersions(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	out := make([]fiber.Map, len(vs))
	for i, v := range vs {
		out[i] = fiber.Map{"version": v.Version, "published_at": rfc3339(v.PublishedAt), "published_by": v.PublishedBy,
			"content": newServiceContentView(&v.Content)}
	}
	return c.JSON(fiber.Map{"versions": out})
}

// getService: GET /api/v1/services/{id} (public): the published version,
// with an ETag and caching headers (If-None-Match → 304).
func (s *Server) getService(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	sv, err := s.PublicService(c.UserContext(), id)
	if err != nil {
		return err
	}
	body, err := json.Marshal(fiber.Map{"service": newServiceView(sv, false)})
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=60, must-revalidate")
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && etagMatches(match, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(body)
}

// etagMatches reads an If-None-Match list ("*", or tags, weak or strong).
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// listServices: GET /api/v1/services?q=&entity_id=&cursor=&limit= (public):
// published services, a search ranked by name then the other texts.
func (s *Server) listServices(c *fiber.Ctx) error {
	q := store.ServiceQuery{Limit: c.QueryInt("limit", 50)}
	if e := c.Query("entity_id"); e != "" {
		if !jihat.IsUUID(e) {
			return jihat.Invalid(map[string]string{"entity_id": "invalid_id"})
		}
		q.EntityID = strings.ToLower(e)
	}
	if sec := c.Query("sector"); sec != "" {
		if !jihat.Sector(sec).Valid() {
			return jihat.Invalid(map[string]string{"sector": "invalid_value"})
		}
		q.Sector = sec
	}
	return s.renderServices(c, q)
}

// listEntityServices: GET /api/v1/entities/{id}/services: the entity's
// published services; its editors also get the drafts.
func (s *Server) listEntityServices(c *fiber.Ctx) error {
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	if _, err := s.store.Entity(c.UserContext(), id); err != nil {
		return err
	}
	return s.renderServices(c, store.ServiceQuery{EntityID: id, WithDrafts: true, Limit: c.QueryInt("limit", 50)})
}

func (s *Server) renderServices(c *fiber.Ctx, q store.ServiceQuery) error {
	fields := map[string]string{}
	if q.Limit < 1 || q.Limit > 100 {
		fields["limit"] = "invalid_value"
	}
	if text := strings.TrimSpace(c.Query("q")); text != "" {
		if len(text) > 200 {
			fields["q"] = "too_long"
		} else if q.Terms = jihat.ParseSearch(text); len(q.Terms) == 0 {
			fields["q"] = "invalid_value"
		}
	}
	if cur := c.Query("cursor"); cur != "" {
		if !jihat.IsUUID(cur) && !store.ValidSearchCursor(cur) {
			fields["cursor"] = "invalid_value"
		}
		q.Cursor = strings.ToLower(cur)
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	var u *jihat.User
	if p := caller(c); p != nil {
		u = p.user
	}
	list, next, err := s.ListServices(c.UserContext(), u, q)
	if err != nil {
		return err
	}
	entities := map[string]*jihat.Entity{}
	out := make([]serviceView, len(list))
	for i, sv := range list {
		editor := u != nil && u.CanEditServices(sv.EntityID) && q.WithDrafts
		out[i] = newServiceView(sv, editor)
		if _, ok := entities[sv.EntityID]; !ok {
			if entities[sv.EntityID], err = s.store.Entity(c.UserContext(), sv.EntityID); err != nil {
				return err
			}
		}
		e := entities[sv.EntityID]
		out[i].Entity = &entityRef{ID: e.ID, NameAR: e.NameAR, NameEN: e.NameEN, Sector: string(e.Sector)}
		if len(q.Terms) > 0 {
			out[i].Highlights = &serviceHighlights{NameAR: jihat.Highlight(out[i].NameAR, q.Terms),
				NameEN: jihat.Highlight(out[i].NameEN, q.Terms), DescriptionAR: jihat.Highlight(out[i].DescriptionAR, q.Terms),
				DescriptionEN: jihat.Highlight(out[i].DescriptionEN, q.Terms)}
		}
	}
	var cursor any
	if next != "" {
		cursor = next
	}
	if u == nil {
		c.Set(fiber.HeaderCacheControl, "public, max-age=30")
	} else {
		c.Set(fiber.HeaderCacheControl, "private, no-cache")
	}
	return c.JSON(fiber.Map{"services": out, "next_cursor": cursor})
}

// serviceStats: GET /api/v1/stats/services?entity_id=&from=&to= — the
// services that generate the most cases.
func (s *Server) serviceStats(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	entityID := c.Query("entity_id")
	if entityID != "" && !jihat.IsUUID(entityID) {
		fields["entity_id"] = "invalid_id"
	}
	from, to := c.Query("from"), c.Query("to")
	f, okf := parseTime(from)
	t, okt := parseTime(to)
	if from != "" && !okf {
		fields["from"] = "invalid_value"
	}
	if to != "" && !okt {
		fields["to"] = "invalid_value"
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	counts, err := s.ServiceStats(c.UserContext(), u, strings.ToLower(entityID), f, t)
	if err != nil {
		return err
	}
	out := make([]fiber.Map, 0, len(counts))
	for _, n := range counts {
		row := fiber.Map{"service_id": n.ServiceID, "entity_id": n.EntityID, "cases": n.Cases}
		if sv, err := s.store.Service(c.UserContext(), n.ServiceID); err == nil {
			content := sv.Draft
			if sv.Published != nil {
				content = *sv.Published
			}
			row["name_ar"], row["name_en"] = content.NameAR, content.NameEN
		}
		out = append(out, row)
	}
	return c.JSON(fiber.Map{"services": out})
}
