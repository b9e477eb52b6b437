package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
)

// Statistics over case_stats, computed by the database: the store returns
// sums and counts per group, and the caller derives averages and shares.

// StatsFilter chooses the cases of a statistics query: those created in
// [From, To), narrowed by the non-empty IDs. Now decides which open cases
// are late.
type StatsFilter struct {
	EntityID, DepartmentID, CaseTypeID, AssigneeID string
	Priority                                       string
	From, To, Now                                  time.Time
}

// StatsGroup is the dimension figures are broken down by.
type StatsGroup string

// Groups.
const (
	GroupNone       StatsGroup = ""
	GroupEntity     StatsGroup = "entity"
	GroupDepartment StatsGroup = "department"
	GroupCaseType   StatsGroup = "case_type"
	GroupEmployee   StatsGroup = "employee"
	GroupPriority   StatsGroup = "priority"
)

// column returns the case_stats column of g ("" for none).
func (g StatsGroup) column() (string, bool) {
	switch g {
	case GroupNone:
		return "''", true
	case GroupEntity:
		return "entity_id", true
	case GroupDepartment:
		return "department_id", true
	case GroupCaseType:
		return "case_type_id", true
	case GroupEmployee:
		return "assignee_id", true
	case GroupPriority:
		return "priority", true
	}
	return "", false
}

// Figures are the sums and counts of one group of cases.
type Figures struct {
	Key              string           // the group's ID (entity, department, ...); "" without grouping or unassigned
	Total            int64            // cases created in the period
	ByStatus         map[string]int64 // of those, per current status
	Open, Late       int64            // still open; open and past the deadline at Now
	FirstRespN       int64            // cases with a first response
	FirstRespSum     int64            // their wall seconds
	FirstRespWSum    int64            // their working seconds
	ResolutionN      int64            // cases resolved (or closed) now
	ResolutionSum    int64
	ResolutionWSum   int64
	SLAMet           int64 // of the resolved, those resolved by the deadline
	EverResolved     int64 // resolved now, or objected to (so resolved once)
	Objected         int64 // cases with at least one objection
	Escalations      int64 // escalation events
	RatingSum        int64
	RatingN          int64
	ResolvedInPeriod int64 // cases (created whenever) resolved in [From, To) and still resolved
}

// figureSums are the sums a figures query reads per key and status, from
// the cases' facts or from the daily and monthly rollups.
type figureSums struct {
	FrN, FrSum, FrWSum, ResN, ResSum, ResWSum, Met, Ever int64
	Objected, Escalations, RatingSum, RatingN            int64
}

// add adds x's sums to f's.
func (f *Figures) add(x figureSums) {
	f.FirstRespN += x.FrN
	f.FirstRespSum += x.FrSum
	f.FirstRespWSum += x.FrWSum
	f.ResolutionN += x.ResN
	f.ResolutionSum += x.ResSum
	f.ResolutionWSum += x.ResWSum
	f.SLAMet += x.Met
	f.EverResolved += x.Ever
	f.Objected += x.Objected
	f.Escalations += x.Escalations
	f.RatingSum += x.RatingSum
	f.RatingN += x.RatingN
}

func (f StatsFilter) where(db *gorm.DB) *gorm.DB {
	for col, v := range map[string]string{"entity_id": f.EntityID, "department_id": f.DepartmentID,
		"case_type_id": f.CaseTypeID, "assignee_id": f.AssigneeID, "priority": f.Priority} {
		if v != "" {
			db = db.Where(col+" = ?", v)
		}
	}
	return db
}

