package server

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/hub"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

// Timed statistics work: writing presence and activity intervals, the live
// dashboard counters on the feeds, and each entity's weekly report.

// RunStats does the statistics' timed work until ctx ends: every
// Config.StatsEvery it writes the running presence and activity intervals
// and sends the weekly reports that are due; whenever cases change it
// publishes the changed entities' counters (at most about four times a
// second). At the end it writes the intervals once more.
func (s *Server) RunStats(ctx context.Context) {
	t := time.NewTicker(s.cfg.StatsEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			if err := s.activity.Flush(fctx, s.now()); err != nil {
				s.log.Warn("stats: final flush", slog.Any("err", err))
			}
			cancel()
			return
		case <-t.C:
			s.StatsTick(ctx)
		case <-s.counters.wake:
			s.PublishCounters(ctx)
			select { // coalesce bursts: at most one publication per 250 ms
			case <-ctx.Done():
			case <-time.After(250 * time.Millisecond):
			}
		}
	}
}

// StatsTick writes the presence and activity intervals and sends the
// weekly reports that are due now.
func (s *Server) StatsTick(ctx context.Context) {
	if err := s.activity.Flush(ctx, s.now()); err != nil {
		s.log.WarnContext(ctx, "stats: write work intervals", slog.Any("err", err))
	}
	if _, err := s.SendWeeklyReports(ctx); err != nil {
		s.log.WarnContext(ctx, "stats: weekly reports", slog.Any("err", err))
	}
}

// counterPublisher remembers which entities' counters changed.
type counterPublisher struct {
	mu    sync.Mutex // guards dirty
	dirty map[string]bool
	wake  chan struct{}
}

func newCounterPublisher() *counterPublisher {
	return &counterPublisher{dirty: map[string]bool{}, wake: make(chan struct{}, 1)}
}

// touch marks an entity's counters changed. It never blocks.
func (p *counterPublisher) touch(entityID string) {
	p.mu.Lock()
	p.dirty[entityID] = true
	p.mu.Unlock()
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *counterPublisher) take() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make([]string, 0, len(p.dirty))
	for id := range p.dirty {
		out = append(out, id)
	}
	clear(p.dirty)
	return out
}

// countsChange reports whether an event of type t may move the counters:
// a case opened, resolved, closed, re-opened or become late.
func countsChange(t jihat.CaseEventType) bool {
	switch t {
	case jihat.CaseEventCreated, jihat.CaseEventResolved, jihat.CaseEventClosed, jihat.CaseEventObjected,
		jihat.CaseEventOverdue, jihat.CaseEventStatusChanged, jihat.CaseEventPostponed:
		return true
	}
	return false
}

// countersView is the live counters message on a feed: an event whose data
// has type "counters" (no sequence number; a subscriber that missed one
// reads GET /stats/entities/{id}/counters).
type countersView struct {
	Type          string `json:"type"` // "counters"
	EntityID      string `json:"entity_id,omitempty"`
	DepartmentID  string `json:"department_id,omitempty"` // a department's counters; none for the entity's
	Open          int64  `json:"open"`
	Late          int64  `json:"late"`
	OpenedToday   int64  `json:"opened_today"`
	ResolvedToday int64  `json:"resolved_today"`
	At            string `json:"at"`
}

// counters reads the counters of an entity ("" for all) now; today starts
// at midnight in the entity's zone (Riyadh for all).
func (s *Server) countersOf(ctx context.Context, ent *jihat.Entity) (countersView, error) {
	now := s.now()
	loc := jihat.DefaultCalendar().Location
	f := store.StatsFilter{Now: now}
	if ent != nil {
		loc, f.EntityID = ent.WorkingCalendar().Location, ent.ID
	}
	since := jihat.DayDate(jihat.LocalDay(now, loc), loc)
	c, err := s.store.Counters(ctx, f, since)
	return countersView{Type: "counters", EntityID: f.EntityID, Open: c.Open, Late: c.Late, OpenedToday: c.OpenedToday,
		ResolvedToday: c.ResolvedToday, At: rfc3339(now)}, err
}

