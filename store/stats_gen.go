package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// LoadConfig sizes the synthetic dataset of the statistics benchmark
// (cmd/jihat-statsbench).
type LoadConfig struct {
	Entities        int // entities, each with Departments departments
	Departments     int
	TypesPerDept    int // case types per department
	EmployeesPerDep int // employees per department
	Cases           int // cases, spread over the last Years years
	EventsPerCase   int
	Years           int
	Batch           int // cases per INSERT statement
	Progress        func(done int)
}

// LoadSummary names what GenerateLoad made, for the benchmark to query.
type LoadSummary struct {
	EntityIDs   []string
	EmployeeIDs []string // one per department
}

// GenerateLoad fills the database with a synthetic dataset: entities,
// departments, case types and employees through ordinary rows, then cases,
// their events and their statistics rows in bulk INSERT … SELECT statements
// run by the database (generate_series), a batch at a time. PostgreSQL only.
// The working-time durations of the generated statistics rows are wall time
// scaled by 5/24 (a 7-hour day, 5 days a week, roughly); every other figure
// is exact for the generated cases.
func (s *Store) GenerateLoad(ctx context.Context, cfg LoadConfig) (*LoadSummary, error) {
	if !s.postgre {
		return nil, errors.New("store: the load generator needs PostgreSQL")
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 50_000
	}
	db := s.db.WithContext(ctx)
	now := s.now().UTC()
	sum := &LoadSummary{}
	if err := db.Exec(`DROP TABLE IF EXISTS gen_types; DROP TABLE IF EXISTS gen_emps;
CREATE TABLE gen_types (n int PRIMARY KEY, id text, entity_id text, department_id text);
CREATE TABLE gen_emps (department_id text, k int, id text, PRIMARY KEY (department_id, k));`).Error; err != nil {
		return nil, err
	}
	requester := newID()
	if err := db.Create(&userRow{ID: requester, Name: "مواطن تجريبي", PassHash: "!", Role: string(jihat.RoleCitizen),
		Active: true, CreatedAt: now, UpdatedAt: now}).Error; err != nil {
		return nil, err
	}
	nType := 0
	for e := 0; e < cfg.Entities; e++ {
		ent := entityRow{ID: newID(), NameAR: fmt.Sprintf("جهة تجريبية %d", e+1), NameEN: fmt.Sprintf("Load entity %d", e+1),
			Sector: "government", AssignRule: "round_robin", Demo: true, CreatedAt: now}
		if err := db.Create(&ent).Error; err != nil {
			return nil, err
		}
		sum.EntityIDs = append(sum.EntityIDs, ent.ID)
		for d := 0; d < cfg.Departments; d++ {
			dep := departmentRow{ID: newID(), EntityID: ent.ID, NameAR: fmt.Sprintf("إدارة %d", d+1), NameEN: fmt.Sprintf("Department %d", d+1), CreatedAt: now}
			if err := db.Create(&dep).Error; err != nil {
				return nil, err
			}
			for t := 0; t < cfg.TypesPerDept; t++ {
				ct := caseTypeRow{ID: newID(), EntityID: ent.ID, DepartmentID: dep.ID, NameAR: fmt.Sprintf("نوع %d", t+1),
					NameEN: fmt.Sprintf("Type %d", t+1), SLANormal: 24, SLAImportant: 8, SLAVeryImportant: 4, CreatedAt: now}
				if err := db.Create(&ct).Error; err != nil {
					return nil, err
				}
				if err := db.Exec("INSERT INTO gen_types VALUES (?, ?, ?, ?)", nType, ct.ID, ent.ID, dep.ID).Error; err != nil {
					return nil, err
				}
				nType++
			}
			for k := 0; k < cfg.EmployeesPerDep; k++ {
				email := fmt.Sprintf("load-%s-%d@jihat.invalid", dep.ID, k)
				u := userRow{ID: newID(), Name: fmt.Sprintf("موظف %d-%d", d+1, k+1), Email: &email, PassHash: "!", Role: string(jihat.RoleEmployee),
					EntityID: &ent.ID, DepartmentID: &dep.ID, Active: true, CreatedAt: now, UpdatedAt: now}
				if err := db.Create(&u).Error; err != nil {
					return nil, err
				}
				if k == 0 {
					sum.EmployeeIDs = append(sum.EmployeeIDs, u.ID)
				}
				if err := db.Exec("INSERT INTO gen_emps VALUES (?, ?, ?)", dep.ID, k, u.ID).Error; err != nil {
					return nil, err
				}
			}
		}
	}
	span := fmt.Sprintf("%d days", 365*max(cfg.Years, 1))
	run := newID()[:8] // the first group of every ID this run makes
	for lo := 1; lo <= cfg.Cases; lo += cfg.Batch {
		hi := min(lo+cfg.Batch-1, cfg.Cases)
		if err := s.generateBatch(ctx, lo, hi, nType, cfg, requester, span, now, run); err != nil {
			return nil, err
		}
		if cfg.Progress != nil {
			cfg.Progress(hi)
		}
	}
	if err := db.Exec(`DROP TABLE gen_types; DROP TABLE gen_emps;`).Error; err != nil {
		return nil, err
	}
	// The statistics rows went in not rolled up: the daily rollup adds them
	// as it adds rows older than itself (RollupBatch).
	if err := s.fillRollup(ctx); err != nil {
		return nil, err
	}
	for _, t := range []string{"cases", "case_stats", "case_stats_daily", "case_events"} {
		if err := db.Exec("VACUUM ANALYZE " + t).Error; err != nil { // one statement each: VACUUM runs outside a transaction
			return nil, err
		}
	}
	return sum, nil
}

