package jihat

import (
	"time"
)

// Calendar is an entity's working time: the days of the week it works, the
// hours of a working day on the wall clock of its time zone, and its
// holidays. SLA clocks run only in working time.
//
// A zero field takes the default: Asia/Riyadh (as a fixed +03:00 zone, exact
// since Saudi Arabia keeps no daylight saving), Sunday to Thursday, 08:00 to
// 15:00. Hours that fail Validate are replaced by the default hours, so the
// arithmetic always ends. Methods never read files: load the zone once with
// LoadTimeZone (or CalendarConfig.Calendar) and keep the Calendar.
//
// A Calendar is a value; it is safe for concurrent use as long as nobody
// changes its slices.
type Calendar struct {
	Location *time.Location
	Workdays []time.Weekday // the working days; duplicates are harmless
	DayStart time.Duration  // start of the working day, as wall-clock time since midnight
	DayEnd   time.Duration  // end of the working day (exclusive), up to 24h
	Holidays []CivilDate    // days off on top of the weekend, in the calendar's zone
}

// Defaults of a working calendar.
const (
	DefaultTimeZone = "Asia/Riyadh"
	DefaultDayStart = 8 * time.Hour
	DefaultDayEnd   = 15 * time.Hour
)

// DefaultWorkdays are Sunday to Thursday, the working week of Saudi Arabia and
// most of the region.
func DefaultWorkdays() []time.Weekday {
	return []time.Weekday{time.Sunday, time.Monday, time.Tuesday, time.Wednesday, time.Thursday}
}

// riyadhFixed is Asia/Riyadh without the time zone database.
var riyadhFixed = time.FixedZone(DefaultTimeZone, 3*60*60)

// DefaultCalendar returns the default calendar with no holidays.
func DefaultCalendar() Calendar {
	return Calendar{
		Location: riyadhFixed,
		Workdays: DefaultWorkdays(),
		DayStart: DefaultDayStart,
		DayEnd:   DefaultDayEnd,
	}
}

// workCal is a Calendar with its defaults applied, ready for arithmetic.
type workCal struct {
	loc        *time.Location
	days       [7]bool
	start, end time.Duration
	holidays   []CivilDate
}

func (c Calendar) norm() workCal {
	w := workCal{loc: c.Location, start: c.DayStart, end: c.DayEnd, holidays: c.Holidays}
	if w.loc == nil {
		w.loc = riyadhFixed
	}
	if !validHours(w.start, w.end) {
		w.start, w.end = DefaultDayStart, DefaultDayEnd
	}
	days := c.Workdays
	if !validWorkdays(days) {
		days = DefaultWorkdays()
	}
	for _, d := range days {
		w.days[d] = true
	}
	return w
}

func validHours(start, end time.Duration) bool {
	return start >= 0 && start < end && end <= 24*time.Hour &&
		start%time.Minute == 0 && end%time.Minute == 0
}

func validWorkdays(days []time.Weekday) bool {
	for _, d := range days {
		if d < time.Sunday || d > time.Saturday {
			return false
		}
	}
	return len(days) > 0
}

// clock returns the instant at wall-clock offset since midnight of a date.
func (w *workCal) clock(y int, m time.Month, d int, off time.Duration) time.Time {
	return time.Date(y, m, d, int(off/time.Hour), int(off%time.Hour/time.Minute), 0, 0, w.loc)
}

func (w *workCal) isHoliday(y int, m time.Month, d int) bool {
	for _, h := range w.holidays {
		if h.Day == d && h.Month == m && h.Year == y {
			return true
		}
	}
	return false
}

