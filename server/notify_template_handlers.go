package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/notify"
)

// templateView is one text of a kind for one language and channel.
type templateView struct {
	Lang    string `json:"lang"`
	Channel string `json:"channel"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
	Custom  bool   `json:"custom"` // the entity's own text, not the default
}

// templatesRequest replaces an entity's texts of one kind; languages and
// channels left out use the defaults again.
type templatesRequest struct {
	Templates []templateInput `json:"templates"`
}

type templateInput struct {
	Lang    string `json:"lang"`
	Channel string `json:"channel"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// templateTarget reads the entity of the path, which the caller must
// manage (entity.manage), and {kind}: a known kind.
func (s *Server) templateTarget(c *fiber.Ctx) (string, notify.Kind, error) {
	_, entityID, err := s.entityManager(c, (*jihat.User).CanManageEntity)
	if err != nil {
		return "", notify.Kind{}, err
	}
	k, known := notify.LookupKind(c.Params("kind"))
	if !known {
		return "", k, jihat.Invalid(map[string]string{"kind": "unknown_notification_kind"})
	}
	return entityID, k, nil
}

// getTemplates: GET /api/v1/entities/{id}/templates/{kind} — the texts in
// use, the entity's own or the defaults (entity.manage of that entity).
func (s *Server) getTemplates(c *fiber.Ctx) error {
	entityID, k, err := s.templateTarget(c)
	if err != nil {
		return err
	}
	v, err := s.Templates(c.UserContext(), entityID, k)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// putTemplates: PUT /api/v1/entities/{id}/templates/{kind}. Each template
// must parse as a Go text/template and use only the known fields; the login
// of a new employee must keep its login and password.
func (s *Server) putTemplates(c *fiber.Ctx) error {
	entityID, k, err := s.templateTarget(c)
	if err != nil {
		return err
	}
	var req templatesRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := s.SetTemplates(c.UserContext(), audit(c, "notifications.templates"), entityID, k, req)
	if err != nil {
		return err
	}
	return c.JSON(v)
}
