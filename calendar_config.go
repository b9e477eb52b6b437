package jihat

import (
	"fmt"
	"strings"
	"time"
)

// CivilDate is a day on the calendar, without a time or a zone: a holiday.
type CivilDate struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the date of t in t's own location.
func DateOf(t time.Time) CivilDate {
	y, m, d := t.Date()
	return CivilDate{y, m, d}
}

// ParseCivilDate parses "2026-09-23".
func ParseCivilDate(s string) (CivilDate, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return CivilDate{}, invalidField("date", "invalid_date")
	}
	return DateOf(t), nil
}

// String returns the date as "2026-09-23".
func (d CivilDate) String() string {
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, int(d.Month), d.Day)
}

// fixedZones are zones without daylight saving, usable when the system has no
// time zone database. Others need the database (see LoadTimeZone).
var fixedZones = map[string]int{
	"Asia/Riyadh": 3, "Asia/Kuwait": 3, "Asia/Bahrain": 3, "Asia/Qatar": 3, "Asia/Aden": 3,
	"Asia/Baghdad": 3, "Asia/Dubai": 4, "Asia/Muscat": 4, "UTC": 0,
}

// LoadTimeZone loads an IANA time zone ("" is DefaultTimeZone). When the
// system has no time zone database it still returns the zones of the region
// that keep no daylight saving (Asia/Riyadh as +03:00, ...); for any other
// zone it returns an EINVALID error. Binaries should import time/tzdata so
// every zone loads everywhere.
func LoadTimeZone(name string) (*time.Location, error) {
	return loadTimeZone(name, time.LoadLocation)
}

// loadTimeZone is LoadTimeZone with the loader as a parameter, for tests.
func loadTimeZone(name string, load func(string) (*time.Location, error)) (*time.Location, error) {
	if name == "" {
		name = DefaultTimeZone
	}
	loc, err := load(name)
	if err == nil {
		return loc, nil
	}
	if h, ok := fixedZones[name]; ok {
		return time.FixedZone(name, h*60*60), nil
	}
	return nil, invalidField("time_zone", "invalid_time_zone")
}

// Validate reports a calendar that cannot be used as given: no working day
// or an unknown weekday, hours not minute-aligned or not 0 <= start < end <=
// 24h. It returns an EINVALID error with a message key per field.
func (c Calendar) Validate() error {
	fields := map[string]string{}
	if !validWorkdays(c.Workdays) {
		fields["workdays"] = "invalid_workdays"
	}
	if !validHours(c.DayStart, c.DayEnd) {
		fields["hours"] = "invalid_working_hours"
	}
	if len(fields) > 0 {
		return Invalid(fields)
	}
	return nil
}

// CalendarConfig is the stored and exchanged form of a Calendar, as an entity
// admin edits it.
type CalendarConfig struct {
	TimeZone string   `json:"time_zone"` // IANA name; "" = Asia/Riyadh
	Workdays []string `json:"workdays"`  // "sun" … "sat" (or full English names); empty = sun…thu
	Start    string   `json:"start"`     // "08:00"; "" with End "" = 08:00–15:00
	End      string   `json:"end"`       // "15:00"; "24:00" for the end of the day
	Holidays []string `json:"holidays"`  // "2026-09-23", or an inclusive range "2026-03-19..2026-03-22"
}

// MaxHolidays bounds the days a calendar may list (after ranges expand).
const MaxHolidays = 1000

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// Calendar checks cfg and returns the Calendar it describes, or an EINVALID
// error with a message key per bad field. It loads the time zone.
func (cfg CalendarConfig) Calendar() (Calendar, error) {
	fields := map[string]string{}
	c := Calendar{DayStart: DefaultDayStart, DayEnd: DefaultDayEnd}
	loc, err := LoadTimeZone(cfg.TimeZone)
	if err != nil {
		fields["time_zone"] = "invalid_time_zone"
	}
	c.Location = loc
	c.Workdays = DefaultWorkdays()
	if len(cfg.Workdays) > 0 {
		c.Workdays = nil
		for _, s := range cfg.Workdays {
			s = strings.ToLower(strings.TrimSpace(s))
			d, ok := weekdayNames[s[:min(3, len(s))]]
			if !ok || (len(s) > 3 && s != strings.ToLower(d.String())) {
				fields["workdays"] = "invalid_workdays"
				break
			}
			c.Workdays = append(c.Workdays, d)
		}
	}
	if cfg.Start != "" || cfg.End != "" {
		s, okS := parseClock(cfg.Start)
		e, okE := parseClock(cfg.End)
		if !okS || !okE || !validHours(s, e) {
			fields["hours"] = "invalid_working_hours"
		}
		c.DayStart, c.DayEnd = s, e
	}
	for _, h := range cfg.Holidays {
		if err := c.addHolidays(h); err != nil {
			fields["holidays"] = "invalid_holidays"
			break
		}
	}
	if len(fields) > 0 {
		return Calendar{}, Invalid(fields)
	}
	return c, nil
}

// addHolidays adds one date or an inclusive range "from..to" to c.
func (c *Calendar) addHolidays(s string) error {
	from, to, isRange := strings.Cut(strings.TrimSpace(s), "..")
	if !isRange {
		to = from
	}
	a, errA := ParseCivilDate(strings.TrimSpace(from))
	b, errB := ParseCivilDate(strings.TrimSpace(to))
	bad := invalidField("holidays", "invalid_holidays")
	if errA != nil || errB != nil {
		return bad
	}
	first := time.Date(a.Year, a.Month, a.Day, 12, 0, 0, 0, time.UTC)
	last := time.Date(b.Year, b.Month, b.Day, 12, 0, 0, 0, time.UTC)
	n := int(last.Sub(first)/(24*time.Hour)) + 1
	if n < 1 || len(c.Holidays)+n > MaxHolidays {
		return bad
	}
	for i := range n {
		c.Holidays = append(c.Holidays, DateOf(first.AddDate(0, 0, i)))
	}
	return nil
}

// parseClock parses "HH:MM" (00:00 to 24:00) as the time since midnight.
func parseClock(s string) (time.Duration, bool) {
	if len(s) != 5 || s[2] != ':' {
		return 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	h := int(s[0]-'0')*10 + int(s[1]-'0')
	m := int(s[3]-'0')*10 + int(s[4]-'0')
	if h > 24 || m > 59 || (h == 24 && m != 0) {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, true
}

// Config returns the CalendarConfig that describes c (holidays as single
// dates).
func (c Calendar) Config() CalendarConfig {
	w := c.norm()
	cfg := CalendarConfig{
		TimeZone: w.loc.String(),
		Start:    formatClock(w.start),
		End:      formatClock(w.end),
	}
	for d := time.Sunday; d <= time.Saturday; d++ {
		if w.days[d] {
			cfg.Workdays = append(cfg.Workdays, strings.ToLower(d.String()[:3]))
		}
	}
	for _, h := range c.Holidays {
		cfg.Holidays = append(cfg.Holidays, h.String())
	}
	return cfg
}

func formatClock(d time.Duration) string {
	return fmt.Sprintf("%02d:%02d", int(d/time.Hour), int(d%time.Hour/time.Minute))
}
