package jihat_test

import (
	"testing"
	"time"
	_ "time/tzdata" // the tests load Africa/Cairo and others on any machine

	"github.com/jihat/jihat"
)

// mustZone loads a time zone or fails the test.
func mustZone(tb testing.TB, name string) *time.Location {
	tb.Helper()
	loc, err := jihat.LoadTimeZone(name)
	if err != nil {
		tb.Fatalf("LoadTimeZone(%q): %v", name, err)
	}
	return loc
}

// at parses "2006-01-02 15:04" (or with seconds) in loc.
func at(tb testing.TB, loc *time.Location, s string) time.Time {
	tb.Helper()
	layout := "2006-01-02 15:04"
	if len(s) > len(layout) {
		layout += ":05"
	}
	t, err := time.ParseInLocation(layout, s, loc)
	if err != nil {
		tb.Fatalf("parse %q: %v", s, err)
	}
	return t
}

func dates(tb testing.TB, ss ...string) []jihat.CivilDate {
	tb.Helper()
	var out []jihat.CivilDate
	for _, s := range ss {
		d, err := jihat.ParseCivilDate(s)
		if err != nil {
			tb.Fatalf("ParseCivilDate(%q): %v", s, err)
		}
		out = append(out, d)
	}
	return out
}

// Calendars used below. March 2026: Sunday 1, Thursday 5, Friday 6, Saturday 7.
func testCalendars(tb testing.TB) map[string]jihat.Calendar {
	tb.Helper()
	riyadh := mustZone(tb, "Asia/Riyadh")
	withHolidays := jihat.DefaultCalendar()
	withHolidays.Location = riyadh
	withHolidays.Holidays = dates(tb,
		"2026-03-03",                             // a Tuesday
		"2026-03-12",                             // a Thursday
		"2026-03-22", "2026-03-23", "2026-03-24", // Sunday to Tuesday, in a row
	)
	return map[string]jihat.Calendar{
		"default":  jihat.DefaultCalendar(),
		"zero":     {}, // every field defaults
		"holidays": withHolidays,
		"egypt": {
			Location: mustZone(tb, "Africa/Cairo"),
			Workdays: jihat.DefaultWorkdays(),
			DayStart: 9 * time.Hour, DayEnd: 17 * time.Hour,
		},
		"company": {
			Location: riyadh,
			Workdays: []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday},
			DayStart: 9 * time.Hour, DayEnd: 17 * time.Hour,
		},
		"always": {
			Location: time.UTC,
			Workdays: []time.Weekday{0, 1, 2, 3, 4, 5, 6},
			DayStart: 0, DayEnd: 24 * time.Hour,
		},
	}
}

func TestAddWorking(t *testing.T) {
	cals := testCalendars(t)
	tests := []struct {
		name, cal, start string
		d                time.Duration
		want             string
	}{
		{"inside the day", "default", "2026-03-01 10:00", 2 * time.Hour, "2026-03-01 12:00"},
		{"into the next day", "default", "2026-03-01 14:00", 2 * time.Hour, "2026-03-02 09:00"},
		{"over the weekend", "default", "2026-03-05 14:00", 2 * time.Hour, "2026-03-08 09:00"},
		{"start on Friday", "default", "2026-03-06 10:00", time.Hour, "2026-03-08 09:00"},
		{"start on Saturday night, a whole day ends at closing", "default", "2026-03-07 23:00", 7 * time.Hour, "2026-03-08 15:00"},
		{"start before hours", "default", "2026-03-01 07:00", time.Hour, "2026-03-01 09:00"},
		{"start at closing", "default", "2026-03-01 15:00", time.Hour, "2026-03-02 09:00"},
		{"start after hours", "default", "2026-03-01 20:30", time.Hour, "2026-03-02 09:00"},
		{"exact day from opening", "default", "2026-03-01 08:00", 7 * time.Hour, "2026-03-01 15:00"},
		{"one minute before closing", "default", "2026-03-01 14:59", time.Minute, "2026-03-01 15:00"},
		{"seconds are kept", "default", "2026-03-01 14:59:30", time.Hour, "2026-03-02 08:59:30"},
		{"ninety minutes", "default", "2026-03-01 14:00", 90 * time.Minute, "2026-03-02 08:30"},
		{"72 working hours", "default", "2026-03-01 08:00", 72 * time.Hour, "2026-03-15 10:00"},
		{"72 working hours from Thursday afternoon", "default", "2026-03-05 13:00", 72 * time.Hour, "2026-03-19 15:00"},
		{"zero duration", "default", "2026-03-06 10:00", 0, "2026-03-06 10:00"},
		{"negative duration", "default", "2026-03-01 10:00", -time.Hour, "2026-03-01 10:00"},
		{"zero calendar is the default", "zero", "2026-03-05 14:00", 2 * time.Hour, "2026-03-08 09:00"},
		{"skip a Tuesday holiday", "holidays", "2026-03-02 14:00", 2 * time.Hour, "2026-03-04 09:00"},
		{"start on a holiday", "holidays", "2026-03-03 10:00", time.Hour, "2026-03-04 09:00"},
		{"holiday on Thursday joins the weekend", "holidays", "2026-03-11 14:00", 2 * time.Hour, "2026-03-15 09:00"},
		{"three holidays in a row after a weekend", "holidays", "2026-03-19 14:00", 2 * time.Hour, "2026-03-25 09:00"},
		{"72 hours across holidays", "holidays", "2026-03-01 08:00", 72 * time.Hour, "2026-03-17 10:00"},
		{"egypt inside the day", "egypt", "2026-03-01 09:00", 8 * time.Hour, "2026-03-01 17:00"},
		{"egypt over the weekend", "egypt", "2026-03-05 16:00", 2 * time.Hour, "2026-03-08 10:00"},
		{"egypt across the start of summer time", "egypt", "2026-04-23 16:00", 2 * time.Hour, "2026-04-26 10:00"},
		{"company works Friday", "company", "2026-03-06 16:00", 2 * time.Hour, "2026-03-09 10:00"},
		{"company rests Sunday", "company", "2026-03-08 10:00", time.Hour, "2026-03-09 10:00"},
		{"always open", "always", "2026-03-06 23:00", 2 * time.Hour, "2026-03-07 01:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cals[tt.cal]
			loc := c.Location
			if loc == nil {
				loc = mustZone(t, "Asia/Riyadh")
			}
			start, want := at(t, loc, tt.start), at(t, loc, tt.want)
			got := c.AddWorking(start, tt.d)
			if !got.Equal(want) {
				t.Fatalf("AddWorking(%s, %v) = %s, want %s", start, tt.d, got, want)
			}
			if tt.d > 0 {
				if w := c.WorkingDuration(start, got); w != tt.d {
					t.Errorf("WorkingDuration(start, result) = %v, want %v", w, tt.d)
				}
			}
		})
	}
}

