package server

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// An Open311 GeoReport v2 adapter over the guide's public view: the service
// list (GET /open311/v2/services.json) and a service's definition (GET
// /open311/v2/services/{service_code}.json). Only published services, the
// same as GET /api/v1/services; no session needed. The texts are in the
// language of ?lang= (ar or en), else Accept-Language, else Arabic, with the
// other language when a text is missing in it.
//
// Mapping: service_code = the service's ID; service_name and description =
// its name and description; group = its entity's name; keywords = the
// words of both names; metadata = false (a case needs no attributes beyond
// the subject and body); type = "realtime" (the case is opened at once).
// Extensions, ignored by GeoReport clients: entity_id, sector and url (the
// entity's own e-service).

// open311Service is one entry of a GeoReport v2 service list.
type open311Service struct {
	ServiceCode string `json:"service_code"`
	ServiceName string `json:"service_name"`
	Description string `json:"description"`
	Metadata    bool   `json:"metadata"`
	Type        string `json:"type"`
	Keywords    string `json:"keywords"`
	Group       string `json:"group"`
	EntityID    string `json:"entity_id"`
	Sector      string `json:"sector"`
	URL         string `json:"url,omitempty"`
}

// open311Definition is a GeoReport v2 service definition, with the list's
// fields beside it.
type open311Definition struct {
	open311Service
	Attributes []any `json:"attributes"`
}

// open311Lang is the language of the answer.
func open311Lang(c *fiber.Ctx) (jihat.Lang, error) {
	switch l := c.Query("lang"); l {
	case "":
		return langOf(c), nil
	case "ar":
		return jihat.LangAR, nil
	case "en":
		return jihat.LangEN, nil
	}
	return "", jihat.Invalid(map[string]string{"lang": "invalid_value"})
}

func pick(lang jihat.Lang, ar, en string) string {
	if lang == jihat.LangEN && en != "" || ar == "" {
		return en
	}
	return ar
}

// newOpen311Service maps the public view of a service.
func newOpen311Service(v serviceView, lang jihat.Lang) open311Service {
	var words []string
	seen := map[string]bool{}
	for _, w := range strings.Fields(v.NameAR + " " + v.NameEN) {
		w = strings.ToLower(strings.Trim(w, "،,.;:()\"'"))
		if len([]rune(w)) > 2 && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	out := open311Service{ServiceCode: v.ID, ServiceName: pick(lang, v.NameAR, v.NameEN),
		Description: pick(lang, v.DescriptionAR, v.DescriptionEN), Type: "realtime",
		Keywords: strings.Join(words, ","), EntityID: v.EntityID, URL: v.URL}
	if v.Entity != nil {
		out.Group, out.Sector = pick(lang, v.Entity.NameAR, v.Entity.NameEN), v.Entity.Sector
	}
	return out
}

// publicServiceView is the public view of sv with its entity.
func (s *Server) publicServiceView(ctx context.Context, sv *jihat.Service, entities map[string]*jihat.Entity) (serviceView, error) {
	v := newServiceView(sv, false)
	e, ok := entities[sv.EntityID]
	if !ok {
		var err error
		if e, err = s.store.Entity(ctx, sv.EntityID); err != nil {
			return v, err
		}
		entities[sv.EntityID] = e
	}
	v.Entity = &entityRef{ID: e.ID, NameAR: e.NameAR, NameEN: e.NameEN, Sector: string(e.Sector)}
	return v, nil
}

// open311Services: GET /open311/v2/services.json — every published service
// (?entity_id=, ?sector= narrow it), newest first.
func (s *Server) open311Services(c *fiber.Ctx) error {
	lang, err := open311Lang(c)
	if err != nil {
		return err
	}
	q := store.ServiceQuery{Limit: 100}
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
	ctx := c.UserContext()
	out := []open311Service{}
	entities := map[string]*jihat.Entity{}
	for {
		list, next, err := s.store.ListServices(ctx, q)
		if err != nil {
			return err
		}
		for _, sv := range list {
			v, err := s.publicServiceView(ctx, sv, entities)
			if err != nil {
				return err
			}
			out = append(out, newOpen311Service(v, lang))
		}
		if next == "" {
			break
		}
		q.Cursor = next
	}
	return sendCached(c, out)
}

// open311Service: GET /open311/v2/services/{service_code}.json — the
// definition of one published service (404 for a draft or an unknown code).
func (s *Server) open311Definition(c *fiber.Ctx) error {
	lang, err := open311Lang(c)
	if err != nil {
		return err
	}
	code, ok := strings.CutSuffix(c.Params("code"), ".json")
	if !ok || !jihat.IsUUID(code) {
		return hidden()
	}
	ctx := c.UserContext()
	sv, err := s.PublicService(ctx, strings.ToLower(code))
	if err != nil {
		return err
	}
	v, err := s.publicServiceView(ctx, sv, map[string]*jihat.Entity{})
	if err != nil {
		return err
	}
	return sendCached(c, open311Definition{open311Service: newOpen311Service(v, lang), Attributes: []any{}})
}

// sendCached sends v as JSON that anyone may cache for a minute, with an
// ETag (If-None-Match → 304). The answer varies with the language asked.
func sendCached(c *fiber.Ctx, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	sum := sha256.Sum256(body)
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=60, must-revalidate")
	c.Set(fiber.HeaderVary, fiber.HeaderAcceptLanguage)
	if match := c.Get(fiber.HeaderIfNoneMatch); match != "" && etagMatches(match, etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(body)
}
