package server

import (
	"context"
	"sort"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Employees' figures, hours worked and the department's performance table.
// An employee's cases are those assigned to them now (a reassigned case
// counts for its last assignee).

// EmployeeStatsAnswer is the answer of GET /stats/employees/{id}.
type EmployeeStatsAnswer struct {
	figuresView
	EmployeeID           string     `json:"employee_id"`
	Name                 string     `json:"name"`
	EntityID             string     `json:"entity_id"`
	DepartmentID         string     `json:"department_id,omitempty"`
	Period               periodView `json:"period"`
	MedianFirstResponseS *float64   `json:"median_first_response_s"`
	MedianResolutionS    *float64   `json:"median_resolution_s"`
	LoggedInSeconds      int64      `json:"logged_in_seconds"`
	OnlineSeconds        int64      `json:"online_seconds"`
	ActiveSeconds        int64      `json:"active_seconds"`
}

// EmployeeStats returns an employee's figures and hours for a period.
func (s *Server) EmployeeStats(ctx context.Context, u *jihat.User, employeeID string, q StatsQuery) (*EmployeeStatsAnswer, error) {
	emp, ent, err := s.employeeFilter(ctx, u, employeeID)
	if err != nil {
		return nil, err
	}
	p, err := s.period(ent, q)
	if err != nil {
		return nil, err
	}
	f := store.StatsFilter{EntityID: emp.EntityID, AssigneeID: emp.ID, From: p.From, To: p.To, Now: s.now()}
	if err := narrow(&f, q); err != nil {
		return nil, err
	}
	figs, err := s.store.CaseFigures(ctx, f, store.GroupNone)
	if err != nil {
		return nil, err
	}
	out := &EmployeeStatsAnswer{figuresView: newFiguresView(firstOr(figs)), EmployeeID: emp.ID, Name: emp.Name,
		EntityID: emp.EntityID, DepartmentID: emp.DepartmentID, Period: newPeriodView(p)}
	out.Links = drillLinks(store.StatsFilter{EntityID: emp.EntityID, From: p.From, To: p.To, CaseTypeID: f.CaseTypeID, Priority: f.Priority}, emp.ID)
	for col, dst := range map[store.MedianColumn]**float64{store.MedianFirstRespWork: &out.MedianFirstResponseS,
		store.MedianResolutionWork: &out.MedianResolutionS} {
		m, err := s.store.Medians(ctx, f, store.GroupNone, col)
		if err != nil {
			return nil, err
		}
		if v, ok := m[""]; ok {
			*dst = &v
		}
	}
	hours, err := s.hoursOf(ctx, []string{emp.ID}, p)
	if err != nil {
		return nil, err
	}
	h := hours[emp.ID]
	out.LoggedInSeconds, out.OnlineSeconds, out.ActiveSeconds = h.total(0), h.total(1), h.total(2)
	return out, nil
}

// dayHours are the seconds logged in, online and active of each local day.
type dayHours map[int][3]int64

func (h dayHours) total(i int) int64 {
	var n int64
	for _, v := range h {
		n += v[i]
	}
	return n
}

// span is a stretch of wall time.
type span struct{ start, end time.Time }

// addUnion adds the union of spans, clipped to p, to the seconds of each
// local day of h at index i.
func addUnion(h dayHours, i int, spans []span, p jihat.Period) {
	sort.Slice(spans, func(a, b int) bool { return spans[a].start.Before(spans[b].start) })
	var merged []span
	for _, sp := range spans {
		if sp.start.Before(p.From) {
			sp.start = p.From
		}
		if sp.end.After(p.To) {
			sp.end = p.To
		}
		if !sp.end.After(sp.start) {
			continue
		}
		if n := len(merged); n > 0 && !sp.start.After(merged[n-1].end) {
			if sp.end.After(merged[n-1].end) {
				merged[n-1].end = sp.end
			}
			continue
		}
		merged = append(merged, sp)
	}
	for _, sp := range merged {
		for t := sp.start; t.Before(sp.end); {
			day := jihat.LocalDay(t, p.Loc)
			next := jihat.DayDate(day+1, p.Loc)
			end := sp.end
			if next.Before(end) {
				end = next
			}
			v := h[day]
			v[i] += int64(end.Sub(t) / time.Second)
			h[day] = v
			t = end
		}
	}
}

// hoursOf returns, per user, the hours of each local day of p: logged in
// (the union of their sessions, each from login to logout or expiry),
// online (the union of their live connections) and active (the union of the
// stretches in which they acted), all clipped to p and to now.
func (s *Server) hoursOf(ctx context.Context, userIDs []string, p jihat.Period) (map[string]dayHours, error) {
	now := s.now()
	if p.To.After(now) {
		p.To = now
	}
	out := map[string]dayHours{}
	for _, id := range userIDs {
		out[id] = dayHours{}
	}
	if !p.To.After(p.From) {
		return out, nil
	}
	sessions, err := s.store.SessionSpans(ctx, userIDs, p.From, p.To)
	if err != nil {
		return nil, err
	}
	ivs, err := s.store.WorkIntervals(ctx, userIDs, p.From, p.To)
	if err != nil {
		return nil, err
	}
	ivs = s.activity.overlay(ivs, userIDs, now)
	spans := map[string][3][]span{}
	for _, ss := range sessions {
		end := ss.ExpiresAt
		if !ss.LogoutAt.IsZero() && ss.LogoutAt.Before(end) {
			end = ss.LogoutAt
		}
		v := spans[ss.UserID]
		v[0] = append(v[0], span{ss.LoginAt, end})
		spans[ss.UserID] = v
	}
	for _, iv := range ivs {
		v := spans[iv.UserID]
		k := 1
		if iv.Kind == store.WorkActive {
			k = 2
		}
		v[k] = append(v[k], span{iv.Start, iv.End})
		spans[iv.UserID] = v
	}
	for id, v := range spans {
		for i := range v {
			addUnion(out[id], i, v[i], p)
		}
	}
	return out, nil
}

// HoursAnswer is the answer of GET /stats/employees/{id}/hours.
type HoursAnswer struct {
	EmployeeID      string       `json:"employee_id"`
	Name            string       `json:"name"`
	Period          periodView   `json:"period"`
	Days            []hoursDay   `json:"days"`
	LoggedInSeconds int64        `json:"logged_in_seconds"`
	OnlineSeconds   int64        `json:"online_seconds"`
	ActiveSeconds   int64        `json:"active_seconds"`
	Sessions        []sessionLog `json:"sessions"`
}

type hoursDay struct {
	Date            string `json:"date"`
	Hijri           string `json:"hijri,omitempty"`
	LoggedInSeconds int64  `json:"logged_in_seconds"`
	OnlineSeconds   int64  `json:"online_seconds"`
	ActiveSeconds   int64  `json:"active_seconds"`
}

// sessionLog is one line of the login / logout log.
type sessionLog struct {
	LoginAt   string `json:"login_at"`
	LogoutAt  string `json:"logout_at,omitempty"`
	EndedBy   string `json:"ended_by"` // logout, expiry, or "" while the session lasts
	EndAt     string `json:"end_at,omitempty"`
	IP        string `json:"ip"`
	UserAgent string `json:"user_agent"`
}

// Hours returns an employee's hours per day and login / logout log.
func (s *Server) Hours(ctx context.Context, u *jihat.User, employeeID string, q StatsQuery) (*HoursAnswer, error) {
	emp, ent, err := s.employeeFilter(ctx, u, employeeID)
	if err != nil {
		return nil, err
	}
	p, err := s.period(ent, q)
	if err != nil {
		return nil, err
	}
	hours, err := s.hoursOf(ctx, []string{emp.ID}, p)
	if err != nil {
		return nil, err
	}
	h := hours[emp.ID]
	out := &HoursAnswer{EmployeeID: emp.ID, Name: emp.Name, Period: newPeriodView(p), Days: []hoursDay{},
		LoggedInSeconds: h.total(0), OnlineSeconds: h.total(1), ActiveSeconds: h.total(2), Sessions: []sessionLog{}}
	days := make([]int, 0, len(h))
	for d := range h {
		days = append(days, d)
	}
	sort.Ints(days)
	for _, d := range days {
		date := jihat.DayDate(d, p.Loc)
		hd := hoursDay{Date: date.Format(time.DateOnly), LoggedInSeconds: h[d][0], OnlineSeconds: h[d][1], ActiveSeconds: h[d][2]}
		if hj, ok := jihat.ToHijri(date); ok {
			hd.Hijri = hj.String()
		}
		out.Days = append(out.Days, hd)
	}
	sessions, err := s.store.SessionSpans(ctx, []string{emp.ID}, p.From, p.To)
	if err != nil {
		return nil, err
	}
	now := s.now()
	for _, ss := range sessions {
		l := sessionLog{LoginAt: rfc3339(ss.LoginAt), IP: ss.IP, UserAgent: ss.UserAgent}
		switch {
		case !ss.LogoutAt.IsZero() && ss.LogoutAt.Before(ss.ExpiresAt):
			l.LogoutAt, l.EndedBy, l.EndAt = rfc3339(ss.LogoutAt), "logout", rfc3339(ss.LogoutAt)
		case !ss.ExpiresAt.After(now):
			l.EndedBy, l.EndAt = "expiry", rfc3339(ss.ExpiresAt)
		}
		out.Sessions = append(out.Sessions, l)
	}
	return out, nil
}
