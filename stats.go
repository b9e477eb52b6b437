package jihat

import (
	"strings"
	"time"
)

// Statistics: periods in an entity's time zone and the calendar buckets
// (day, week, month) that indicators are grouped by. The store keeps each
// case's local day and month numbers, computed with these functions when the
// case is written, so the database groups by them without knowing zones.

// LocalDay returns the number of the civil day of t in loc, counted from
// 1970-01-01 (day 0).
func LocalDay(t time.Time, loc *time.Location) int {
	if loc == nil {
		loc = time.UTC
	}
	return civilDays(t.In(loc))
}

// LocalMonth returns the month of t in loc as year*12 + month-1.
func LocalMonth(t time.Time, loc *time.Location) int {
	if loc == nil {
		loc = time.UTC
	}
	y, m, _ := t.In(loc).Date()
	return y*12 + int(m) - 1
}

// WeekOfDay returns the number of the week (Sunday to Saturday, the working
// week of the region) that holds day (a LocalDay). 1970-01-01 was a
// Thursday, so the week of day 0 starts on day -4; week 0 holds days -4..2.
func WeekOfDay(day int) int {
	return floorDiv(day+4, 7)
}

func floorDiv(a, b int) int {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// DayDate returns the civil date of a LocalDay number, as midnight in loc.
func DayDate(day int, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	u := time.Unix(int64(day)*86400, 0).UTC()
	return time.Date(u.Year(), u.Month(), u.Day(), 0, 0, 0, 0, loc)
}

// Granularity is the size of an indicator bucket.
type Granularity string

// Granularities.
const (
	ByDay   Granularity = "day"
	ByWeek  Granularity = "week"
	ByMonth Granularity = "month"
)

// ParseGranularity returns the granularity named s ("" is day), or EINVALID.
func ParseGranularity(s string) (Granularity, error) {
	switch g := Granularity(s); g {
	case "":
		return ByDay, nil
	case ByDay, ByWeek, ByMonth:
		return g, nil
	}
	return "", invalidField("by", "invalid_value")
}

// BucketStart returns the first instant (midnight in loc) of bucket n of
// granularity g: a LocalDay, a week of WeekOfDay, or a LocalMonth.
func (g Granularity) BucketStart(n int, loc *time.Location) time.Time {
	switch g {
	case ByWeek:
		return DayDate(n*7-4, loc)
	case ByMonth:
		if loc == nil {
			loc = time.UTC
		}
		return time.Date(floorDiv(n, 12), time.Month(n-floorDiv(n, 12)*12+1), 1, 0, 0, 0, 0, loc)
	}
	return DayDate(n, loc)
}

// Period is a half-open interval [From, To) of instants whose boundaries
// were given, or defaulted, in the zone Loc.
type Period struct {
	From, To time.Time
	Loc      *time.Location
}

// MaxStatsPeriod is the longest period a statistics query may cover.
const MaxStatsPeriod = 5 * 366 * 24 * time.Hour

// ParsePeriod reads the from and to of a statistics query. Each is a civil
// date (2026-03-01, taken in loc; to is inclusive, so the period ends at the
// midnight after it) or an RFC 3339 instant. Without from, the period starts
// on the first day of now's month in loc; without to, it ends at the
// midnight after now's day. EINVALID when a value does not parse, when from
// is not before to, or when the period is longer than MaxStatsPeriod.
func ParsePeriod(from, to string, loc *time.Location, now time.Time) (Period, error) {
	if loc == nil {
		loc = riyadhFixed
	}
	p := Period{Loc: loc}
	fields := map[string]string{}
	local := now.In(loc)
	if from = strings.TrimSpace(from); from == "" {
		p.From = time.Date(local.Year(), local.Month(), 1, 0, 0, 0, 0, loc)
	} else if t, ok := parseBound(from, loc, false); ok {
		p.From = t
	} else {
		fields["from"] = "invalid_date"
	}
	if to = strings.TrimSpace(to); to == "" {
		p.To = time.Date(local.Year(), local.Month(), local.Day()+1, 0, 0, 0, 0, loc)
	} else if t, ok := parseBound(to, loc, true); ok {
		p.To = t
	} else {
		fields["to"] = "invalid_date"
	}
	if len(fields) == 0 {
		switch {
		case !p.From.Before(p.To):
			fields["to"] = "period_order"
		case p.To.Sub(p.From) > MaxStatsPeriod:
			fields["to"] = "period_too_long"
		}
	}
	if len(fields) > 0 {
		return Period{}, Invalid(fields)
	}
	p.From, p.To = p.From.UTC(), p.To.UTC()
	return p, nil
}

// parseBound reads a civil date (the midnight that starts it, or with end
// the midnight after it) or an RFC 3339 instant.
func parseBound(s string, loc *time.Location, end bool) (time.Time, bool) {
	if d, err := time.ParseInLocation("2006-01-02", s, loc); err == nil {
		if end {
			d = time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, loc)
		}
		return d, true
	}
	t, err := time.Parse(time.RFC3339, s)
	return t, err == nil
}
