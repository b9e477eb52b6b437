package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

// recipient is what rendering one message needs: the person, their
// language, the entity whose texts apply, and the template data.
type recipient struct {
	user      *jihat.User
	lang      jihat.Lang
	overrides []store.Template
	data      notify.TemplateData
}

// recipientReads reads what rendering a batch's messages needs; a person,
// their choices, a case, an entity and its templates are each read once
// per batch (a batch of 64 often holds one citizen's case many times).
type recipientReads struct {
	s         *Server
	users     map[string]userRead
	cases     map[string]*jihat.Case // nil: the case is gone
	prefs     map[string][]store.NotificationPref
	entities  map[string]*jihat.Entity
	templates map[string][]store.Template // by entity ID and kind
}

// userRead is one person's read, its "not found" included.
type userRead struct {
	u   *jihat.User
	err error
}

func newRecipientReads(s *Server) *recipientReads {
	return &recipientReads{s: s, users: map[string]userRead{}, cases: map[string]*jihat.Case{},
		prefs: map[string][]store.NotificationPref{}, entities: map[string]*jihat.Entity{}, templates: map[string][]store.Template{}}
}

// user returns person id; a batch often holds many messages for one person
// (every comment on a citizen's case), read once.
func (rr *recipientReads) user(ctx context.Context, id string) (*jihat.User, error) {
	if r, ok := rr.users[id]; ok {
		return r.u, r.err
	}
	u, err := rr.s.store.UserByID(ctx, id)
	if err == nil || jihat.ErrorCode(err) == jihat.ENOTFOUND {
		rr.users[id] = userRead{u, err}
	}
	return u, err
}

// caseOf returns case id (nil when it is gone).
func (rr *recipientReads) caseOf(ctx context.Context, id string) (*jihat.Case, error) {
	if c, ok := rr.cases[id]; ok {
		return c, nil
	}
	c, err := rr.s.store.Case(ctx, id)
	if err != nil && jihat.ErrorCode(err) != jihat.ENOTFOUND {
		return nil, err
	}
	rr.cases[id] = c
	return c, nil
}

// notificationPrefs returns the choices of person id.
func (rr *recipientReads) notificationPrefs(ctx context.Context, id string) ([]store.NotificationPref, error) {
	if p, ok := rr.prefs[id]; ok {
		return p, nil
	}
	p, err := rr.s.store.NotificationPrefs(ctx, id)
	if err == nil {
		rr.prefs[id] = p
	}
	return p, err
}

// entity returns entity id (nil when it is gone).
func (rr *recipientReads) entity(ctx context.Context, id string) (*jihat.Entity, error) {
	if e, ok := rr.entities[id]; ok {
		return e, nil
	}
	e, err := rr.s.store.Entity(ctx, id)
	if err != nil && jihat.ErrorCode(err) != jihat.ENOTFOUND {
		return nil, err
	}
	rr.entities[id] = e
	return e, nil
}

// entityTemplates returns the overrides of entity id for kind.
func (rr *recipientReads) entityTemplates(ctx context.Context, id, kind string) ([]store.Template, error) {
	key := id + "/" + kind
	if ts, ok := rr.templates[key]; ok {
		return ts, nil
	}
	ts, err := rr.s.store.Templates(ctx, id, kind)
	if err == nil {
		rr.templates[key] = ts
	}
	return ts, err
}

// recipient loads the person, the case and entity, and the entity's
// templates for m.
func (rr *recipientReads) recipient(ctx context.Context, m *store.OutboxMessage) (*recipient, error) {
	u, err := rr.user(ctx, m.RecipientID)
	if jihat.ErrorCode(err) == jihat.ENOTFOUND {
		return nil, notify.Permanent(errors.New("recipient not found"))
	}
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, notify.Permanent(errors.New("recipient account disabled"))
	}
	r := &recipient{user: u, lang: jihat.LangAR}
	if u.Lang == jihat.LangEN {
		r.lang = jihat.LangEN
	}
	entityID := u.EntityID
	var c *jihat.Case
	if m.CaseID != "" {
		if c, err = rr.caseOf(ctx, m.CaseID); err != nil {
			return nil, err
		}
		if c != nil {
			entityID = c.EntityID
		}
	}
	if id, _ := m.Data["entity_id"].(string); id != "" {
		entityID = id
	}
	entity, loc := "", jihat.DefaultCalendar().Location
	if entityID != "" {
		e, err := rr.entity(ctx, entityID)
		if err != nil {
			return nil, err
		}
		if e != nil {
			entity, loc = e.NameAR, e.WorkingCalendar().Location
			if r.lang == jihat.LangEN && e.NameEN != "" {
				entity = e.NameEN
			}
			if r.overrides, err = rr.entityTemplates(ctx, entityID, m.Kind); err != nil {
				return nil, err
			}
		}
	}
	r.data = notify.NewTemplateData(u.Name, entity, m.Data, loc)
	if c != nil {
		if r.data.Number == "" {
			r.data.Number = c.Number
		}
		if r.data.Subject == "" {
			r.data.Subject = c.Subject
		}
	}
	if m.Kind == notify.KindCredentials && r.data.Login == "" {
		r.data.Login = u.Email
	}
	return r, nil
}