func TestAddWorkingDaylightSaving(t *testing.T) {
	// Cairo moves from +02:00 to +03:00 on Friday 24 April 2026: Thursday
	// 16:00 is 14:00 UTC, and the deadline on Sunday 10:00 is 07:00 UTC.
	c := testCalendars(t)["egypt"]
	start := at(t, c.Location, "2026-04-23 16:00")
	if got := start.UTC().Format(time.RFC3339); got != "2026-04-23T14:00:00Z" {
		t.Fatalf("start = %s", got)
	}
	if got := c.AddWorking(start, 2*time.Hour).UTC().Format(time.RFC3339); got != "2026-04-26T07:00:00Z" {
		t.Fatalf("due = %s, want 2026-04-26T07:00:00Z", got)
	}
}

func TestAddWorkingHoursAndDueAt(t *testing.T) {
	c := jihat.DefaultCalendar()
	start := time.Date(2026, 3, 5, 11, 0, 0, 0, time.UTC) // Thursday 14:00 in Riyadh
	if got, want := c.AddWorkingHours(start, 3), time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC); !got.Equal(want) {
		t.Fatalf("AddWorkingHours = %s, want %s", got, want)
	}
	due := jihat.DueAt(c, 3, start)
	if due.Location() != time.UTC || !due.Equal(time.Date(2026, 3, 8, 7, 0, 0, 0, time.UTC)) {
		t.Fatalf("DueAt = %s (%s), want Sunday 07:00 UTC", due, due.Location())
	}
	sla := jihat.SLAHours{Normal: 72, Important: 24, VeryImportant: 4}
	for p, want := range map[jihat.Priority]int{jihat.PriorityNormal: 72, jihat.PriorityImportant: 24, jihat.PriorityVeryImportant: 4, "nope": 0} {
		if got := sla.HoursFor(p); got != want {
			t.Errorf("HoursFor(%s) = %d, want %d", p, got, want)
		}
	}
}

