package server

import (
	"time"

	"github.com/jihat/jihat"
)

// Who may see and do what on a case. Every case handler and the live hub's
// subscription check go through these functions.

// staffOf reports whether u works for the case's entity.
func staffOf(u *jihat.User, c *jihat.Case) bool {
	return u.Role.IsStaff() && u.InEntity(c.EntityID) && u.Active
}

// inScope reports whether u's view covers the case without being its
// assignee: an entity admin's entity, a supervisor's department.
func inScope(u *jihat.User, c *jihat.Case) bool {
	return jihat.InScope(u, jihat.CaseAudience(c, jihat.VisibilityPublic))
}

// canSeeCase: the requester, the assignee, staff whose scope covers it,
// oversight and platform admins (jihat.CanRead, the one read rule that the
// live channels apply to every event too).
func canSeeCase(u *jihat.User, c *jihat.Case) bool {
	return jihat.CanRead(u, jihat.CaseAudience(c, jihat.VisibilityPublic))
}

// canSeeInternal: staff of the entity who can see the case and hold
// case.view_internal, and platform admins. Never the requester as such.
func canSeeInternal(u *jihat.User, c *jihat.Case) bool {
	return jihat.CanRead(u, jihat.CaseAudience(c, jihat.VisibilityInternal))
}

// canHandle: the assignee, or staff in scope, holding case.handle; and the
// oversight officer a case was escalated to (the last level of objection).
func canHandle(u *jihat.User, c *jihat.Case) bool {
	if c.EscalationLevel == jihat.EscalationOversight && c.AssigneeID == u.ID && u.Can(jihat.PermOversight) {
		return true
	}
	if !staffOf(u, c) || !u.Can(jihat.PermCaseHandle) {
		return u.IsPlatformAdmin()
	}
	return c.AssigneeID == u.ID || inScope(u, c)
}

// canManage: staff in scope holding perm (reassign, approve), or the
// assignee for permissions that act on one's own case (postpone).
func canManage(u *jihat.User, c *jihat.Case, perm jihat.Permission) bool {
	if u.IsPlatformAdmin() {
		return true
	}
	if !staffOf(u, c) || !u.Can(perm) {
		return false
	}
	return c.AssigneeID == u.ID || inScope(u, c)
}

// allowed is the check at the start of every case service: a case the
// caller may not see does not exist for them (404, so IDs cannot be probed);
// one they see but may not act on this way is 403.
func allowed(u *jihat.User, c *jihat.Case, may bool) error {
	if !canSeeCase(u, c) {
		return hidden()
	}
	if !may {
		return jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	return nil
}

// eventVisible reports whether u may see ev of case c.
func eventVisible(u *jihat.User, c *jihat.Case, ev *jihat.CaseEvent) bool {
	return jihat.CanRead(u, jihat.CaseAudience(c, ev.Visibility))
}

// callerActions lists the actions of the state machine that u may take on c
// now (window: the objection window), for the buttons a client shows. The services check again.
func callerActions(u *jihat.User, c *jihat.Case, now time.Time, window time.Duration) []jihat.Action {
	var out []jihat.Action
	for _, a := range jihat.AllowedActions(c.Status) {
		ok := false
		switch a {
		case jihat.ActionCitizenReply:
			ok = u.ID == c.RequesterID
		case jihat.ActionObject:
			ok = u.ID == c.RequesterID && c.CanObject(now, window) == nil
		case jihat.ActionAssign:
			ok = canManage(u, c, jihat.PermCaseReassign)
		case jihat.ActionUnassign:
			ok = false // done by the system when nobody can work the case
		case jihat.ActionPostpone:
			ok = canHandle(u, c) // without case.postpone it becomes a request
		default:
			ok = canHandle(u, c)
		}
		if ok {
			out = append(out, a)
		}
	}
	return out
}