// period returns the first working period that ends after t: [start, end).
// t may be inside it (start <= t) or before it.
func (w *workCal) period(t time.Time) (start, end time.Time) {
	t = t.In(w.loc)
	y, m, d := t.Date()
	// Each holiday removes at most one working day and every week has one,
	// so this many days always hold a period; the bound only guards the loop.
	limit := 7*(len(w.holidays)+1) + 1
	for i := 0; i <= limit; i++ {
		noon := time.Date(y, m, d+i, 12, 0, 0, 0, w.loc) // noon: clear of DST changes at midnight
		dy, dm, dd := noon.Date()
		if !w.days[noon.Weekday()] || w.isHoliday(dy, dm, dd) {
			continue
		}
		start, end = w.clock(dy, dm, dd, w.start), w.clock(dy, dm, dd, w.end)
		if end.After(t) {
			return start, end
		}
	}
	panic("jihat: calendar without a working day") // unreachable: norm guarantees one
}

// IsWorkingTime reports whether t falls in working time.
func (c Calendar) IsWorkingTime(t time.Time) bool {
	w := c.norm()
	start, _ := w.period(t)
	return !t.Before(start)
}

// NextWorkingTime returns t when it is working time, and otherwise the start
// of the next working period.
func (c Calendar) NextWorkingTime(t time.Time) time.Time {
	w := c.norm()
	start, _ := w.period(t)
	if t.Before(start) {
		return start
	}
	return t.In(w.loc)
}

// AddWorking returns the instant when d of working time has passed after
// start. A start outside working time counts from the next working period;
// a deadline that falls exactly on the end of a period is that end (15:00),
// not the next morning. d <= 0 returns start. Durations are exact, so
// fractions of an hour (90 minutes) work. The result is in the calendar's
// zone.
func (c Calendar) AddWorking(start time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return start
	}
	w := c.norm()
	t := start.In(w.loc)
	for {
		ps, pe := w.period(t)
		if t.Before(ps) {
			t = ps
		}
		avail := pe.Sub(t)
		if d <= avail {
			return t.Add(d)
		}
		d -= avail
		t = pe
	}
}

// AddWorkingHours is AddWorking with whole hours.
func (c Calendar) AddWorkingHours(start time.Time, hours int) time.Time {
	return c.AddWorking(start, time.Duration(hours)*time.Hour)
}

// WorkingDuration returns the working time between from and to; zero when to
// is not after from. Statistics use it for response and resolution times.
// The cost grows with the number of days between the two.
func (c Calendar) WorkingDuration(from, to time.Time) time.Duration {
	if !to.After(from) {
		return 0
	}
	w := c.norm()
	t := from.In(w.loc)
	var sum time.Duration
	for {
		ps, pe := w.period(t)
		if !ps.Before(to) {
			return sum
		}
		if t.Before(ps) {
			t = ps
		}
		if !pe.Before(to) {
			return sum + to.Sub(t)
		}
		sum += pe.Sub(t)
		t = pe
	}
}

// DueAt returns the deadline, in UTC, of a case created at createdAt whose
// case type allows slaHours working hours for its priority.
func DueAt(c Calendar, slaHours int, createdAt time.Time) time.Time {
	return c.AddWorkingHours(createdAt, slaHours).UTC()
}

// DefaultReminderFraction is the share of a case's working time after which
// its assignee is reminded: at three quarters of the SLA.
const DefaultReminderFraction = 0.75

// ReminderAt returns when fraction (0..1) of the working time between start
// and due has passed, to the minute: the moment to remind the assignee.
func (c Calendar) ReminderAt(start, due time.Time, fraction float64) time.Time {
	if !(fraction > 0) { // also NaN
		fraction = 0
	}
	fraction = min(fraction, 1)
	total := c.WorkingDuration(start, due)
	part := time.Duration(float64(total) * fraction).Truncate(time.Minute)
	return c.AddWorking(start, part)
}

// ReminderBefore returns the moment before leaves of working time remain
// until due, counted from start; start itself when the whole working time
// between them is shorter than before.
func (c Calendar) ReminderBefore(start, due time.Time, before time.Duration) time.Time {
	total := c.WorkingDuration(start, due)
	return c.AddWorking(start, max(total-before, 0))
}
