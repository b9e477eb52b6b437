package server

import (
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

// listNotifications: GET /api/v1/notifications?unread=true&cursor=&limit=
// — the caller's own in-app notifications, newest first.
func (s *Server) listNotifications(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	unread := false
	switch c.Query("unread") {
	case "", "false", "0":
	case "true", "1":
		unread = true
	default:
		fields["unread"] = "invalid_value"
	}
	cursor := strings.ToLower(c.Query("cursor"))
	if cursor != "" && !jihat.IsUUID(cursor) {
		fields["cursor"] = "invalid_value"
	}
	limit := c.QueryInt("limit", 50)
	if limit < 1 || limit > 100 {
		fields["limit"] = "invalid_value"
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	ctx := c.UserContext()
	list, next, err := s.store.Notifications(ctx, u.ID, unread, cursor, limit)
	if err != nil {
		return err
	}
	count, err := s.store.UnreadNotifications(ctx, u.ID)
	if err != nil {
		return err
	}
	out := make([]notificationView, len(list))
	for i := range list {
		out[i] = newNotificationView(&list[i])
	}
	var nextCursor any
	if next != "" {
		nextCursor = next
	}
	return c.JSON(fiber.Map{"notifications": out, "next_cursor": nextCursor, "unread_count": count})
}

// readNotification: POST /api/v1/notifications/{id}/read. Someone else's
// notification is 404.
func (s *Server) readNotification(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	id, err := pathID(c, "id")
	if err != nil {
		return err
	}
	n, err := s.store.MarkNotificationRead(c.UserContext(), u.ID, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"notification": newNotificationView(n)})
}

// readAllNotifications: POST /api/v1/notifications/read-all.
func (s *Server) readAllNotifications(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	n, err := s.store.MarkAllNotificationsRead(c.UserContext(), u.ID)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"updated": n})
}

// preferencesRequest changes some of the caller's choices: kind → channel →
// on or off. Kinds and channels left out keep their setting.
type preferencesRequest struct {
	Preferences map[string]map[string]bool `json:"preferences"`
}

// getPreferences: GET /api/v1/me/notification-preferences.
func (s *Server) getPreferences(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	return s.renderPreferences(c, u.ID)
}

// putPreferences: PUT /api/v1/me/notification-preferences.
func (s *Server) putPreferences(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	var req preferencesRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	if len(req.Preferences) == 0 {
		return jihat.Invalid(map[string]string{"preferences": "required"})
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
		return jihat.Invalid(fields)
	}
	a := audit(c, "notifications.preferences")
	a.Details = detailsJSON(req.Preferences)
	if err := s.store.SetNotificationPrefs(c.UserContext(), u.ID, prefs, a); err != nil {
		return err
	}
	return s.renderPreferences(c, u.ID)
}

// renderPreferences answers every kind a person may change with the
// channels on for it: their choice, else the default.
func (s *Server) renderPreferences(c *fiber.Ctx, userID string) error {
	prefs, err := s.store.NotificationPrefs(c.UserContext(), userID)
	if err != nil {
		return err
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
	return c.JSON(fiber.Map{"preferences": out})
}
