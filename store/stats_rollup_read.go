package store

import (
	"context"
	"sort"
	"time"

	"github.com/jihat/jihat"
)

// Reading the daily rollup (stats_rollup.go). A period of whole local days
// in the zone of every entity it covers reads case_stats_daily: a year is
// at most one row per cell of the rollup and day, whatever the number of
// cases. Other periods (an RFC 3339 instant inside a day, entities in
// different zones) read case_stats as before. Both give the same figures;
// TestStatsRollup checks it.

// rollupDays returns the local days [d0, d1) of f's period when the rollup
// can answer it: f covers one entity, or entities that share one zone, and
// From and To are local midnights there.
func (s *Store) rollupDays(ctx context.Context, f StatsFilter) (d0, d1 int, ok bool, err error) {
	q := s.db.WithContext(ctx).Model(&entityRow{})
	if f.EntityID != "" {
		q = q.Where("id = ?", f.EntityID)
	}
	var ents []entityRow
	if err := q.Find(&ents).Error; err != nil || len(ents) == 0 {
		return 0, 0, false, err
	}
	var loc *time.Location
	for _, e := range ents {
		l := entity(e).WorkingCalendar().Location
		if loc == nil {
			loc = l
		} else if l.String() != loc.String() {
			return 0, 0, false, nil
		}
	}
	d0, d1 = jihat.LocalDay(f.From, loc), jihat.LocalDay(f.To, loc)
	if !jihat.DayDate(d0, loc).Equal(f.From) || !jihat.DayDate(d1, loc).Equal(f.To) {
		return 0, 0, false, nil
	}
	return d0, d1, true, nil
}

// rollupFigures is CaseFigures from the rollup over the local days
// [d0, d1); only Late (open and past the deadline now) is counted in
// case_stats, among the open cases (idx_cstat_open).
func (s *Store) rollupFigures(ctx context.Context, f StatsFilter, col string, d0, d1 int) ([]Figures, error) {
	type row struct {
		K, Status string
		N, Rh     int64
		Sums      figureSums `gorm:"embedded"`
	}
	var rows []row
	sel := col + ` AS k, status, SUM(opened) AS n, SUM(resolved_here) AS rh,
SUM(fr_n) AS fr_n, SUM(fr_sum) AS fr_sum, SUM(fr_w_sum) AS fr_w_sum,
SUM(res_n) AS res_n, SUM(res_sum) AS res_sum, SUM(res_w_sum) AS res_w_sum, SUM(sla_met) AS met, SUM(ever) AS ever,
SUM(objected) AS objected, SUM(escalations) AS escalations, SUM(rating_sum) AS rating_sum, SUM(rating_n) AS rating_n`
	// Whole months from case_stats_monthly, the days around them from
	// case_stats_daily.
	m0, m1, days := splitMonths(d0, d1)
	if len(days) > 0 {
		cond, args := "", []any{}
		for _, r := range days {
			if cond != "" {
				cond += " OR "
			}
			cond += "(day >= ? AND day < ?)"
			args = append(args, r[0], r[1])
		}
		if err := grouped(f.where(s.db.WithContext(ctx).Model(&caseDayRow{})).Select(sel).Where(cond, args...), col, "status").
			Scan(&rows).Error; err != nil {
			return nil, err
		}
	}
	if m0 < m1 {
		var more []row
		if err := grouped(f.where(s.db.WithContext(ctx).Model(&caseMonthRow{})).Select(sel).Where("month >= ? AND month < ?", m0, m1), col, "status").
			Scan(&more).Error; err != nil {
			return nil, err
		}
		rows = append(rows, more...)
	}
	byKey := map[string]*Figures{}
	get := func(k string) *Figures {
		fg := byKey[k]
		if fg == nil {
			fg = &Figures{Key: k, ByStatus: map[string]int64{}}
			byKey[k] = fg
		}
		return fg
	}
	for _, r := range rows {
		fg := get(r.K)
		fg.Total += r.N
		if r.N != 0 {
			fg.ByStatus[r.Status] += r.N
		}
		if jihat.Status(r.Status).Open() {
			fg.Open += r.N
		}
		fg.ResolvedInPeriod += r.Rh
		fg.add(r.Sums)
	}
	var late []struct {
		K string
		N int64
	}
	if err := grouped(f.where(s.db.WithContext(ctx).Model(&caseStatRow{})).Select(col+" AS k, COUNT(*) AS n").
		Where("is_open = 1 AND due_at < ? AND created_at >= ? AND created_at < ?", f.Now.UTC(), f.From.UTC(), f.To.UTC()), col).
		Scan(&late).Error; err != nil {
		return nil, err
	}
	for _, l := range late {
		get(l.K).Late = l.N
	}
	out := make([]Figures, 0, len(byKey))
	for _, fg := range byKey {
		out = append(out, *fg)
	}
	sortFigures(out)
	return out, nil
}

// rollupSeries is Series from the rollup over the local days [d0, d1).
// Months are folded from days here (the rollup has no month column).
func (s *Store) rollupSeries(ctx context.Context, f StatsFilter, by, dim string, d0, d1 int) ([]Bucket, error) {
	b := "day"
	switch by {
	case "week":
		b = "((day + 4) / 7)" // jihat.WeekOfDay, as bucketExpr
	case "day", "month":
	}
	var rows []Bucket
	err := grouped(f.where(s.db.WithContext(ctx).Model(&caseDayRow{})).Select(b+" AS n, "+dim+" AS key, SUM(opened) AS count").
		Where("day >= ? AND day < ?", d0, d1), b, dim).Having("SUM(opened) > 0").Scan(&rows).Error
	if err != nil || by != "month" {
		sort.Slice(rows, func(i, j int) bool {
			return rows[i].N < rows[j].N || rows[i].N == rows[j].N && rows[i].Key < rows[j].Key
		})
		return rows, err
	}
	months := map[Bucket]int64{}
	for _, r := range rows {
		months[Bucket{N: jihat.LocalMonth(jihat.DayDate(r.N, time.UTC), time.UTC), Key: r.Key}] += r.Count
	}
	out := make([]Bucket, 0, len(months))
	for k, n := range months {
		k.Count = n
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].N < out[j].N || out[i].N == out[j].N && out[i].Key < out[j].Key })
	return out, nil
}

// splitMonths splits the local days [d0, d1) into the whole months
// [m0, m1) they hold and the ranges of days outside them (none, one or two).
func splitMonths(d0, d1 int) (m0, m1 int, days [][2]int) {
	start := func(m int) int { // the first day of month m
		return jihat.LocalDay(time.Date(m/12, time.Month(m%12+1), 1, 0, 0, 0, 0, time.UTC), time.UTC)
	}
	m0 = monthOfDay(d0)
	if start(m0) != d0 {
		m0++
	}
	m1 = monthOfDay(d1) // the month holding d1 is not whole before d1 unless d1 starts it; either way it ends m1
	if m0 >= m1 {
		return 0, 0, [][2]int{{d0, d1}}
	}
	if d0 < start(m0) {
		days = append(days, [2]int{d0, start(m0)})
	}
	if start(m1) < d1 {
		days = append(days, [2]int{start(m1), d1})
	}
	return m0, m1, days
}
