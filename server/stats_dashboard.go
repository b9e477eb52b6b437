package server

import (
	"context"
	"sync"

	"github.com/jihat/jihat"
)

// DashboardAnswer is the answer of GET /stats/entities/{id}/dashboard: what
// the dashboard's first paint needs, in one call: the period's figures, the
// figures per department, the indicators for the charts (by day unless by=
// says week or month) and the live counters (which then move with the
// counters events of the live feed).
type DashboardAnswer struct {
	Figures      *EntityStatsAnswer `json:"figures"`
	ByDepartment *BreakdownAnswer   `json:"by_department"`
	Indicators   *IndicatorsAnswer  `json:"indicators"`
	Counters     *countersView      `json:"counters"`
}

// Dashboard returns the four answers of the dashboard, each as its own
// route gives it to u (the same scope: a supervisor's department, an entity
// admin's entity, oversight read-only), computed at once.
func (s *Server) Dashboard(ctx context.Context, u *jihat.User, entityID string, q StatsQuery) (*DashboardAnswer, error) {
	if _, err := jihat.ParseGranularity(q.By); err != nil {
		return nil, err
	}
	figQ, deptQ := q, q
	figQ.By, deptQ.By = "", "department"
	out := &DashboardAnswer{}
	var wg sync.WaitGroup
	errs := make([]error, 4)
	run := func(i int, fn func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = fn()
		}()
	}
	run(0, func() (err error) { out.Figures, err = s.EntityStats(ctx, u, entityID, figQ); return })
	run(1, func() (err error) { out.ByDepartment, err = s.Breakdown(ctx, u, entityID, deptQ); return })
	run(2, func() (err error) { out.Indicators, err = s.Indicators(ctx, u, entityID, q); return })
	run(3, func() (err error) { out.Counters, err = s.Counters(ctx, u, entityID); return })
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}
