package server

import (
	"context"
	"log/slog"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Attendance from the room's presence and from check-ins.

// PresentMember reports whether userID is a member of meeting meetingID
// who is present now (in the room or checked in), with their seat. The
// meeting audio's signalling asks it: only members present may signal.
func (s *Server) PresentMember(ctx context.Context, meetingID, userID string) (jihat.MeetingSeat, bool, error) {
	_, status, seat, member, err := s.store.MeetingSeat(ctx, meetingID, userID)
	if err != nil || !member || status.Ended() {
		return seat, false, err
	}
	here, err := s.store.IsPresent(ctx, meetingID, userID)
	return seat, here, err
}

// meetingChannel reports whether channel is a meeting's room, whose
// attendance is its presence (hub.Config.StrictPresence).
func meetingChannel(channel string) bool {
	ch, err := jihat.ParseChannel(channel)
	return err == nil && ch.Kind == jihat.ChannelMeeting
}

// onPresence records attendance from the room's presence: a user's first
// connection to meeting:<id> (on any node) opens a stay, their last one
// closes it. Everyone in the room is told, with the new quorum.
func (s *Server) onPresence(ctx context.Context, channel, userID string, present bool) {
	ch, err := jihat.ParseChannel(channel)
	if err != nil || ch.Kind != jihat.ChannelMeeting {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*voteTimeout)
	defer cancel()
	// One member's edges of one room take turns on this node, and a
	// departure first asks the hub whether the member is still there: a
	// socket that reconnected at once (a dropped connection on a starved
	// machine) has its arrival recorded before the old socket's departure
	// is (the new socket's join ran while the stay was still open). That
	// late departure would mark a member absent who is in the room, and
	// refuse their votes until the check after it put them back. In turn,
	// the arrival that got in first is in the hub's presence before the
	// departure asks: the departure is dropped.
	defer s.edgeLocks.lock(ch.ID + " " + userID)()
	if !present {
		if here, perr := s.hub.Present(ctx, channel, userID); perr == nil && here {
			return
		}
	}
	edge := store.StayEdge{UserID: userID, Via: "ws", Join: present, Audit: jihat.AuditEntry{ActorID: userID, Details: `{"via":"ws"}`}}
	changed, err := s.stays.record(ch.ID, edge)
	// A reconnect races its own departure: the new connection's arrival
	// may have been recorded before this departure was. The hub's presence
	// is written before either edge is told, so asking it now settles it:
	// still there means back at once.
	if !present && err == nil && changed {
		if here, perr := s.hub.Present(ctx, channel, userID); perr == nil && here {
			s.attendanceChanged(ctx, ch.ID, userID, false, "ws")
			present, edge.Join = true, true
			changed, err = s.stays.record(ch.ID, edge)
		}
	}
	if err != nil {
		if jihat.ErrorCode(err) == jihat.EINTERNAL {
			s.log.WarnContext(ctx, "meeting attendance", slog.String("meeting", ch.ID), slog.Any("err", err))
		}
		return
	}
	if changed {
		s.attendanceChanged(ctx, ch.ID, userID, present, "ws")
	}
}

// attendanceChanged tells the room who came or went, with the new quorum
// (coalesced); the tallies of open motions follow (their present count
// changed).
func (s *Server) attendanceChanged(ctx context.Context, meetingID, userID string, present bool, via string) {
	action := "leave"
	if present {
		action = "join"
	}
	s.attendance.add(meetingID, attendanceEdge{UserID: userID, Action: action, Via: via, At: rfc3339(s.now().UTC())})
}

// CheckIn records u's arrival in person (POST /meetings/{id}/attendance)
// or, with in false, their departure (DELETE).
func (s *Server) CheckIn(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id string, in bool) error {
	m, _, err := s.Meeting(ctx, u, id)
	if err != nil {
		return err
	}
	var changed bool
	if in {
		a.Action = "meeting.checkin"
		changed, err = s.store.Join(ctx, m.ID, u.ID, "checkin", a)
	} else {
		a.Action = "meeting.checkout"
		changed, err = s.store.Leave(ctx, m.ID, u.ID, "checkin", a)
	}
	if err != nil {
		return err
	}
	if changed {
		s.attendanceChanged(ctx, m.ID, u.ID, in, "checkin")
	}
	return nil
}
