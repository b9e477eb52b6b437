package server

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

// The notification use cases of a person (their in-app notifications and
// their choices of channels) and of an entity admin (the entity's texts).
// Each validates its input, reads or writes through the store and returns
// the view the API answers.

// notificationQuery is a page of one's notifications.
type notificationQuery struct {
	Unread bool
	Cursor string // the last ID of the previous page
	Limit  int
}

// notificationList is a page of one's notifications.
type notificationList struct {
	Notifications []notificationView `json:"notifications"`
	NextCursor    *string            `json:"next_cursor"`
	UnreadCount   int64              `json:"unread_count"`
}

// Notifications returns a page of u's own in-app notifications, newest
// first, and how many are unread.
func (s *Server) Notifications(ctx context.Context, u *jihat.User, q notificationQuery) (notificationList, error) {
	list, next, err := s.store.Notifications(ctx, u.ID, q.Unread, q.Cursor, q.Limit)
	if err != nil {
		return notificationList{}, err
	}
	count, err := s.store.UnreadNotifications(ctx, u.ID)
	if err != nil {
		return notificationList{}, err
	}
	out := notificationList{Notifications: make([]notificationView, len(list)), UnreadCount: count}
	for i := range list {
		out.Notifications[i] = newNotificationView(&list[i])
	}
	if next != "" {
		out.NextCursor = &next
	}
	return out, nil
}

// ReadNotification marks u's notification id read; someone else's is
// ENOTFOUND.
func (s *Server) ReadNotification(ctx context.Context, u *jihat.User, id string) (notificationView, error) {
	n, err := s.store.MarkNotificationRead(ctx, u.ID, id)
	if err != nil {
		return notificationView{}, err
	}
	return newNotificationView(n), nil
}

// ReadAllNotifications marks every notification of u read and returns how
// many were unread.
func (s *Server) ReadAllNotifications(ctx context.Context, u *jihat.User) (int64, error) {
	return s.store.MarkAllNotificationsRead(ctx, u.ID)
}

// preferencesView is every kind a person may change with the channels on
// for it: their choice, else the default.
type preferencesView struct {
	Preferences map[string]map[string]bool `json:"preferences"`
}

// Preferences returns u's choices of channels.
func (s *Server) Preferences(ctx context.Context, u *jihat.User) (preferencesView, error) {
	prefs, err := s.store.NotificationPrefs(ctx, u.ID)
	if err != nil {
		return preferencesView{}, err
	}
	out := map[string]map[string]bool{}
	for _, k := range notify.Kinds {
		if k.Fixed {
			continue
		}
		on := channelsFor(k.Name, prefs)
		m := map[string]bool{}
		for _, ch := range notify.Channels {
			m[ch] = slices.Contains(on, ch)
		}
		out[k.Name] = m
	}
	return preferencesView{Preferences: out}, nil
}

// SetPreferences changes some of u's choices: kind → channel → on or off.
// Kinds and channels left out keep their setting; a fixed kind cannot be
// changed.
func (s *Server) SetPreferences(ctx context.Context, u *jihat.User, a jihat.AuditEntry, req preferencesRequest) (preferencesView, error) {
	if len(req.Preferences) == 0 {
		return preferencesView{}, jihat.Invalid(map[string]string{"preferences": "required"})
	}
	fields := map[string]string{}
	var prefs []store.NotificationPref
	for kind, channels := range req.Preferences {
		k, known := notify.LookupKind(kind)
		switch {
		case !known:
			fields["preferences."+kind] = "unknown_notification_kind"
			continue
		case k.Fixed:
			fields["preferences."+kind] = "notification_not_configurable"
			continue
		}
		for ch, on := range channels {
			if !slices.Contains(notify.Channels, ch) {
				fields["preferences."+kind+"."+ch] = "unknown_notification_channel"
				continue
			}
			prefs = append(prefs, store.NotificationPref{Kind: kind, Channel: ch, Enabled: on})
		}
	}
	if len(fields) > 0 {
		return preferencesView{}, jihat.Invalid(fields)
	}
	a.Details = detailsJSON(req.Preferences)
	if err := s.store.SetNotificationPrefs(ctx, u.ID, prefs, a); err != nil {
		return preferencesView{}, err
	}
	return s.Preferences(ctx, u)
}

// templatesView is the texts of one kind in use for every language and
// channel: the entity's own or the defaults.
type templatesView struct {
	Kind      string         `json:"kind"`
	Fields    []string       `json:"fields"`
	Templates []templateView `json:"templates"`
}

// SetTemplates replaces entity entityID's texts of kind k; languages and
// channels left out use the defaults again. Each template must parse as a
// Go text/template and use only the known fields; the login of a new
// employee must keep its login and password.
func (s *Server) SetTemplates(ctx context.Context, a jihat.AuditEntry, entityID string, k notify.Kind, req templatesRequest) (templatesView, error) {
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
		return templatesView{}, jihat.Invalid(fields)
	}
	a.Details = detailsJSON(map[string]any{"kind": k.Name, "templates": len(ts)})
	if err := s.store.SetTemplates(ctx, entityID, k.Name, ts, a); err != nil {
		return templatesView{}, err
	}
	return s.Templates(ctx, entityID, k)
}

// Templates returns entity entityID's texts of kind k in use.
func (s *Server) Templates(ctx context.Context, entityID string, k notify.Kind) (templatesView, error) {
	own, err := s.store.Templates(ctx, entityID, k.Name)
	if err != nil {
		return templatesView{}, err
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
	return templatesView{Kind: k.Name, Fields: notify.TemplateFields, Templates: out}, nil
}