// generateBatch inserts cases lo..hi, their events and statistics rows in
// one statement (data-modifying WITH), in one transaction. Case i is
// created at i/Cases of the span (plus up to one case's share at random),
// and the IDs of cases and events are UUID-shaped counters after the run's
// prefix, so every index is filled nearly in order: a random UUID or
// creation time per row made the indexes of 10,000,000 events a random
// write each.
func (s *Store) generateBatch(ctx context.Context, lo, hi, nType int, cfg LoadConfig, requester, span string, now time.Time, run string) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		return tx.Exec(genSQL, nType, nType, max(cfg.EmployeesPerDep, 1), lo, hi, now, span, cfg.Cases, now, run, requester, now, now,
			run, max(cfg.EventsPerCase, 1), max(cfg.EventsPerCase, 1)).Error
	})
}

// genSQL makes one batch: g numbers the cases and draws their random
// figures, c gives each a case type, an employee, a creation time and a
// status, ins inserts the cases, st their statistics rows, and the last
// INSERT their events.
const genSQL = `
WITH g AS (
  SELECT i, (i % ?) AS t, ((i / ?) % ?) AS k, random() AS r1, random() AS r2, random() AS r3, random() AS r4
  FROM generate_series(?::int, ?::int) AS i
), c AS (
  SELECT g.*, gt.id AS ct, gt.entity_id, gt.department_id, ge.id AS emp,
    ?::timestamptz - ?::interval * (1 - (i - 1 + r1) / ?::float8) AS created,
    CASE WHEN r2 < 0.6 THEN 'normal' WHEN r2 < 0.9 THEN 'important' ELSE 'very_important' END AS priority
  FROM g JOIN gen_types gt ON gt.n = g.t JOIN gen_emps ge ON ge.department_id = gt.department_id AND ge.k = g.k
), d AS (
  SELECT c.*, (created < ?::timestamptz - interval '30 days' OR r3 < 0.85) AS done FROM c
), ins AS (
  INSERT INTO cases (id, number, entity_id, case_type_id, department_id, requester_id, assignee_id, priority, kind, category,
    subject, body, search_text, status, escalation_level, resolution, due_at, first_response_at, resolved_at, rating,
    rating_comment, created_at, updated_at, search_ver)
  SELECT ?::text || '-0000-4000-8000-' || lpad(to_hex(i), 12, '0'), 'L-' || i, entity_id, ct, department_id, ?, emp, priority, '', '',
    'معاملة تجريبية', 'نص', '',
    CASE WHEN done THEN (CASE WHEN r4 < 0.5 THEN 'resolved' ELSE 'closed' END)
      WHEN r4 < 0.3 THEN 'assigned' WHEN r4 < 0.7 THEN 'in_progress' WHEN r4 < 0.9 THEN 'awaiting_citizen' ELSE 'objected' END,
    CASE WHEN NOT done AND r4 >= 0.9 THEN 1 ELSE 0 END, '',
    created + CASE priority WHEN 'normal' THEN interval '3 days' WHEN 'important' THEN interval '1 day' ELSE interval '8 hours' END,
    CASE WHEN done OR r4 >= 0.3 THEN LEAST(created + r3 * interval '20 hours', ?::timestamptz) END,
    CASE WHEN done THEN LEAST(created + (0.1 + r4 * 3.9) * interval '1 day', ?::timestamptz) END,
    CASE WHEN done AND r2 > 0.5 THEN 1 + floor(r4 * 5)::int ELSE 0 END, '', created, created, 1
  FROM d
  RETURNING id, number, entity_id, department_id, case_type_id, assignee_id, priority, status, escalation_level, due_at,
    first_response_at, resolved_at, rating, created_at
), st AS (
  INSERT INTO case_stats (case_id, entity_id, department_id, case_type_id, assignee_id, priority, kind, status, is_open,
    created_at, created_day, created_month, due_at, due_day, due_month, first_resp_s, first_resp_ws, resolved_at,
    resolved_day, resolution_s, resolution_ws, sla_met, objections, escalations, rating)
  SELECT id, entity_id, department_id, case_type_id, assignee_id, priority, '', status,
    CASE WHEN status IN ('resolved', 'closed') THEN 0 ELSE 1 END,
    created_at, floor(extract(epoch FROM created_at + interval '3 hours') / 86400)::int,
    (extract(year FROM created_at + interval '3 hours') * 12 + extract(month FROM created_at + interval '3 hours') - 1)::int,
    due_at, floor(extract(epoch FROM due_at + interval '3 hours') / 86400)::int,
    (extract(year FROM due_at + interval '3 hours') * 12 + extract(month FROM due_at + interval '3 hours') - 1)::int,
    extract(epoch FROM first_response_at - created_at)::bigint, (extract(epoch FROM first_response_at - created_at) * 5 / 24)::bigint,
    resolved_at, floor(extract(epoch FROM resolved_at + interval '3 hours') / 86400)::int,
    extract(epoch FROM resolved_at - created_at)::bigint, (extract(epoch FROM resolved_at - created_at) * 5 / 24)::bigint,
    CASE WHEN resolved_at IS NULL THEN NULL WHEN resolved_at <= due_at THEN 1 ELSE 0 END,
    escalation_level, escalation_level, rating
  FROM ins
)
INSERT INTO case_events (id, case_id, entity_id, channel, seq, type, actor_id, visibility, data, created_at)
SELECT ?::text || '-0000-4000-8001-' || lpad(to_hex(substr(ins.number, 3)::bigint * ? + n), 12, '0'),
  ins.id, ins.entity_id, 'case:' || ins.id, n,
  CASE WHEN n = 1 THEN 'created' WHEN n = 2 THEN 'assigned' ELSE 'comment' END,
  ins.assignee_id, 'public', '{}', ins.created_at + n * interval '5 minutes'
FROM ins CROSS JOIN generate_series(1, ?::int) AS n`