// PublishCounters publishes the counters of every entity whose cases
// changed since the last call: the entity's on its feed for those who see
// the whole entity, each department's for its supervisors, and the
// platform's on the oversight feed. Each carries its audience, so a
// supervisor never receives another department's figures.
func (s *Server) PublishCounters(ctx context.Context) {
	ids := s.counters.take()
	if len(ids) == 0 {
		return
	}
	now := s.now()
	for _, id := range ids {
		ent, err := s.store.Entity(ctx, id)
		if err != nil {
			continue
		}
		loc := ent.WorkingCalendar().Location
		by, err := s.store.CountersByDepartment(ctx, store.StatsFilter{EntityID: id, Now: now}, jihat.DayDate(jihat.LocalDay(now, loc), loc))
		if err != nil {
			s.log.WarnContext(ctx, "stats: counters", slog.Any("err", err))
			continue
		}
		total := countersView{Type: "counters", EntityID: id, At: rfc3339(now)}
		for dept, c := range by {
			v := countersView{Type: "counters", EntityID: id, DepartmentID: dept, Open: c.Open, Late: c.Late,
				OpenedToday: c.OpenedToday, ResolvedToday: c.ResolvedToday, At: total.At}
			total.Open, total.Late, total.OpenedToday, total.ResolvedToday = total.Open+c.Open, total.Late+c.Late,
				total.OpenedToday+c.OpenedToday, total.ResolvedToday+c.ResolvedToday
			s.liveJSON(ctx, jihat.EntityFeedChannel(id), v, &jihat.Audience{EntityID: id, DepartmentID: dept})
		}
		s.liveJSON(ctx, jihat.EntityFeedChannel(id), total, &jihat.Audience{EntityID: id})
	}
	if v, err := s.countersOf(ctx, nil); err == nil {
		s.liveJSON(ctx, jihat.FeedChannel, v, &jihat.Audience{})
	}
}

// liveJSON publishes v, live only (no sequence), to the readers of aud.
func (s *Server) liveJSON(ctx context.Context, channel string, v any, aud *jihat.Audience) {
	b, err := json.Marshal(v)
	if err != nil {
		return
	}
	s.live(ctx, channel, hub.Event{Data: b, Audience: aud})
}

// SendWeeklyReports queues the weekly report of every entity whose
// schedule is due (its weekday, from its hour on, in its zone) and that has
// not had this week's report: to each active supervisor and entity admin,
// in their language. It returns how many entities' reports were queued.
// Several nodes may run it at once: the claim of the week is one update.
func (s *Server) SendWeeklyReports(ctx context.Context) (int, error) {
	schedules, err := s.store.EnabledReportSchedules(ctx)
	if err != nil {
		return 0, err
	}
	now := s.now()
	sent := 0
	for _, rs := range schedules {
		ent, err := s.store.Entity(ctx, rs.EntityID)
		if err != nil {
			continue
		}
		loc := ent.WorkingCalendar().Location
		local := now.In(loc)
		today := jihat.LocalDay(now, loc)
		week := jihat.WeekOfDay(today)
		if local.Weekday() != rs.Weekday || local.Hour() < rs.Hour || rs.LastWeek >= week {
			continue
		}
		// The report covers the last full week, Sunday to Saturday.
		p := jihat.Period{From: jihat.ByWeek.BucketStart(week-1, loc).UTC(), To: jihat.ByWeek.BucketStart(week, loc).UTC(), Loc: loc}
		figs, err := s.store.CaseFigures(ctx, store.StatsFilter{EntityID: ent.ID, From: p.From, To: p.To, Now: now}, store.GroupNone)
		if err != nil {
			return sent, err
		}
		fv := newFiguresView(firstOr(figs))
		people, err := s.store.Supervisors(ctx, ent.ID, "", jihat.RoleSupervisor.Level())
		if err != nil {
			return sent, err
		}
		var notices []store.Notice
		for _, u := range people {
			if !u.Can(jihat.PermReportsView) {
				continue
			}
			notices = append(notices, store.Notice{Kind: notify.KindWeeklyReport, RecipientID: u.ID,
				Data: weeklyData(ent, p, fv, u.Lang)})
		}
		ok, err := s.store.ClaimWeeklyReport(ctx, ent.ID, week, notices)
		if err != nil {
			return sent, err
		}
		if ok {
			sent++
		}
	}
	if sent > 0 {
		s.wakeNotifier()
	}
	return sent, nil
}

// weeklyData is the data of one weekly report message: its title and body
// written in the recipient's language.
func weeklyData(ent *jihat.Entity, p jihat.Period, fv figuresView, lang jihat.Lang) map[string]any {
	name := ent.NameAR
	if lang == jihat.LangEN {
		name = ent.NameEN
	}
	pv := newPeriodView(p)
	span := pv.FromDate + " – " + pv.ToDate
	sla := "—"
	if fv.SLAMetPct != nil {
		sla = fmt.Sprintf("%.1f%%", *fv.SLAMetPct)
	}
	q := url.Values{"from": {pv.FromDate}, "to": {pv.ToDate}}
	link := "/api/v1/stats/entities/" + ent.ID + "/report?" + q.Encode()
	return map[string]any{"entity_id": ent.ID,
		"title": jihat.Message(lang, "stats_weekly_title", name, span),
		"body":  jihat.Message(lang, "stats_weekly_body", fv.Total, fv.ResolvedInPeriod, fv.Open, fv.Late, sla, link)}
}

// touchCounters marks the entities of events whose counters may have moved.
func (s *Server) touchCounters(events []jihat.CaseEvent) {
	for i := range events {
		if countsChange(events[i].Type) {
			s.counters.touch(events[i].EntityID)
		}
	}
}
