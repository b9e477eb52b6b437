package server

import (
	"context"
	"sort"
	"strings"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// DrillQuery is GET /stats/cases: the cases behind a figure.
type DrillQuery struct {
	StatsQuery
	EntityID, EmployeeID string
	Status, State        string
	Cursor               string
	Limit                int
}

// DrillCases returns one page of the cases behind a figure, within the
// caller's reach (a supervisor's department, an employee's own cases).
func (s *Server) DrillCases(ctx context.Context, u *jihat.User, q DrillQuery) ([]caseView, string, error) {
	fields := map[string]string{}
	if q.EntityID != "" && !jihat.IsUUID(q.EntityID) {
		fields["entity_id"] = "invalid_id"
	}
	if q.EmployeeID != "" && !jihat.IsUUID(q.EmployeeID) {
		fields["employee_id"] = "invalid_id"
	}
	if q.Cursor != "" && !jihat.IsUUID(q.Cursor) {
		fields["cursor"] = "invalid_value"
	}
	if q.Status != "" && !jihat.Status(q.Status).Valid() {
		fields["status"] = "invalid_status"
	}
	switch q.State {
	case "", "open", "late", "completed", "resolved":
	default:
		fields["state"] = "invalid_value"
	}
	if q.Limit == 0 {
		q.Limit = 50
	}
	if q.Limit < 1 || q.Limit > 100 {
		fields["limit"] = "invalid_value"
	}
	if len(fields) > 0 {
		return nil, "", jihat.Invalid(fields)
	}
	if err := narrow(&store.StatsFilter{}, q.StatsQuery); err != nil {
		return nil, "", err
	}
	sc := scopeOf(u)
	var ent *jihat.Entity
	f := store.StatsFilter{}
	switch {
	case q.EmployeeID != "":
		emp, e, err := s.employeeFilter(ctx, u, strings.ToLower(q.EmployeeID))
		if err != nil {
			return nil, "", err
		}
		if q.EntityID != "" && q.EntityID != emp.EntityID {
			return nil, "", forbidden()
		}
		ent, f.EntityID, f.AssigneeID = e, emp.EntityID, emp.ID
		if q.DepartmentID != "" {
			f.DepartmentID = q.DepartmentID
		}
	case q.EntityID != "":
		var err error
		if ent, f, err = s.entityFilter(ctx, u, strings.ToLower(q.EntityID), q.DepartmentID); err != nil {
			return nil, "", err
		}
	case sc.all:
	case sc.selfID != "": // staff without reports.view: their own cases
		emp, e, err := s.employeeFilter(ctx, u, sc.selfID)
		if err != nil {
			return nil, "", err
		}
		ent, f.EntityID, f.AssigneeID = e, emp.EntityID, emp.ID
	case sc.entityID != "": // the caller's entity (a supervisor's department)
		var err error
		if ent, f, err = s.entityFilter(ctx, u, sc.entityID, q.DepartmentID); err != nil {
			return nil, "", err
		}
	default:
		return nil, "", forbidden()
	}
	p, err := s.period(ent, q.StatsQuery)
	if err != nil {
		return nil, "", err
	}
	_ = narrow(&f, q.StatsQuery)
	f.From, f.To, f.Now = p.From, p.To, s.now()
	cases, next, err := s.store.StatsCases(ctx, store.StatsCaseQuery{StatsFilter: f, Status: q.Status, State: q.State,
		Cursor: strings.ToLower(q.Cursor), Limit: q.Limit})
	if err != nil {
		return nil, "", err
	}
	ids := make([]string, 0, 2*len(cases))
	for _, c := range cases {
		ids = append(ids, c.RequesterID, c.AssigneeID)
	}
	names, err := s.store.UserNames(ctx, ids)
	if err != nil {
		return nil, "", err
	}
	out := make([]caseView, 0, len(cases))
	for i := range cases {
		if !canSeeCase(u, &cases[i]) { // the filter already keeps to u's reach; never show more
			continue
		}
		out = append(out, newCaseView(u, &cases[i], names, q.Lang, f.Now, s.cfg.ObjectionWindow))
	}
	return out, next, nil
}

// Counters returns an entity's live counters now.
func (s *Server) Counters(ctx context.Context, u *jihat.User, entityID string) (*countersView, error) {
	ent, f, err := s.entityFilter(ctx, u, entityID, "")
	if err != nil {
		return nil, err
	}
	if f.DepartmentID != "" { // a supervisor's counters are their department's
		now := s.now()
		loc := ent.WorkingCalendar().Location
		f.Now = now
		c, err := s.store.Counters(ctx, f, jihat.DayDate(jihat.LocalDay(now, loc), loc))
		if err != nil {
			return nil, err
		}
		// department_id says so, as on the department's live counters events.
		return &countersView{Type: "counters", EntityID: ent.ID, DepartmentID: f.DepartmentID, Open: c.Open, Late: c.Late,
			OpenedToday: c.OpenedToday, ResolvedToday: c.ResolvedToday, At: rfc3339(now)}, nil
	}
	v, err := s.countersOf(ctx, ent)
	return &v, err
}

// PerformanceAnswer is the answer of GET /stats/departments/{id}/performance.
type PerformanceAnswer struct {
	DepartmentID string            `json:"department_id"`
	EntityID     string            `json:"entity_id"`
	Period       periodView        `json:"period"`
	Department   performanceFigure `json:"department"` // medians over the department
	Employees    []performanceRow  `json:"employees"`  // ranked
}

type performanceFigure struct {
	MedianFirstResponseS *float64 `json:"median_first_response_s"`
	MedianResolutionS    *float64 `json:"median_resolution_s"`
	MedianCompleted      *float64 `json:"median_completed"` // of the employees' completed counts
	SLAMetPct            *float64 `json:"sla_met_pct"`
	AvgRating            *float64 `json:"avg_rating"`
	Completed            int64    `json:"completed"`
}

type performanceRow struct {
	Rank                 int      `json:"rank"`
	EmployeeID           string   `json:"employee_id"`
	Name                 string   `json:"name"`
	Total                int64    `json:"total"`
	Completed            int64    `json:"completed"`
	Open                 int64    `json:"open"`
	Late                 int64    `json:"late"`
	MedianFirstResponseS *float64 `json:"median_first_response_s"`
	MedianResolutionS    *float64 `json:"median_resolution_s"`
	SLAMetPct            *float64 `json:"sla_met_pct"`
	AvgRating            *float64 `json:"avg_rating"`
	ActiveSeconds        int64    `json:"active_seconds"`
}

// Performance ranks a department's employees by speed over a period: the
// median working time to resolution (fastest first; those who resolved
// nothing last), then cases completed, then SLA met; beside the department's
// medians.
func (s *Server) Performance(ctx context.Context, u *jihat.User, departmentID string, q StatsQuery) (*PerformanceAnswer, error) {
	d, err := s.store.Department(ctx, departmentID)
	if err != nil {
		return nil, err
	}
	ent, f, err := s.entityFilter(ctx, u, d.EntityID, d.ID)
	if err != nil {
		return nil, err
	}
	p, err := s.period(ent, q)
	if err != nil {
		return nil, err
	}
	if err := narrow(&f, q); err != nil {
		return nil, err
	}
	f.From, f.To, f.Now = p.From, p.To, s.now()
	figs, err := s.store.CaseFigures(ctx, f, store.GroupEmployee)
	if err != nil {
		return nil, err
	}
	med := map[store.MedianColumn]map[string]float64{}
	deptMed := map[store.MedianColumn]map[string]float64{}
	for _, col := range []store.MedianColumn{store.MedianFirstRespWork, store.MedianResolutionWork} {
		if med[col], err = s.store.Medians(ctx, f, store.GroupEmployee, col); err != nil {
			return nil, err
		}
		if deptMed[col], err = s.store.Medians(ctx, f, store.GroupNone, col); err != nil {
			return nil, err
		}
	}
	employees, err := s.store.ListEmployees(ctx, d.EntityID)
	if err != nil {
		return nil, err
	}
	rows := map[string]*performanceRow{}
	var ids []string
	for _, e := range employees {
		if e.DepartmentID == d.ID && e.Can(jihat.PermCaseHandle) {
			rows[e.ID] = &performanceRow{EmployeeID: e.ID, Name: e.Name}
			ids = append(ids, e.ID)
		}
	}
	var dept store.Figures
	for _, fg := range figs {
		dept.ResolutionN += fg.ResolutionN
		dept.SLAMet += fg.SLAMet
		dept.RatingSum += fg.RatingSum
		dept.RatingN += fg.RatingN
		dept.Total += fg.Total
		dept.Open += fg.Open
		if fg.Key == "" {
			continue // unassigned cases count for the department only
		}
		r := rows[fg.Key]
		if r == nil { // a former member who still holds cases of the department
			r = &performanceRow{EmployeeID: fg.Key}
			rows[fg.Key] = r
			ids = append(ids, fg.Key)
		}
		v := newFiguresView(fg)
		r.Total, r.Completed, r.Open, r.Late, r.SLAMetPct, r.AvgRating = v.Total, v.Completed, v.Open, v.Late, v.SLAMetPct, v.AvgRating
	}
	names, err := s.store.UserNames(ctx, ids)
	if err != nil {
		return nil, err
	}
	hours, err := s.hoursOf(ctx, ids, p)
	if err != nil {
		return nil, err
	}
	out := &PerformanceAnswer{DepartmentID: d.ID, EntityID: d.EntityID, Period: newPeriodView(p), Employees: []performanceRow{}}
	var completed []float64
	for _, id := range ids {
		r := rows[id]
		if r.Name == "" {
			r.Name = names[id]
		}
		if v, ok := med[store.MedianFirstRespWork][id]; ok {
			r.MedianFirstResponseS = &v
		}
		if v, ok := med[store.MedianResolutionWork][id]; ok {
			r.MedianResolutionS = &v
		}
		r.ActiveSeconds = hours[id].total(2)
		completed = append(completed, float64(r.Completed))
		out.Employees = append(out.Employees, *r)
	}
	sort.SliceStable(out.Employees, func(i, j int) bool { return rankBefore(&out.Employees[i], &out.Employees[j]) })
	for i := range out.Employees {
		out.Employees[i].Rank = i + 1
	}
	out.Department = performanceFigure{SLAMetPct: ratio(dept.SLAMet, dept.ResolutionN, 100), AvgRating: ratio(dept.RatingSum, dept.RatingN, 1),
		Completed: dept.Total - dept.Open, MedianCompleted: median(completed)}
	if v, ok := deptMed[store.MedianFirstRespWork][""]; ok {
		out.Department.MedianFirstResponseS = &v
	}
	if v, ok := deptMed[store.MedianResolutionWork][""]; ok {
		out.Department.MedianResolutionS = &v
	}
	return out, nil
}

// rankBefore orders employees: a median resolution time before none, a
// shorter one first; then more completed, then higher SLA met; then name.
func rankBefore(a, b *performanceRow) bool {
	switch {
	case (a.MedianResolutionS == nil) != (b.MedianResolutionS == nil):
		return a.MedianResolutionS != nil
	case a.MedianResolutionS != nil && *a.MedianResolutionS != *b.MedianResolutionS:
		return *a.MedianResolutionS < *b.MedianResolutionS
	case a.Completed != b.Completed:
		return a.Completed > b.Completed
	case a.SLAMetPct != nil && b.SLAMetPct != nil && *a.SLAMetPct != *b.SLAMetPct:
		return *a.SLAMetPct > *b.SLAMetPct
	}
	return a.Name < b.Name
}

// median of a few numbers held in memory (one per employee); nil for none.
func median(v []float64) *float64 {
	if len(v) == 0 {
		return nil
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	m := s[len(s)/2]
	if len(s)%2 == 0 {
		m = (s[len(s)/2-1] + s[len(s)/2]) / 2
	}
	return &m
}
