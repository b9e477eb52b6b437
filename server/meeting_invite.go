package server

import (
	"context"

	"github.com/google/uuid"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

func uuidString() string { return uuid.Must(uuid.NewV7()).String() }

// invitees loads the member accounts of meeting id (before a transaction
// that invites them: SQLite has one connection, so nothing may be read
// outside the transaction while it runs).
func (s *Server) invitees(ctx context.Context, m *jihat.Meeting) (map[string]*jihat.User, error) {
	ids := make([]string, 0, len(m.Members)+1)
	for _, x := range m.Members {
		ids = append(ids, x.UserID)
	}
	return s.store.ActiveUsers(ctx, append(ids, m.CreatedBy))
}

// icsListAll is the most attendees an invitation's .ics lists: beyond it
// (a meeting of hundreds), each member's .ics lists its recipient alone
// (RFC 5546 lets an organizer send each attendee their own REQUEST), so
// the invitations of N members cost N small messages, not N copies of an
// N-line list (a thousand members: 100 MB in the outbox, sealed, stored
// and decoded again at delivery).
const icsListAll = 50

// invite queues, for every member of the meeting, the invitation (method
// REQUEST, a new or updated meeting) or the cancellation (CANCEL): an
// e-mail carrying the .ics, an SMS and an in-app notice, through the
// outbox. The .ics keeps the meeting's UID and carries its Sequence.
func (s *Server) invite(mt *store.MeetingTx, organizer *jihat.User, users map[string]*jihat.User, method string) error {
	m := mt.Meeting
	ev := notify.ICSEvent{UID: m.ID + "@jihat", Sequence: m.Sequence, Method: method, Summary: m.Title, Location: m.Location,
		Start: m.StartsAt, End: m.EndsAt, Stamp: mt.Now, Organizer: notify.ICSPerson{Name: organizer.Name, Email: organizer.Email}}
	if m.Remote && ev.Location == "" {
		ev.Location = "Jihat"
	}
	for _, it := range m.Agenda {
		if ev.Description != "" {
			ev.Description += "\n"
		}
		ev.Description += itoa(it.Position) + ". " + it.Title
	}
	if ev.Organizer.Email == "" {
		ev.Organizer.Email = "meetings@jihat.local"
	}
	person := map[string]notify.ICSPerson{}
	for _, x := range m.Members {
		if u := users[x.UserID]; u != nil && u.Email != "" {
			person[x.UserID] = notify.ICSPerson{Name: u.Name, Email: u.Email}
			ev.Attendees = append(ev.Attendees, person[x.UserID])
		}
	}
	all := len(ev.Attendees) <= icsListAll
	var ics string
	if all {
		raw, err := notify.ICS(ev)
		if err != nil {
			return err
		}
		ics = string(raw)
	}
	for _, x := range m.Members {
		if !all { // the recipient alone
			ev.Attendees = ev.Attendees[:0]
			if p, ok := person[x.UserID]; ok {
				ev.Attendees = append(ev.Attendees, p)
			}
			raw, err := notify.ICS(ev)
			if err != nil {
				return err
			}
			ics = string(raw)
		}
		data := map[string]any{"title": m.Title, "meeting": m.Title, "meeting_id": m.ID, "entity_id": m.EntityID,
			"starts_at": rfc3339(m.StartsAt), "ends_at": rfc3339(m.EndsAt), "sequence": m.Sequence, "method": method, "ics": ics}
		if err := mt.Notify("meeting.invitation", x.UserID, data); err != nil {
			return err
		}
	}
	return nil
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
