package server

import (
	"context"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Handlers of the statistics routes: decode, call one service, encode.

func statsQuery(c *fiber.Ctx) StatsQuery {
	return StatsQuery{From: c.Query("from"), To: c.Query("to"), DepartmentID: strings.ToLower(c.Query("department_id")),
		CaseTypeID: strings.ToLower(c.Query("case_type_id")), Priority: c.Query("priority"), By: c.Query("by"), Lang: langOf(c)}
}

// statsCall runs one read of statistics for the caller on the path ID.
func statsCall[T any](param string, fn func(s *Server, ctx context.Context, u *jihat.User, id string, q StatsQuery) (T, error)) func(s *Server) fiber.Handler {
	return func(s *Server) fiber.Handler {
		return func(c *fiber.Ctx) error {
			u, err := requireUser(c)
			if err != nil {
				return err
			}
			id := ""
			if param != "" {
				if id, err = pathID(c, param); err != nil {
					return err
				}
			}
			out, err := fn(s, c.UserContext(), u, id, statsQuery(c))
			if err != nil {
				return err
			}
			return c.JSON(out)
		}
	}
}

var (
	getEntityStats   = statsCall("id", (*Server).EntityStats)
	getBreakdown     = statsCall("id", (*Server).Breakdown)
	getIndicators    = statsCall("id", (*Server).Indicators)
	getEmployeeStats = statsCall("id", (*Server).EmployeeStats)
	getHours         = statsCall("id", (*Server).Hours)
	getPerformance   = statsCall("id", (*Server).Performance)
	getDashboard     = statsCall("id", (*Server).Dashboard)
	getAllEntities   = statsCall("", func(s *Server, ctx context.Context, u *jihat.User, _ string, q StatsQuery) (*BreakdownAnswer, error) {
		return s.AllEntities(ctx, u, q)
	})
	getCounters = statsCall("id", func(s *Server, ctx context.Context, u *jihat.User, id string, _ StatsQuery) (*countersView, error) {
		return s.Counters(ctx, u, id)
	})
)

// statsCases: GET /api/v1/stats/cases — the drill-down.
func (s *Server) statsCases(c *fiber.Ctx) error {
	u, err := requireUser(c)
	if err != nil {
		return err
	}
	q := DrillQuery{StatsQuery: statsQuery(c), EntityID: strings.ToLower(c.Query("entity_id")),
		EmployeeID: strings.ToLower(c.Query("employee_id")), Status: c.Query("status"), State: c.Query("state"),
		Cursor: c.Query("cursor"), Limit: c.QueryInt("limit", 50)}
	cases, next, err := s.DrillCases(c.UserContext(), u, q)
	if err != nil {
		return err
	}
	var cursor any
	if next != "" {
		cursor = next
	}
	return c.JSON(fiber.Map{"cases": cases, "next_cursor": cursor})
}

// statsReport: GET /api/v1/stats/entities/{id}/report?format=html|csv.
func (s *Server) statsReport(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	q := statsQuery(c)
	if l := c.Query("lang"); l != "" {
		q.Lang = jihat.ParseLang(l)
	}
	format := c.Query("format", "html")
	if format != "html" && format != "csv" {
		return jihat.Invalid(map[string]string{"format": "invalid_value"})
	}
	r, err := s.Report(c.UserContext(), u, id, q)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	c.Set("X-Content-Type-Options", "nosniff")
	if format == "csv" {
		b, err := r.CSV()
		if err != nil {
			return err
		}
		name := "report-" + r.FromGreg + "-" + r.ToGreg + ".csv"
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`"`)
		return c.Send(b)
	}
	b, err := r.HTML()
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	c.Set("Content-Security-Policy", ReportCSP)
	return c.Send(b)
}

// scheduleView is an entity's weekly report schedule.
type scheduleView struct {
	Enabled bool   `json:"enabled"`
	Weekday string `json:"weekday"` // sunday .. saturday
	Hour    int    `json:"hour"`    // 0..23, the entity's wall clock
}

// ScheduleRequest is the body of PUT /entities/{id}/report-schedule.
type ScheduleRequest struct {
	Enabled *bool   `json:"enabled"`
	Weekday *string `json:"weekday"`
	Hour    *int    `json:"hour"`
}

func newScheduleView(rs store.ReportSchedule) scheduleView {
	return scheduleView{Enabled: rs.Enabled, Weekday: strings.ToLower(rs.Weekday.String()), Hour: rs.Hour}
}

// ReportSchedule returns an entity's weekly report schedule (who may read
// its figures may read it).
func (s *Server) ReportSchedule(ctx context.Context, u *jihat.User, entityID string) (*scheduleView, error) {
	if _, _, err := s.entityFilter(ctx, u, entityID, ""); err != nil {
		return nil, err
	}
	rs, err := s.store.ReportScheduleOf(ctx, entityID)
	if err != nil {
		return nil, err
	}
	v := newScheduleView(rs)
	return &v, nil
}

// SetReportSchedule changes an entity's weekly report schedule (entity
// admins and platform admins: entity.manage).
func (s *Server) SetReportSchedule(ctx context.Context, u *jihat.User, a jihat.AuditEntry, entityID string, req ScheduleRequest) (*scheduleView, error) {
	if !u.CanManageEntity(entityID) {
		return nil, forbidden()
	}
	rs, err := s.store.ReportScheduleOf(ctx, entityID)
	if err != nil {
		return nil, err
	}
	fields := map[string]string{}
	if req.Enabled != nil {
		rs.Enabled = *req.Enabled
	}
	if req.Weekday != nil {
		ok := false
		for d := time.Sunday; d <= time.Saturday; d++ {
			if strings.EqualFold(*req.Weekday, d.String()) {
				rs.Weekday, ok = d, true
			}
		}
		if !ok {
			fields["weekday"] = "invalid_value"
		}
	}
	if req.Hour != nil {
		if *req.Hour < 0 || *req.Hour > 23 {
			fields["hour"] = "invalid_value"
		}
		rs.Hour = *req.Hour
	}
	if len(fields) > 0 {
		return nil, &jihat.Error{Code: jihat.EINVALID, Key: "stats_invalid_schedule", Fields: fields}
	}
	a.Details = detailsJSON(newScheduleView(rs))
	if err := s.store.SetReportSchedule(ctx, rs, a); err != nil {
		return nil, err
	}
	v := newScheduleView(rs)
	return &v, nil
}

func (s *Server) getReportSchedule(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	v, err := s.ReportSchedule(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"schedule": v})
}

func (s *Server) putReportSchedule(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	var req ScheduleRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := s.SetReportSchedule(c.UserContext(), u, audit(c, "stats.report_schedule"), id, req)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"schedule": v})
}

// trackActivity counts a request as the caller acting, for hours worked:
// every change (not GET or HEAD) and opening a case; logging out is not.
func (s *Server) trackActivity(c *fiber.Ctx) error {
	if p := caller(c); p != nil {
		m, path := c.Method(), c.Path()
		if ((m != fiber.MethodGet && m != fiber.MethodHead) || strings.HasPrefix(path, "/api/v1/cases/")) &&
			!strings.HasPrefix(path, "/api/v1/auth/") {
			s.activity.acted(p.user.ID, s.now())
		}
	}
	return c.Next()
}