func TestWorkingDuration(t *testing.T) {
	cals := testCalendars(t)
	tests := []struct {
		name, cal, from, to string
		want                time.Duration
	}{
		{"one day", "default", "2026-03-01 08:00", "2026-03-01 15:00", 7 * time.Hour},
		{"night only", "default", "2026-03-01 15:00", "2026-03-02 08:00", 0},
		{"over the weekend", "default", "2026-03-05 14:00", "2026-03-08 09:00", 2 * time.Hour},
		{"a week", "default", "2026-03-01 00:00", "2026-03-08 00:00", 35 * time.Hour},
		{"inside one period", "default", "2026-03-01 09:10", "2026-03-01 09:40", 30 * time.Minute},
		{"reversed", "default", "2026-03-02 09:00", "2026-03-01 09:00", 0},
		{"equal", "default", "2026-03-02 09:00", "2026-03-02 09:00", 0},
		{"a week with a holiday", "holidays", "2026-03-01 00:00", "2026-03-08 00:00", 28 * time.Hour},
		{"Eid week", "holidays", "2026-03-22 00:00", "2026-03-29 00:00", 14 * time.Hour},
		{"egypt week", "egypt", "2026-03-01 00:00", "2026-03-08 00:00", 40 * time.Hour},
		{"company weekend", "company", "2026-03-06 16:00", "2026-03-09 10:00", 2 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := cals[tt.cal]
			from, to := at(t, c.Location, tt.from), at(t, c.Location, tt.to)
			if got := c.WorkingDuration(from, to); got != tt.want {
				t.Fatalf("WorkingDuration = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestAddWorkingInverse checks, over a grid of starts across two weeks and
// durations up to a month, that WorkingDuration undoes AddWorking and that the
// deadline is never outside working time (except at the closing instant).
func TestAddWorkingInverse(t *testing.T) {
	for name, c := range testCalendars(t) {
		t.Run(name, func(t *testing.T) {
			loc := c.Location
			if loc == nil {
				loc = time.UTC
			}
			base := time.Date(2026, 3, 1, 0, 0, 0, 0, loc)
			for h := 0; h < 14*24; h += 5 {
				start := base.Add(time.Duration(h)*time.Hour + 17*time.Minute)
				for _, d := range []time.Duration{time.Minute, 45 * time.Minute, 7 * time.Hour, 13 * time.Hour, 72 * time.Hour, 200 * time.Hour} {
					due := c.AddWorking(start, d)
					if got := c.WorkingDuration(start, due); got != d {
						t.Fatalf("start %s + %v = %s; WorkingDuration = %v", start, d, due, got)
					}
					if !c.IsWorkingTime(due.Add(-time.Nanosecond)) {
						t.Fatalf("start %s + %v = %s: the last instant before it is not working time", start, d, due)
					}
				}
			}
		})
	}
}

func TestWorkingTime(t *testing.T) {
	c := testCalendars(t)["holidays"]
	loc := c.Location
	tests := []struct {
		at      string
		working bool
		next    string
	}{
		{"2026-03-01 08:00", true, "2026-03-01 08:00"},
		{"2026-03-01 14:59", true, "2026-03-01 14:59"},
		{"2026-03-01 15:00", false, "2026-03-02 08:00"},
		{"2026-03-01 07:59", false, "2026-03-01 08:00"},
		{"2026-03-03 10:00", false, "2026-03-04 08:00"}, // holiday
		{"2026-03-06 10:00", false, "2026-03-08 08:00"}, // Friday
		{"2026-03-11 23:00", false, "2026-03-15 08:00"}, // before a Thursday holiday
	}
	for _, tt := range tests {
		t.Run(tt.at, func(t *testing.T) {
			tm := at(t, loc, tt.at)
			if got := c.IsWorkingTime(tm); got != tt.working {
				t.Errorf("IsWorkingTime = %v, want %v", got, tt.working)
			}
			if got := c.NextWorkingTime(tm); !got.Equal(at(t, loc, tt.next)) {
				t.Errorf("NextWorkingTime = %s, want %s", got, tt.next)
			}
		})
	}
}

func TestReminders(t *testing.T) {
	c := jihat.DefaultCalendar()
	loc := c.Location
	start := at(t, loc, "2026-03-01 08:00")
	due := at(t, loc, "2026-03-02 15:00") // 14 working hours later
	tests := []struct {
		name string
		got  time.Time
		want string
	}{
		{"75%", c.ReminderAt(start, due, jihat.DefaultReminderFraction), "2026-03-02 11:30"},
		{"0%", c.ReminderAt(start, due, 0), "2026-03-01 08:00"},
		{"NaN is 0%", c.ReminderAt(start, due, nanFloat()), "2026-03-01 08:00"},
		{"over 100% is due", c.ReminderAt(start, due, 3), "2026-03-02 15:00"},
		{"to the minute", c.ReminderAt(start, at(t, loc, "2026-03-01 08:07"), 0.5), "2026-03-01 08:03"},
		{"2 working hours before", c.ReminderBefore(start, due, 2*time.Hour), "2026-03-02 13:00"},
		{"8 working hours before crosses the night", c.ReminderBefore(start, due, 8*time.Hour), "2026-03-01 14:00"},
		{"longer than the SLA is the start", c.ReminderBefore(start, due, 20*time.Hour), "2026-03-01 08:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if want := at(t, loc, tt.want); !tt.got.Equal(want) {
				t.Fatalf("got %s, want %s", tt.got, want)
			}
		})
	}
}

func nanFloat() float64 {
	zero := 0.0
	return zero / zero
}

func BenchmarkAddWorking72h(b *testing.B) {
	c := testCalendars(b)["holidays"]
	start := at(b, c.Location, "2026-03-01 10:17")
	for b.Loop() {
		c.AddWorking(start, 72*time.Hour)
	}
}

func BenchmarkAddWorkingYear(b *testing.B) {
	c := testCalendars(b)["holidays"]
	start := at(b, c.Location, "2026-03-01 10:17")
	for b.Loop() {
		c.AddWorking(start, jihat.MaxSLAHours*time.Hour)
	}
}
