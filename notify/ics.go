package notify

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// ICSEvent is one calendar event (a meeting) for an iCalendar invitation.
type ICSEvent struct {
	UID         string // stable across updates of the same event, e.g. "<meeting id>@jihat"
	Sequence    int    // raise it on each update
	Method      string // REQUEST (default) or CANCEL
	Summary     string
	Description string
	Location    string
	URL         string
	Start, End  time.Time
	Stamp       time.Time // when the invitation was made (required: the caller's clock; ICS refuses a zero one)
	Organizer   ICSPerson
	Attendees   []ICSPerson
}

// ICSPerson is an organizer or attendee.
type ICSPerson struct {
	Name  string
	Email string
}

// ICS writes e as an RFC 5545 iCalendar object with one VEVENT: CRLF line
// ends, UTF-8 text escaped and folded at 75 octets without splitting a
// character, times in UTC. e.Stamp is required (ErrNoStamp): the package
// keeps no clock of its own, the caller passes its clock's time.
func ICS(e ICSEvent) ([]byte, error) {
	method := strings.ToUpper(e.Method)
	if method == "" {
		method = "REQUEST"
	}
	if e.Stamp.IsZero() {
		return nil, ErrNoStamp
	}
	var b bytes.Buffer
	line := func(s string) { foldLine(&b, s) }
	line("BEGIN:VCALENDAR")
	line("VERSION:2.0")
	line("PRODID:-//Jihat//Meetings//EN")
	line("CALSCALE:GREGORIAN")
	line("METHOD:" + method)
	line("BEGIN:VEVENT")
	line("UID:" + icsText(e.UID))
	line("SEQUENCE:" + strconv.Itoa(e.Sequence))
	line("DTSTAMP:" + icsTime(e.Stamp))
	line("DTSTART:" + icsTime(e.Start))
	if !e.End.IsZero() {
		line("DTEND:" + icsTime(e.End))
	}
	line("SUMMARY:" + icsText(e.Summary))
	if e.Description != "" {
		line("DESCRIPTION:" + icsText(e.Description))
	}
	if e.Location != "" {
		line("LOCATION:" + icsText(e.Location))
	}
	if e.URL != "" {
		line("URL:" + e.URL)
	}
	if e.Organizer.Email != "" {
		line("ORGANIZER" + icsCN(e.Organizer.Name) + ":mailto:" + e.Organizer.Email)
	}
	for _, a := range e.Attendees {
		line("ATTENDEE" + icsCN(a.Name) + ";ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;RSVP=TRUE:mailto:" + a.Email)
	}
	if method == "CANCEL" {
		line("STATUS:CANCELLED")
	} else {
		line("STATUS:CONFIRMED")
	}
	line("END:VEVENT")
	line("END:VCALENDAR")
	return b.Bytes(), nil
}

// ErrNoStamp is ICS's error for an event without its Stamp.
var ErrNoStamp = errors.New("notify: ICSEvent.Stamp is required")

// ICSAttachment is e as an e-mail attachment named invite.ics.
func ICSAttachment(e ICSEvent) (Attachment, error) {
	method := strings.ToUpper(e.Method)
	if method == "" {
		method = "REQUEST"
	}
	data, err := ICS(e)
	if err != nil {
		return Attachment{}, err
	}
	return Attachment{Name: "invite.ics", ContentType: "text/calendar; method=" + method + "; charset=UTF-8", Data: data}, nil
}

func icsTime(t time.Time) string { return t.UTC().Format("20060102T150405Z") }

// icsText escapes a TEXT value (RFC 5545 §3.3.11).
var icsEscaper = strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\r\n", `\n`, "\n", `\n`, "\r", `\n`)

func icsText(s string) string { return icsEscaper.Replace(strings.ToValidUTF8(s, "")) }

// icsCN is the ;CN= parameter of a name: quoted (a parameter value may not
// hold a double quote, nor control characters).
func icsCN(name string) string {
	name = strings.Map(func(r rune) rune {
		if r == '"' || r < 0x20 || r == 0x7f {
			return -1
		}
		return r
	}, strings.ToValidUTF8(name, ""))
	if name == "" {
		return ""
	}
	return `;CN="` + name + `"`
}

// foldLine writes s as one content line: at most 75 octets per physical
// line, continuation lines starting with one space, never splitting a UTF-8
// sequence, each ending in CRLF.
func foldLine(b *bytes.Buffer, s string) {
	const max = 75
	limit := max
	for len(s) > limit {
		cut := limit
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		b.WriteString(s[:cut])
		b.WriteString("\r\n ")
		s = s[cut:]
		limit = max - 1 // the leading space counts
	}
	b.WriteString(s)
	b.WriteString("\r\n")
}

// Attachments returns the files a queued message carries: a meeting's
// iCalendar invitation in data["ics"] (made with ICS).
func Attachments(data map[string]any) []Attachment {
	ics, _ := data["ics"].(string)
	if ics == "" {
		return nil
	}
	method := "REQUEST"
	if strings.Contains(ics, "\nMETHOD:CANCEL") {
		method = "CANCEL"
	}
	return []Attachment{{Name: "invite.ics", ContentType: fmt.Sprintf("text/calendar; method=%s; charset=UTF-8", method), Data: []byte(ics)}}
}