// deliverChannel renders and sends m by e-mail or SMS. skip is true when
// the person has no address for it (a citizen registered without e-mail),
// or an address not verified yet: nothing but its verification code goes
// there (the notice stays in the app).
func (s *Server) deliverChannel(ctx context.Context, m *store.OutboxMessage, r *recipient, ch string) (d store.Delivery, skip bool) {
	d.Channel = ch
	if !s.mayReach(r.user, m.Kind, ch) {
		return d, true
	}
	subject, body := s.renderChannel(ctx, m, r, ch)
	msg := notify.Message{ID: m.ID, Kind: m.Kind, Channel: ch, Subject: subject, Text: body}
	if ch == notify.ChannelEmail {
		if msg.Email = r.user.Email; msg.Email == "" {
			return d, true
		}
		msg.Attachments = notify.Attachments(m.Data)
	} else if msg.Mobile = r.user.Mobile; msg.Mobile == "" {
		return d, true
	}
	sendCtx, cancel := context.WithTimeout(ctx, s.notify.cfg.Lease/2)
	id, err := notify.Send(sendCtx, s.cfg.Notifier, msg)
	cancel()
	switch {
	case err == nil:
		d.Status, d.ProviderID = store.DeliverySent, id
		if d.ProviderID == "" {
			d.ProviderID = "ok"
		}
	case notify.IsPermanent(err):
		d.Status, d.Error = store.DeliveryFailed, err.Error()
	default:
		d.Status, d.Error = store.DeliveryRetry, err.Error()
	}
	return d, false
}

// renderChannel renders the entity's template for the channel, or the
// default one when there is none or it fails.
func (s *Server) renderChannel(ctx context.Context, m *store.OutboxMessage, r *recipient, ch string) (subject, body string) {
	def := notify.DefaultTemplate(m.Kind, r.lang, ch)
	for _, t := range r.overrides {
		if t.Lang != r.lang || t.Channel != ch {
			continue
		}
		subject, errS := notify.Render(t.Subject, r.data)
		body, errB := notify.Render(t.Body, r.data)
		if errS == nil && errB == nil && body != "" && (subject != "" || ch == notify.ChannelSMS) {
			return subject, body
		}
		s.log.WarnContext(ctx, "notification template of the entity failed; using the default",
			slog.String("outbox", m.ID), slog.String("channel", ch), slog.Any("err", errors.Join(errS, errB)))
	}
	subject, errS := notify.Render(def.Subject, r.data)
	body, errB := notify.Render(def.Body, r.data)
	if err := errors.Join(errS, errB); err != nil { // the catalogue is tested; this is a bug
		s.log.ErrorContext(ctx, "notification default template failed", slog.String("outbox", m.ID), slog.Any("err", err))
	}
	return subject, body
}

// publishNotification sends a stored in-app notification on its person's
// channel.
func (s *Server) publishNotification(ctx context.Context, n *store.Notification) {
	payload, err := json.Marshal(newNotificationView(n))
	if err == nil {
		err = s.hub.Publish(ctx, jihat.UserChannel(n.UserID), hub.Event{Data: payload})
	}
	if err != nil { // stored: the list has it; only the live copy is lost
		s.log.WarnContext(ctx, "notification not published", slog.String("outbox", n.ID), slog.Any("err", err))
	}
}

// notificationView is an in-app notification on the wire.
type notificationView struct {
	ID        string  `json:"id"`
	Kind      string  `json:"kind"`
	Title     string  `json:"title"`
	Body      string  `json:"body"`
	CaseID    *string `json:"case_id"`
	Read      bool    `json:"read"`
	ReadAt    *string `json:"read_at"`
	CreatedAt string  `json:"created_at"`
}

func newNotificationView(n *store.Notification) notificationView {
	v := notificationView{ID: n.ID, Kind: n.Kind, Title: n.Title, Body: n.Body, Read: !n.ReadAt.IsZero(),
		CreatedAt: n.CreatedAt.UTC().Format(time.RFC3339)}
	if n.CaseID != "" {
		v.CaseID = &n.CaseID
	}
	if v.Read {
		at := n.ReadAt.UTC().Format(time.RFC3339)
		v.ReadAt = &at
	}
	return v
}

// mayReach reports whether a message of kind may go to u on ch: in the app
// always; by e-mail or SMS only to a verified address, except the code that
// verifies it.
func (s *Server) mayReach(u *jihat.User, kind, ch string) bool {
	switch ch {
	case notify.ChannelEmail:
		return u.ContactVerified(jihat.ContactEmail) || notify.VerifiesContact(kind, ch)
	case notify.ChannelSMS:
		return u.ContactVerified(jihat.ContactMobile) || notify.VerifiesContact(kind, ch)
	}
	return true
}
