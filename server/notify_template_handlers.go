package server

import (
	"fmt"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
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

// templateKind reads {kind} of the path: a known kind.
func templateKind(c *fiber.Ctx) (notify.Kind, error) {
	k, known := notify.LookupKind(c.Params("kind"))
	if !known {
		return k, jihat.Invalid(map[string]string{"kind": "unknown_notification_kind"})
	}
	return k, nil
}

// getTemplates: GET /api/v1/entities/{id}/templates/{kind} — the texts in
// use, the entity's own or the defaults (entity.manage of that entity).
func (s *Server) getTemplates(c *fiber.Ctx) error {
	_, entityID, err := s.entityManager(c, (*jihat.User).CanManageEntity)
	if err != nil {
		return err
	}
	k, err := templateKind(c)
	if err != nil {
		return err
	}
	return s.renderTemplates(c, entityID, k)
}

// putTemplates: PUT /api/v1/entities/{id}/templates/{kind}. Each template
// must parse as a Go text/template and use only the known fields; the login
// of a new employee must keep its login and password.
func (s *Server) putTemplates(c *fiber.Ctx) error {
	_, entityID, err := s.entityManager(c, (*jihat.User).CanManageEntity)
	if err != nil {
		return err
	}
	k, err := templateKind(c)
	if err != nil {
		return err
	}
	var req templatesRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	fields := map[string]string{}
	seen := map[string]bool{}
	ts := make([]store.Template, 0, len(req.Templates))
	for i, in := range req.Templates {
		f := fmt.Sprintf("templates[%d].", i)
		lang := jihat.Lang(in.Lang)
		if lang != jihat.LangAR && lang != jihat.LangEN {
			fields[f+"lang"] = "invalid_lang"
		}
		if !slices.Contains(k.Allowed(), in.Channel) {
			fields[f+"channel"] = "unknown_notification_channel"
		}
		if seen[in.Lang+"/"+in.Channel] {
			fields[f+"channel"] = "template_duplicate"
		}
		seen[in.Lang+"/"+in.Channel] = true
		subject, body := strings.TrimSpace(in.Subject), strings.TrimSpace(in.Body)
		switch {
		case in.Channel == notify.ChannelSMS && subject != "":
			fields[f+"subject"] = "invalid_value"
		case in.Channel != notify.ChannelSMS && subject == "":
			fields[f+"subject"] = "required"
		case subject != "":
			if key := notify.CheckText(subject, notify.MaxSubjectTemplate); key != "" {
				fields[f+"subject"] = key
			}
		}
		if body == "" {
			fields[f+"body"] = "required"
		} else if key := notify.CheckText(body, notify.MaxBodyTemplate); key != "" {
			fields[f+"body"] = key
		} else if k.Name == notify.KindCredentials {
			if _, _, used := notify.CheckTemplate(body, notify.MaxBodyTemplate); !used["Login"] || !used["Password"] {
				fields[f+"body"] = "template_missing_field"
			}
		}
		ts = append(ts, store.Template{Lang: lang, Channel: in.Channel, Subject: subject, Body: body})
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	a := audit(c, "notifications.templates")
	a.Details = detailsJSON(map[string]any{"kind": k.Name, "templates": len(ts)})
	if err := s.store.SetTemplates(c.UserContext(), entityID, k.Name, ts, a); err != nil {
		return err
	}
	return s.renderTemplates(c, entityID, k)
}

// renderTemplates answers the texts of kind for every language and channel.
func (s *Server) renderTemplates(c *fiber.Ctx, entityID string, k notify.Kind) error {
	own, err := s.store.Templates(c.UserContext(), entityID, k.Name)
	if err != nil {
		return err
	}
	var out []templateView
	for _, lang := range []jihat.Lang{jihat.LangAR, jihat.LangEN} {
		for _, ch := range k.Allowed() {
			def := notify.DefaultTemplate(k.Name, lang, ch)
			v := templateView{Lang: string(lang), Channel: ch, Subject: def.Subject, Body: def.Body}
			for _, t := range own {
				if t.Lang == lang && t.Channel == ch {
					v.Subject, v.Body, v.Custom = t.Subject, t.Body, true
				}
			}
			out = append(out, v)
		}
	}
	return c.JSON(fiber.Map{"kind": k.Name, "fields": notify.TemplateFields, "templates": out})
}
