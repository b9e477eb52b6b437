package server

import (
	"slices"

	"github.com/jihat/jihat"
)

// meetingAccess is what one user may do in one meeting. The one function
// that decides it (accessTo) serves REST answers, channel subscriptions and
// socket commands alike.
type meetingAccess struct {
	seat   jihat.MeetingSeat // the user's seat; Role "" when not a member
	admin  bool              // platform admin, or staff of the entity with meetings.manage
	see    bool              // read the meeting, subscribe to its channel
	run    bool              // schedule, update, agenda, motions, minutes drafts
	chair  bool              // approve minutes (the chair, or an admin)
	vote   bool              // a voting seat (presence and an open motion are checked when voting)
	minute bool              // read the minutes
}

// canAdminMeetings reports whether u may do everything a chair or a
// secretary may in every meeting of entityID.
func canAdminMeetings(u *jihat.User, entityID string) bool {
	return u.IsPlatformAdmin() || (u.InEntity(entityID) && u.Can(jihat.PermMeetingsManage))
}

// accessTo decides u's access to m.
func accessTo(u *jihat.User, m *jihat.Meeting) meetingAccess {
	var a meetingAccess
	if u == nil || !u.Active {
		return a
	}
	a.seat, _ = m.Member(u.ID)
	a.admin = canAdminMeetings(u, m.EntityID)
	member := a.seat.Role != ""
	a.see = member || a.admin
	a.run = a.admin || a.seat.Role.Runs()
	a.chair = a.admin || a.seat.Role == jihat.MeetingChair
	a.vote = a.seat.Role.Votes()
	a.minute = a.see || slices.Contains(m.MinutesFor, u.ID)
	return a
}

// seatable reports whether u may sit in a board or a meeting of entityID:
// staff of the entity or a board member account. Citizens, oversight and
// other entities' staff may not.
func seatable(u *jihat.User, entityID string) bool {
	return u != nil && u.Active && (u.InEntity(entityID) || u.Role == jihat.RoleBoardMember)
}
