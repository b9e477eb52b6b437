package server

import (
	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
)

type auditView struct {
	Seq       int64  `json:"seq"`
	ActorID   string `json:"actor_id,omitempty"`
	Action    string `json:"action"`
	Target    string `json:"target,omitempty"`
	IP        string `json:"ip,omitempty"`
	UserAgent string `json:"user_agent,omitempty"`
	Details   any    `json:"details"`
	At        string `json:"at"`
	Hash      string `json:"hash"`
}

// auditLog: GET /api/v1/audit?before=&limit= — the platform-wide log, for
// holders of audit.view outside any entity (platform admins).
func (s *Server) auditLog(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	if !u.Can(jihat.PermAuditView) || u.EntityID != "" {
		return jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	before := int64(c.QueryInt("before", 0))
	limit := c.QueryInt("limit", 100)
	if limit < 1 || limit > 500 || before < 0 {
		return jihat.Invalid(map[string]string{"limit": "invalid_value"})
	}
	entries, err := s.store.AuditLog(c.UserContext(), before, limit)
	if err != nil {
		return err
	}
	out := make([]auditView, len(entries))
	for i, e := range entries {
		out[i] = auditView{Seq: e.Seq, ActorID: e.ActorID, Action: e.Action, Target: e.Target, IP: e.IP,
			UserAgent: e.UserAgent, Details: rawJSON(e.Details), At: rfc3339(e.At), Hash: e.Hash}
	}
	return c.JSON(fiber.Map{"entries": out})
}
