package server

import (
	"context"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Indicators (series per day, week or month), the drill-down to the cases
// behind a figure, the counters and the department's performance table.

// IndicatorsAnswer is the answer of GET /stats/entities/{id}/indicators.
type IndicatorsAnswer struct {
	EntityID string            `json:"entity_id"`
	By       string            `json:"by"`
	Period   periodView        `json:"period"`
	Buckets  []bucketView      `json:"buckets"`
	Types    map[string]string `json:"case_types"` // case type ID → name, for the series by type
}

type bucketView struct {
	Start      string           `json:"start"`
	Date       string           `json:"date"`
	Hijri      string           `json:"hijri,omitempty"`
	Total      int64            `json:"total"`
	ByStatus   map[string]int64 `json:"by_status"`
	ByCaseType map[string]int64 `json:"by_case_type"`
	ByPriority map[string]int64 `json:"by_priority"`
	LateDue    int64            `json:"late"` // cases whose deadline fell in the bucket and was missed
}

// maxBuckets bounds one series (a day per bucket for a year and a half).
const maxBuckets = 550

// Indicators returns an entity's cases per bucket of the period by status,
// type and priority, and the late trend.
func (s *Server) Indicators(ctx context.Context, u *jihat.User, entityID string, q StatsQuery) (*IndicatorsAnswer, error) {
	g, err := jihat.ParseGranularity(q.By)
	if err != nil {
		return nil, err
	}
	if err := narrow(&store.StatsFilter{}, q); err != nil {
		return nil, err
	}
	ent, f, err := s.entityFilter(ctx, u, entityID, q.DepartmentID)
	if err != nil {
		return nil, err
	}
	p, err := s.period(ent, q)
	if err != nil {
		return nil, err
	}
	_ = narrow(&f, q)
	f.From, f.To, f.Now = p.From, p.To, s.now()
	first, last := bucketOf(g, p.From, p), bucketOf(g, p.To.Add(-1), p)
	if last-first+1 > maxBuckets {
		return nil, jihat.Invalid(map[string]string{"by": "period_too_long"})
	}
	out := &IndicatorsAnswer{EntityID: entityID, By: string(g), Period: newPeriodView(p), Types: map[string]string{}}
	idx := map[int]int{}
	for n := first; n <= last; n++ {
		start := g.BucketStart(n, p.Loc)
		b := bucketView{Start: rfc3339(start.UTC()), Date: start.Format("2006-01-02"), ByStatus: map[string]int64{},
			ByCaseType: map[string]int64{}, ByPriority: map[string]int64{}}
		if h, ok := jihat.ToHijri(start); ok {
			b.Hijri = h.String()
		}
		for _, st := range jihat.Statuses {
			b.ByStatus[string(st)] = 0
		}
		for _, pr := range jihat.Priorities {
			b.ByPriority[string(pr)] = 0
		}
		idx[n] = len(out.Buckets)
		out.Buckets = append(out.Buckets, b)
	}
	for dim, put := range map[string]func(b *bucketView, k string, n int64){
		"status":       func(b *bucketView, k string, n int64) { b.ByStatus[k] += n; b.Total += n },
		"case_type_id": func(b *bucketView, k string, n int64) { b.ByCaseType[k] += n },
		"priority":     func(b *bucketView, k string, n int64) { b.ByPriority[k] += n },
	} {
		series, err := s.store.Series(ctx, f, string(g), dim)
		if err != nil {
			return nil, err
		}
		for _, c := range series {
			if i, ok := idx[c.N]; ok {
				put(&out.Buckets[i], c.Key, c.Count)
			}
		}
	}
	late, err := s.store.LateSeries(ctx, f, string(g))
	if err != nil {
		return nil, err
	}
	for _, c := range late {
		if i, ok := idx[c.N]; ok {
			out.Buckets[i].LateDue += c.Count
		}
	}
	types, err := s.store.ListCaseTypes(ctx, entityID)
	if err != nil {
		return nil, err
	}
	for _, t := range types {
		out.Types[t.ID] = t.NameAR
		if q.Lang == jihat.LangEN {
			out.Types[t.ID] = t.NameEN
		}
	}
	return out, nil
}

// bucketOf returns the bucket number of instant t in p's zone.
func bucketOf(g jihat.Granularity, t time.Time, p jihat.Period) int {
	switch g {
	case jihat.ByWeek:
		return jihat.WeekOfDay(jihat.LocalDay(t, p.Loc))
	case jihat.ByMonth:
		return jihat.LocalMonth(t, p.Loc)
	}
	return jihat.LocalDay(t, p.Loc)
}
