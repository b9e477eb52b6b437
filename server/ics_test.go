package server_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/jihat/jihat/notify"
)

// unfoldICS undoes RFC 5545 folding, checking every physical line on the
// way: CRLF ends, at most 75 octets, valid UTF-8 on its own (no character
// split across lines).
func unfoldICS(t *testing.T, raw []byte) []string {
	t.Helper()
	s := string(raw)
	if !strings.HasSuffix(s, "\r\n") {
		t.Fatal("the object does not end with CRLF")
	}
	physical := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	var lines []string
	for _, p := range physical {
		if strings.ContainsAny(p, "\r\n") {
			t.Fatalf("bare CR or LF in %q", p)
		}
		if len(p) > 75 {
			t.Errorf("line of %d octets: %q", len(p), p)
		}
		if !utf8.ValidString(p) {
			t.Errorf("a character is split across lines: %q", p)
		}
		if strings.HasPrefix(p, " ") {
			if len(lines) == 0 {
				t.Fatal("the first line is a continuation")
			}
			lines[len(lines)-1] += p[1:]
			continue
		}
		lines = append(lines, p)
	}
	return lines
}

// icsValue finds property name and returns its value, unescaped.
func icsValue(lines []string, name string) (string, bool) {
	for _, l := range lines {
		prop, value, ok := strings.Cut(l, ":")
		if !ok {
			continue
		}
		if p, _, _ := strings.Cut(prop, ";"); p == name {
			r := strings.NewReplacer(`\\`, `\`, `\;`, ";", `\,`, ",", `\n`, "\n", `\N`, "\n")
			return r.Replace(value), true
		}
	}
	return "", false
}

func TestICS(t *testing.T) {
	start := time.Date(2026, 3, 1, 10, 0, 0, 0, time.FixedZone("Asia/Riyadh", 3*3600))
	long := strings.Repeat("اجتماع مجلس الإدارة الدوري لمناقشة الميزانية؛ والخطة, والتقارير ", 4)
	for _, tc := range []struct {
		name string
		ev   notify.ICSEvent
	}{
		{"arabic summary folded", notify.ICSEvent{UID: "m-1@jihat", Summary: long, Description: "سطر أول\nسطر ثانٍ; مع فاصلة, وشرطة \\ مائلة",
			Location: "قاعة ١", Start: start, End: start.Add(time.Hour), Stamp: start.Add(-time.Hour),
			Organizer: icsPerson("أمين السر", "secretary@jihat.test"),
			Attendees: []notify.ICSPerson{icsPerson(`عضو "أول"`, "a@jihat.test"), icsPerson("Member Two", "b@jihat.test")}}},
		{"short english", notify.ICSEvent{UID: "m-2@jihat", Summary: "Board", Start: start, End: start.Add(30 * time.Minute), Stamp: start}},
		{"cancel", notify.ICSEvent{UID: "m-3@jihat", Method: "cancel", Sequence: 2, Summary: "ملغى", Start: start, Stamp: start}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			raw, err := notify.ICS(tc.ev)
			if err != nil {
				t.Fatal(err)
			}
			lines := unfoldICS(t, raw)
			if lines[0] != "BEGIN:VCALENDAR" || lines[len(lines)-1] != "END:VCALENDAR" {
				t.Fatalf("not one VCALENDAR: %q ... %q", lines[0], lines[len(lines)-1])
			}
			want := map[string]string{"VERSION": "2.0", "UID": tc.ev.UID, "SUMMARY": tc.ev.Summary,
				"DTSTART": "20260301T070000Z", "DTSTAMP": tc.ev.Stamp.UTC().Format("20060102T150405Z")}
			if tc.ev.Description != "" {
				want["DESCRIPTION"] = tc.ev.Description
			}
			if tc.ev.Method == "cancel" {
				want["METHOD"], want["STATUS"], want["SEQUENCE"] = "CANCEL", "CANCELLED", "2"
			} else {
				want["METHOD"], want["STATUS"] = "REQUEST", "CONFIRMED"
			}
			for prop, v := range want {
				if got, ok := icsValue(lines, prop); !ok || got != v {
					t.Errorf("%s = %q (%v), want %q", prop, got, ok, v)
				}
			}
			var begin, end int
			for _, l := range lines {
				begin += b2i(l == "BEGIN:VEVENT")
				end += b2i(l == "END:VEVENT")
			}
			if begin != 1 || end != 1 {
				t.Errorf("%d BEGIN:VEVENT, %d END:VEVENT", begin, end)
			}
			for _, a := range tc.ev.Attendees {
				found := false
				for _, l := range lines {
					if strings.HasPrefix(l, "ATTENDEE;") && strings.HasSuffix(l, ":mailto:"+a.Email) {
						found = true
						if strings.Count(l, `"`) != 2 {
							t.Errorf("attendee parameter quoting: %q", l)
						}
					}
				}
				if !found {
					t.Errorf("no ATTENDEE for %s", a.Email)
				}
			}
		})
	}
	// The attachment form names the method and the charset.
	a, err := notify.ICSAttachment(notify.ICSEvent{UID: "x", Method: "CANCEL", Summary: "s", Start: start, Stamp: start})
	if err != nil {
		t.Fatal(err)
	}
	if a.Name != "invite.ics" || a.ContentType != "text/calendar; method=CANCEL; charset=UTF-8" {
		t.Errorf("attachment = %q, %q", a.Name, a.ContentType)
	}
	// No stamp, no invitation: the package has no clock to fill it from.
	if _, err := notify.ICS(notify.ICSEvent{UID: "x", Summary: "s", Start: start}); !errors.Is(err, notify.ErrNoStamp) {
		t.Errorf("ICS without a stamp: %v, want ErrNoStamp", err)
	}
}

// icsPerson is a short constructor for the table above.
func icsPerson(name, email string) notify.ICSPerson {
	return notify.ICSPerson{Name: name, Email: email}
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
