package server

import (
	"context"
	"net/url"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// The statistics services. Figures come from aggregate queries over
// case_stats (store/stats.go); these services check the caller's reach,
// fix the period in the entity's time zone, and turn sums into averages and
// shares.
//
// Times: every *_s figure without "wall" is working time on the entity's
// calendar (the time the SLA counts); *_wall_s figures are wall-clock time.
// Hours worked (logged_in_s, online_s, active_s) are wall-clock time.

// figuresView is the answer shape of one group of cases (API.md, Statistics).
type figuresView struct {
	Key                   string            `json:"key,omitempty"`
	Name                  string            `json:"name,omitempty"`
	Total                 int64             `json:"total"`
	ByStatus              map[string]int64  `json:"by_status"`
	Completed             int64             `json:"completed"`
	Open                  int64             `json:"open"`
	Late                  int64             `json:"late"`
	ResolvedInPeriod      int64             `json:"resolved_in_period"`
	AvgFirstResponseS     *float64          `json:"avg_first_response_s"`
	AvgResolutionS        *float64          `json:"avg_resolution_s"`
	AvgFirstResponseWallS *float64          `json:"avg_first_response_wall_s"`
	AvgResolutionWallS    *float64          `json:"avg_resolution_wall_s"`
	SLAMetPct             *float64          `json:"sla_met_pct"`
	ObjectionRatePct      *float64          `json:"objection_rate_pct"`
	Escalations           int64             `json:"escalations"`
	AvgRating             *float64          `json:"avg_rating"`
	Ratings               int64             `json:"ratings"`
	Links                 map[string]string `json:"links,omitempty"`
}

// ratio returns a/b, or nil when b is 0 (no figure rather than a false 0).
func ratio(a, b int64, scale float64) *float64 {
	if b == 0 {
		return nil
	}
	v := float64(a) * scale / float64(b)
	return &v
}

func newFiguresView(f store.Figures) figuresView {
	v := figuresView{Key: f.Key, Total: f.Total, ByStatus: map[string]int64{}, Open: f.Open, Late: f.Late,
		Completed: f.Total - f.Open, ResolvedInPeriod: f.ResolvedInPeriod,
		AvgFirstResponseS: ratio(f.FirstRespWSum, f.FirstRespN, 1), AvgResolutionS: ratio(f.ResolutionWSum, f.ResolutionN, 1),
		AvgFirstResponseWallS: ratio(f.FirstRespSum, f.FirstRespN, 1), AvgResolutionWallS: ratio(f.ResolutionSum, f.ResolutionN, 1),
		SLAMetPct: ratio(f.SLAMet, f.ResolutionN, 100), ObjectionRatePct: ratio(f.Objected, f.EverResolved, 100),
		Escalations: f.Escalations, AvgRating: ratio(f.RatingSum, f.RatingN, 1), Ratings: f.RatingN}
	for _, st := range jihat.Statuses {
		v.ByStatus[string(st)] = f.ByStatus[string(st)]
	}
	return v
}

// periodView is the period of an answer: its instants and its civil dates
// in the entity's zone, Gregorian and Hijri (Umm al-Qura).
type periodView struct {
	From       string `json:"from"`
	To         string `json:"to"`
	TimeZone   string `json:"time_zone"`
	FromDate   string `json:"from_date"`
	ToDate     string `json:"to_date"` // inclusive
	FromHijri  string `json:"from_hijri,omitempty"`
	ToHijri    string `json:"to_hijri,omitempty"`
	WorkingSLA bool   `json:"-"`
}

func newPeriodView(p jihat.Period) periodView {
	from, last := p.From.In(p.Loc), p.To.In(p.Loc).Add(-time.Nanosecond)
	v := periodView{From: rfc3339(p.From), To: rfc3339(p.To), TimeZone: p.Loc.String(),
		FromDate: from.Format(time.DateOnly), ToDate: last.Format(time.DateOnly)}
	if h, ok := jihat.ToHijri(from); ok {
		v.FromHijri = h.String()
	}
	if h, ok := jihat.ToHijri(last); ok {
		v.ToHijri = h.String()
	}
	return v
}

// StatsQuery is what a statistics call asks: the period as given (from, to)
// and narrowing filters.
type StatsQuery struct {
	From, To                 string
	DepartmentID, CaseTypeID string
	Priority                 string
	By                       string // a group (breakdown) or a granularity (indicators)
	Lang                     jihat.Lang
}

// period parses q's period in the entity's zone.
func (s *Server) period(ent *jihat.Entity, q StatsQuery) (jihat.Period, error) {
	var loc *time.Location
	if ent != nil {
		loc = ent.WorkingCalendar().Location
	}
	return jihat.ParsePeriod(q.From, q.To, loc, s.now())
}

// narrow applies q's case type and priority to f after validating them.
func narrow(f *store.StatsFilter, q StatsQuery) error {
	fields := map[string]string{}
	if q.CaseTypeID != "" {
		if !jihat.IsUUID(q.CaseTypeID) {
			fields["case_type_id"] = "invalid_id"
		}
		f.CaseTypeID = q.CaseTypeID
	}
	if q.Priority != "" {
		if !jihat.Priority(q.Priority).Valid() {
			fields["priority"] = "invalid_priority"
		}
		f.Priority = q.Priority
	}
	if q.DepartmentID != "" && !jihat.IsUUID(q.DepartmentID) {
		fields["department_id"] = "invalid_id"
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	return nil
}

// EntityStatsAnswer is the answer of GET /stats/entities/{id}.
type EntityStatsAnswer struct {
	figuresView
	EntityID string     `json:"entity_id"`
	Period   periodView `json:"period"`
}

// EntityStats returns the figures of an entity (of the caller's department
// for a supervisor) for a period.
func (s *Server) EntityStats(ctx context.Context, u *jihat.User, entityID string, q StatsQuery) (*EntityStatsAnswer, error) {
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
	figs, err := s.store.CaseFigures(ctx, f, store.GroupNone)
	if err != nil {
		return nil, err
	}
	out := &EntityStatsAnswer{EntityID: entityID, Period: newPeriodView(p)}
	out.figuresView = newFiguresView(firstOr(figs))
	out.Links = drillLinks(f, "")
	return out, nil
}

func firstOr(fs []store.Figures) store.Figures {
	if len(fs) == 0 {
		return store.Figures{}
	}
	return fs[0]
}

// drillLinks are the drill-down URLs of a group's figures: the cases
// behind total, open, late, completed and resolved_in_period.
func drillLinks(f store.StatsFilter, employeeID string) map[string]string {
	v := url.Values{}
	for k, x := range map[string]string{"entity_id": f.EntityID, "department_id": f.DepartmentID, "case_type_id": f.CaseTypeID,
		"priority": f.Priority, "employee_id": employeeID} {
		if x != "" {
			v.Set(k, x)
		}
	}
	v.Set("from", rfc3339(f.From))
	v.Set("to", rfc3339(f.To))
	out := map[string]string{"total": "/api/v1/stats/cases?" + v.Encode()}
	for _, st := range []string{"open", "late", "completed", "resolved"} {
		v.Set("state", st)
		out[st] = "/api/v1/stats/cases?" + v.Encode()
	}
	return out
}

// BreakdownAnswer is the answer of GET /stats/entities/{id}/breakdown and
// of GET /stats/entities (by entity, side by side).
type BreakdownAnswer struct {
	EntityID string        `json:"entity_id,omitempty"`
	By       string        `json:"by"`
	Period   periodView    `json:"period"`
	Groups   []figuresView `json:"groups"`
}

// Breakdown returns an entity's figures per department, case type,
// employee or priority.
func (s *Server) Breakdown(ctx context.Context, u *jihat.User, entityID string, q StatsQuery) (*BreakdownAnswer, error) {
	ent, f, err := s.entityFilter(ctx, u, entityID, q.DepartmentID)
	if err != nil {
		return nil, err
	}
	g := store.StatsGroup(q.By)
	switch g {
	case "":
		g = store.GroupDepartment
	case store.GroupDepartment, store.GroupCaseType, store.GroupEmployee, store.GroupPriority:
	default:
		return nil, &jihat.Error{Code: jihat.EINVALID, Key: "stats_invalid_group", Fields: map[string]string{"by": "invalid_value"}}
	}
	if err := narrow(&store.StatsFilter{}, q); err != nil {
		return nil, err
	}
	p, err := s.period(ent, q)
	if err != nil {
		return nil, err
	}
	_ = narrow(&f, q)
	f.From, f.To, f.Now = p.From, p.To, s.now()
	figs, err := s.store.CaseFigures(ctx, f, g)
	if err != nil {
		return nil, err
	}
	names, err := s.groupNames(ctx, entityID, g, figs, q.Lang)
	if err != nil {
		return nil, err
	}
	out := &BreakdownAnswer{EntityID: entityID, By: string(g), Period: newPeriodView(p), Groups: make([]figuresView, len(figs))}
	for i, fg := range figs {
		v := newFiguresView(fg)
		v.Name = names[fg.Key]
		sub := f
		employee := ""
		switch g {
		case store.GroupDepartment:
			sub.DepartmentID = fg.Key
		case store.GroupCaseType:
			sub.CaseTypeID = fg.Key
		case store.GroupPriority:
			sub.Priority = fg.Key
		case store.GroupEmployee:
			employee = fg.Key
		}
		if employee != "" || g != store.GroupEmployee {
			v.Links = drillLinks(sub, employee)
		}
		out.Groups[i] = v
	}
	return out, nil
}

// groupNames names the keys of a breakdown: departments and case types by
// their Arabic and English names ("ar / en" is left to the client: the
// answer carries the name in the caller's language), employees by name.
func (s *Server) groupNames(ctx context.Context, entityID string, g store.StatsGroup, figs []store.Figures, lang jihat.Lang) (map[string]string, error) {
	out := map[string]string{}
	pick := func(ar, en string) string {
		if lang == jihat.LangEN {
			return en
		}
		return ar
	}
	switch g {
	case store.GroupDepartment:
		ds, err := s.store.ListDepartments(ctx, entityID)
		if err != nil {
			return nil, err
		}
		for _, d := range ds {
			out[d.ID] = pick(d.NameAR, d.NameEN)
		}
	case store.GroupCaseType:
		ts, err := s.store.ListCaseTypes(ctx, entityID)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			out[t.ID] = pick(t.NameAR, t.NameEN)
		}
	case store.GroupEmployee:
		ids := make([]string, 0, len(figs))
		for _, f := range figs {
			if f.Key != "" {
				ids = append(ids, f.Key)
			}
		}
		names, err := s.store.UserNames(ctx, ids)
		if err != nil {
			return nil, err
		}
		out = names
		out[""] = jihat.Message(lang, "stats_unassigned")
	case store.GroupPriority:
		for _, p := range jihat.Priorities {
			out[string(p)] = p.Label(lang)
		}
	case store.GroupEntity:
		es, err := s.store.ListEntities(ctx)
		if err != nil {
			return nil, err
		}
		for _, e := range es {
			out[e.ID] = pick(e.NameAR, e.NameEN)
		}
	}
	return out, nil
}

// AllEntities returns every entity's figures side by side (oversight and
// platform admins), or the caller's own entity's for an entity admin.
func (s *Server) AllEntities(ctx context.Context, u *jihat.User, q StatsQuery) (*BreakdownAnswer, error) {
	sc := scopeOf(u)
	if !sc.all && (sc.entityID == "" || sc.departmentID != "" || sc.selfID != "") {
		return nil, forbidden()
	}
	var ent *jihat.Entity
	if !sc.all {
		var err error
		if ent, err = s.store.Entity(ctx, sc.entityID); err != nil {
			return nil, err
		}
	}
	p, err := s.period(ent, q)
	if err != nil {
		return nil, err
	}
	f := store.StatsFilter{EntityID: sc.entityID, From: p.From, To: p.To, Now: s.now()}
	if err := narrow(&f, q); err != nil {
		return nil, err
	}
	figs, err := s.store.CaseFigures(ctx, f, store.GroupEntity)
	if err != nil {
		return nil, err
	}
	names, err := s.groupNames(ctx, "", store.GroupEntity, figs, q.Lang)
	if err != nil {
		return nil, err
	}
	out := &BreakdownAnswer{By: string(store.GroupEntity), Period: newPeriodView(p), Groups: make([]figuresView, len(figs))}
	for i, fg := range figs {
		v := newFiguresView(fg)
		v.Name = names[fg.Key]
		sub := f
		sub.EntityID = fg.Key
		v.Links = drillLinks(sub, "")
		out.Groups[i] = v
	}
	return out, nil
}
