package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
)

// listNotifications: GET /api/v1/notifications?unread=true&cursor=&limit=
// — the caller's own in-app notifications, newest first.
func (s *Server) listNotifications(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	fields := map[string]string{}
	var q notificationQuery
	switch c.Query("unread") {
	case "", "false", "0":
	case "true", "1":
		q.Unread = true
	default:
		fields["unread"] = "invalid_value"
	}
	q.Cursor = strings.ToLower(c.Query("cursor"))
	if q.Cursor != "" && !jihat.IsUUID(q.Cursor) {
		fields["cursor"] = "invalid_value"
	}
	q.Limit = c.QueryInt("limit", 50)
	if q.Limit < 1 || q.Limit > 100 {
		fields["limit"] = "invalid_value"
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	v, err := s.Notifications(c.UserContext(), u, q)
	if err != nil {
		return err
	}
	return c.JSON(v)
}

// readNotification: POST /api/v1/notifications/{id}/read. Someone else's
// notification is 404.
func (s *Server) readNotification(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	v, err := s.ReadNotification(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"notification": v})
}

// readAllNotifications: POST /api/v1/notifications/read-all.
func (s *Server) readAllNotifications(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	n, err := s.ReadAllNotifications(c.UserContext(), u)
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
	v, err := s.Preferences(c.UserContext(), u)
	if err != nil {
		return err
	}
	return c.JSON(v)
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
	v, err := s.SetPreferences(c.UserContext(), u, audit(c, "notifications.preferences"), req)
	if err != nil {
		return err
	}
	return c.JSON(v)
}