// CaseFigures returns the figures of the cases f chooses, one per group
// (none without grouping), ordered by key. Periods of whole local days read
// the daily rollup (stats_rollup_read.go), others case_stats.
func (s *Store) CaseFigures(ctx context.Context, f StatsFilter, g StatsGroup) ([]Figures, error) {
	col, ok := g.column()
	if !ok {
		return nil, fmt.Errorf("store: unknown stats group %q", g)
	}
	if d0, d1, ok, err := s.rollupDays(ctx, f); err != nil {
		return nil, err
	} else if ok && !s.statsFromCases {
		return s.rollupFigures(ctx, f, col, d0, d1)
	}
	type row struct {
		K, Status string
		N, Late   int64
		Sums      figureSums `gorm:"embedded"`
	}
	var rows []row
	db := f.where(s.db.WithContext(ctx).Model(&caseStatRow{})).
		Select(col+` AS k, status, COUNT(*) AS n,
SUM(CASE WHEN is_open = 1 AND due_at < ? THEN 1 ELSE 0 END) AS late,
COUNT(first_resp_s) AS fr_n, COALESCE(SUM(first_resp_s), 0) AS fr_sum, COALESCE(SUM(first_resp_ws), 0) AS fr_w_sum,
COUNT(resolution_s) AS res_n, COALESCE(SUM(resolution_s), 0) AS res_sum, COALESCE(SUM(resolution_ws), 0) AS res_w_sum,
COALESCE(SUM(sla_met), 0) AS met,
SUM(CASE WHEN sla_met IS NOT NULL OR objections > 0 THEN 1 ELSE 0 END) AS ever,
SUM(CASE WHEN objections > 0 THEN 1 ELSE 0 END) AS objected, SUM(escalations) AS escalations,
SUM(rating) AS rating_sum, SUM(CASE WHEN rating > 0 THEN 1 ELSE 0 END) AS rating_n`, f.Now.UTC()).
		Where("created_at >= ? AND created_at < ?", f.From.UTC(), f.To.UTC())
	if err := grouped(db, col, "status").Scan(&rows).Error; err != nil {
		return nil, err
	}
	byKey := map[string]*Figures{}
	var keys []string
	get := func(k string) *Figures {
		fg := byKey[k]
		if fg == nil {
			fg = &Figures{Key: k, ByStatus: map[string]int64{}}
			byKey[k] = fg
			keys = append(keys, k)
		}
		return fg
	}
	for _, r := range rows {
		fg := get(r.K)
		fg.Total += r.N
		fg.ByStatus[r.Status] += r.N
		fg.Late += r.Late
		fg.add(r.Sums)
	}
	// Open is every open status; the caller knows which are open, but the
	// store counts it the same way as the late figure: is_open.
	var open []struct {
		K string
		N int64
	}
	if err := grouped(f.where(s.db.WithContext(ctx).Model(&caseStatRow{})).Select(col+" AS k, COUNT(*) AS n").
		Where("created_at >= ? AND created_at < ? AND is_open = 1", f.From.UTC(), f.To.UTC()), col).Scan(&open).Error; err != nil {
		return nil, err
	}
	for _, o := range open {
		get(o.K).Open = o.N
	}
	var resolved []struct {
		K string
		N int64
	}
	if err := grouped(f.where(s.db.WithContext(ctx).Model(&caseStatRow{})).Select(col+" AS k, COUNT(*) AS n").
		Where("resolved_at >= ? AND resolved_at < ?", f.From.UTC(), f.To.UTC()), col).Scan(&resolved).Error; err != nil {
		return nil, err
	}
	for _, r := range resolved {
		get(r.K).ResolvedInPeriod = r.N
	}
	out := make([]Figures, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	sortFigures(out)
	return out, nil
}

// groupBy joins the columns of a GROUP BY, leaving out the constant ”
// that stands for "no grouping".
func groupBy(cols ...string) string {
	out := ""
	for _, c := range cols {
		if c == "''" {
			continue
		}
		if out != "" {
			out += ", "
		}
		out += c
	}
	return out
}

// grouped adds the GROUP BY of cols to db, none when every column is the
// constant (GORM would quote a lone expression as a column name).
func grouped(db *gorm.DB, cols ...string) *gorm.DB {
	if g := groupBy(cols...); g != "" {
		return db.Group(g)
	}
	return db
}

func sortFigures(fs []Figures) {
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && fs[j].Key < fs[j-1].Key; j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// MedianColumn names a duration whose median a query may ask for.
type MedianColumn string

// Median columns: first response and resolution, in working or wall seconds.
const (
	MedianFirstRespWork  MedianColumn = "first_resp_ws"
	MedianResolutionWork MedianColumn = "resolution_ws"
	MedianFirstRespWall  MedianColumn = "first_resp_s"
	MedianResolutionWall MedianColumn = "resolution_s"
)

// Medians returns the median of column over the cases f chooses, per group
// (key "" without grouping). Groups without a value are absent. The median
// of an even count is the mean of the two middle values. The database
// computes it with window functions (SQLite 3.25+ and PostgreSQL alike).
func (s *Store) Medians(ctx context.Context, f StatsFilter, g StatsGroup, column MedianColumn) (map[string]float64, error) {
	col, ok := g.column()
	if !ok {
		return nil, fmt.Errorf("store: unknown stats group %q", g)
	}
	switch column {
	case MedianFirstRespWork, MedianResolutionWork, MedianFirstRespWall, MedianResolutionWall:
	default:
		return nil, fmt.Errorf("store: no median of %q", column)
	}
	c := string(column)
	inner := f.where(s.db.WithContext(ctx).Model(&caseStatRow{})).
		Select(col+" AS k, "+c+" AS v, ROW_NUMBER() OVER (PARTITION BY "+col+" ORDER BY "+c+") AS rn, COUNT(*) OVER (PARTITION BY "+col+") AS cnt").
		Where("created_at >= ? AND created_at < ? AND "+c+" IS NOT NULL", f.From.UTC(), f.To.UTC())
	var rows []struct {
		K string
		M float64
	}
	err := s.db.WithContext(ctx).Table("(?) AS t", inner).Select("k, AVG(v * 1.0) AS m").
		Where("2 * rn IN (cnt, cnt + 1, cnt + 2)").Group("k").Scan(&rows).Error
	out := make(map[string]float64, len(rows))
	for _, r := range rows {
		out[r.K] = r.M
	}
	return out, err
}

// Bucket is one cell of an indicator series: the bucket number (a local
// day, week or month, see jihat.Granularity), a value of the dimension, and
// the count.
type Bucket struct {
	N     int
	Key   string
	Count int64
}

// bucketExpr returns the SQL of the bucket of a day and a month column.
func bucketExpr(by, day, month string) (string, error) {
	switch by {
	case "day":
		return day, nil
	case "week": // jihat.WeekOfDay; every stored day is after 1970, so division truncates as floor does
		return "((" + day + " + 4) / 7)", nil
	case "month":
		return month, nil
	}
	return "", fmt.Errorf("store: unknown granularity %q", by)
}

// Series counts the cases f chooses per bucket of creation and per value of
// dim ("status", "case_type_id", "priority", "" for none).
func (s *Store) Series(ctx context.Context, f StatsFilter, by, dim string) ([]Bucket, error) {
	b, err := bucketExpr(by, "created_day", "created_month")
	if err != nil {
		return nil, err
	}
	switch dim {
	case "status", "case_type_id", "priority":
	case "":
		dim = "''"
	default:
		return nil, fmt.Errorf("store: unknown dimension %q", dim)
	}
	if d0, d1, ok, err := s.rollupDays(ctx, f); err != nil {
		return nil, err
	} else if ok && !s.statsFromCases {
		return s.rollupSeries(ctx, f, by, dim, d0, d1)
	}
	var out []Bucket
	err = grouped(f.where(s.db.WithContext(ctx).Model(&caseStatRow{})).Select(b+" AS n, "+dim+" AS key, COUNT(*) AS count").
		Where("created_at >= ? AND created_at < ?", f.From.UTC(), f.To.UTC()), b, dim).Order("n").Scan(&out).Error
	return out, err
}

// LateSeries counts, per bucket of the deadline, the cases whose deadline
// fell in [From, To) before Now and was missed: still open, or resolved
// after it. ResolvedSeries counts cases resolved per bucket.
func (s *Store) LateSeries(ctx context.Context, f StatsFilter, by string) ([]Bucket, error) {
	b, err := bucketExpr(by, "due_day", "due_month")
	if err != nil {
		return nil, err
	}
	var out []Bucket
	err = f.where(s.db.WithContext(ctx).Model(&caseStatRow{})).Select(b+" AS n, '' AS key, COUNT(*) AS count").
		Where("due_at >= ? AND due_at < ? AND due_at < ? AND (is_open = 1 OR sla_met = 0)", f.From.UTC(), f.To.UTC(), f.Now.UTC()).
		Group(b).Order("n").Scan(&out).Error
	return out, err
}
