package server_test

import (
	"bytes"
	"strconv"
	"strings"
	"testing"
	"time"

	ical "github.com/emersion/go-ical"

	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/notify"
)

// TestMeetingInvitationICS: every member's invitation e-mail carries an
// .ics that a calendar parser reads back (method, start, end, organiser,
// UID, sequence); an update keeps the UID and raises the sequence; a
// cancellation is METHOD:CANCEL with the next sequence.
func TestMeetingInvitationICS(t *testing.T) {
	ts := testserver.Start(t)
	api := mapi{ts.URL}
	w := newMeetingWorld(t, api, ts.Admin(), 2)
	m := w.schedule(t)
	id := m["id"].(string)
	start, _ := time.Parse(time.RFC3339, m["starts_at"].(string))
	read := func(seq int) (*ical.Calendar, *ical.Event) {
		t.Helper()
		if _, err := ts.Server.FlushNotifications(t.Context()); err != nil {
			t.Fatal(err)
		}
		var found *notify.Attachment
		for _, msg := range ts.Notifier.To(w.members[1].Email) {
			for i, a := range msg.Attachments {
				if msg.Kind == "meeting.invitation" && bytes.Contains(a.Data, []byte("SEQUENCE:"+itoaTest(seq)+"\r\n")) {
					found = &msg.Attachments[i]
				}
			}
		}
		if found == nil {
			t.Fatalf("no invitation with SEQUENCE:%d to %s in %d messages", seq, w.members[1].Email, len(ts.Notifier.To(w.members[1].Email)))
		}
		if !strings.HasPrefix(found.ContentType, "text/calendar") || !strings.HasSuffix(found.Name, ".ics") {
			t.Errorf("attachment %s %s", found.Name, found.ContentType)
		}
		cal, err := ical.NewDecoder(bytes.NewReader(found.Data)).Decode()
		if err != nil {
			t.Fatalf("parse .ics: %v\n%s", err, found.Data)
		}
		evs := cal.Events()
		if len(evs) != 1 {
			t.Fatalf("%d events", len(evs))
		}
		return cal, &evs[0]
	}
	check := func(cal *ical.Calendar, ev *ical.Event, method string, seq int, from, to time.Time) string {
		t.Helper()
		if got, _ := cal.Props.Text(ical.PropMethod); got != method {
			t.Errorf("METHOD %q, want %s", got, method)
		}
		uid, _ := ev.Props.Text(ical.PropUID)
		if s, _ := ev.Props.Get(ical.PropSequence).Int(); s != seq {
			t.Errorf("SEQUENCE %d, want %d", s, seq)
		}
		if st, err := ev.DateTimeStart(time.UTC); err != nil || !st.Equal(from) {
			t.Errorf("DTSTART %v %v, want %v", st, err, from)
		}
		if en, err := ev.DateTimeEnd(time.UTC); err != nil || !en.Equal(to) {
			t.Errorf("DTEND %v %v, want %v", en, err, to)
		}
		org := ev.Props.Get(ical.PropOrganizer)
		if org == nil || !strings.EqualFold(org.Value, "mailto:"+w.secretary.Email) {
			t.Errorf("ORGANIZER %v, want the secretary who scheduled it", org)
		}
		if s, _ := ev.Props.Text(ical.PropSummary); s != "الاجتماع الدوري" {
			t.Errorf("SUMMARY %q", s)
		}
		return uid
	}
	cal, ev := read(0)
	uid := check(cal, ev, "REQUEST", 0, start, start.Add(2*time.Hour))
	// A small meeting's invitation lists every attendee.
	if got, want := icsAttendees(ev), len(w.members)+3; len(got) != want || !got[w.members[0].Email] || !got[w.members[1].Email] {
		t.Errorf("ATTENDEEs %v, want the %d seats", got, want)
	}
	if uid != id+"@jihat" {
		t.Errorf("UID %q", uid)
	}
	later := start.Add(3 * time.Hour)
	api.must(t, 200, "PATCH", "/api/v1/meetings/"+id, w.secretary.Token, map[string]any{"starts_at": later, "ends_at": later.Add(time.Hour)})
	cal, ev = read(1)
	if u := check(cal, ev, "REQUEST", 1, later, later.Add(time.Hour)); u != uid {
		t.Errorf("the update changed the UID: %q → %q", uid, u)
	}
	api.must(t, 200, "POST", "/api/v1/meetings/"+id+"/cancel", w.secretary.Token, nil)
	cal, ev = read(2)
	if u := check(cal, ev, "CANCEL", 2, later, later.Add(time.Hour)); u != uid {
		t.Errorf("the cancellation changed the UID: %q → %q", uid, u)
	}
	// Cancelling twice sends nothing more; a vote in a cancelled meeting is refused.
	api.must(t, 200, "POST", "/api/v1/meetings/"+id+"/cancel", w.secretary.Token, nil)
	if st, _ := api.code(t, "POST", "/api/v1/meetings/"+id+"/motions", w.chair.Token, map[string]any{"title": "x"}); st != 409 {
		t.Errorf("motion in a cancelled meeting: %d", st)
	}
}

func itoaTest(n int) string { return strconv.Itoa(n) }

// icsAttendees returns the e-mails of an event's ATTENDEEs.
func icsAttendees(ev *ical.Event) map[string]bool {
	out := map[string]bool{}
	for _, p := range ev.Props.Values(ical.PropAttendee) {
		out[strings.ToLower(strings.TrimPrefix(strings.ToLower(p.Value), "mailto:"))] = true
	}
	return out
}

// TestMeetingInvitationICSLarge: beyond 50 attendees each member's .ics
// lists its recipient alone (N small messages, not N copies of an N-line
// list), and still reads back as the meeting's event.
func TestMeetingInvitationICSLarge(t *testing.T) {
	ts := testserver.Start(t)
	api := mapi{ts.URL}
	w := newMeetingWorld(t, api, ts.Admin(), 50) // + chair, secretary, observer: 53 seats
	id := w.schedule(t)["id"].(string)
	if _, err := ts.Server.FlushNotifications(t.Context()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []seatPerson{w.members[0], w.members[49], w.chair} {
		n := 0
		for _, msg := range ts.Notifier.To(p.Email) {
			for _, a := range msg.Attachments {
				if msg.Kind != "meeting.invitation" || !strings.HasSuffix(a.Name, ".ics") {
					continue
				}
				n++
				cal, err := ical.NewDecoder(bytes.NewReader(a.Data)).Decode()
				if err != nil || len(cal.Events()) != 1 {
					t.Fatalf("parse .ics: %v", err)
				}
				ev := cal.Events()[0]
				if uid, _ := ev.Props.Text(ical.PropUID); uid != id+"@jihat" {
					t.Errorf("UID %q", uid)
				}
				if got := icsAttendees(&ev); len(got) != 1 || !got[strings.ToLower(p.Email)] {
					t.Errorf("%s's .ics lists %v, want the recipient alone", p.Email, got)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s got %d invitations", p.Email, n)
		}
	}
}
