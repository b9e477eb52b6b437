package store

import (
	"context"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// The daily rollup (migration 62): case_stats_daily holds, per entity,
// department, case type, priority, assignee, current status and local day,
// the sums of the case_stats rows of the cases created that day (opened and
// every figure of CaseFigures) and the count of the cases resolved that
// day (resolved_here). It is case_stats summed, nothing more: every change
// to a case moves its contribution in the same transaction
// (CaseTx.rollStats), and RollupBatch adds the rows made before it existed.
// Periods of whole local days read it instead of the cases (stats_query.go).
//
// Medians are not in the rollup: they are computed exactly from case_stats
// (Medians), which the callers only ask for one employee or one department.

// caseDayRow is one cell of the rollup. Every sum is over the cases counted
// in Opened (created that day) except ResolvedHere, so a cell whose Opened
// and ResolvedHere are both 0 is empty and is deleted.
type caseDayRow struct {
	EntityID     string `gorm:"primaryKey;size:36;index:idx_cday_entity,priority:1"`
	DepartmentID string `gorm:"primaryKey;size:36;index:idx_cday_dept,priority:1"`
	CaseTypeID   string `gorm:"primaryKey;size:36"`
	Priority     string `gorm:"primaryKey;size:16"`
	AssigneeID   string `gorm:"primaryKey;size:36;index:idx_cday_assignee,priority:1"`
	Status       string `gorm:"primaryKey;size:20"`
	Day          int    `gorm:"primaryKey;autoIncrement:false;index:idx_cday_entity,priority:2;index:idx_cday_dept,priority:2;index:idx_cday_assignee,priority:2"` // jihat.LocalDay
	Opened       int64  `gorm:"not null;default:0"`                                                                                                                // cases created that day (now in this status, with this assignee, ...)
	ResolvedHere int64  `gorm:"not null;default:0"`                                                                                                                // cases resolved that day and still resolved
	FrN          int64  `gorm:"not null;default:0"`                                                                                                                // of Opened: with a first response
	FrSum        int64  `gorm:"not null;default:0"`                                                                                                                // their wall seconds
	FrWSum       int64  `gorm:"not null;default:0"`                                                                                                                // their working seconds
	ResN         int64  `gorm:"not null;default:0"`                                                                                                                // resolved (or closed) now
	ResSum       int64  `gorm:"not null;default:0"`
	ResWSum      int64  `gorm:"not null;default:0"`
	SLAMet       int64  `gorm:"column:sla_met;not null;default:0"`  // resolved by the deadline
	SLALate      int64  `gorm:"column:sla_late;not null;default:0"` // resolved after it
	Ever         int64  `gorm:"not null;default:0"`                 // resolved now or objected to
	Objected     int64  `gorm:"not null;default:0"`                 // with at least one objection
	Escalations  int64  `gorm:"not null;default:0"`                 // escalation events
	RatingSum    int64  `gorm:"not null;default:0"`
	RatingN      int64  `gorm:"not null;default:0"`
}

func (caseDayRow) TableName() string { return "case_stats_daily" }

// dayKeyCols are the primary key of case_stats_daily; daySumCols its sums.
var (
	dayKeyCols = []string{"entity_id", "department_id", "case_type_id", "priority", "assignee_id", "status", "day"}
	daySumCols = []string{"opened", "resolved_here", "fr_n", "fr_sum", "fr_w_sum", "res_n", "res_sum", "res_w_sum",
		"sla_met", "sla_late", "ever", "objected", "escalations", "rating_sum", "rating_n"}
)

type dayKey struct {
	entity, dept, caseType, priority, assignee, status string
	day                                                int
}

func (k dayKey) less(o dayKey) bool {
	a := [6]string{k.entity, k.dept, k.caseType, k.priority, k.assignee, k.status}
	b := [6]string{o.entity, o.dept, o.caseType, o.priority, o.assignee, o.status}
	if a != b {
		for i := range a {
			if a[i] != b[i] {
				return a[i] < b[i]
			}
		}
	}
	return k.day < o.day
}

// addContribution adds sign times r's contribution to cells: its cohort
// cell (day of creation) and, when resolved, the cell of its resolution day.
func addContribution(cells map[dayKey]*caseDayRow, r *caseStatRow, sign int64) {
	cell := func(day int) *caseDayRow {
		k := dayKey{r.EntityID, r.DepartmentID, r.CaseTypeID, r.Priority, r.AssigneeID, r.Status, day}
		c := cells[k]
		if c == nil {
			c = &caseDayRow{EntityID: k.entity, DepartmentID: k.dept, CaseTypeID: k.caseType, Priority: k.priority,
				AssigneeID: k.assignee, Status: k.status, Day: day}
			cells[k] = c
		}
		return c
	}
	one := func(b bool) int64 {
		if b {
			return sign
		}
		return 0
	}
	val := func(p *int64) int64 {
		if p == nil {
			return 0
		}
		return sign * *p
	}
	c := cell(r.CreatedDay)
	c.Opened += sign
	c.FrN += one(r.FirstRespS != nil)
	c.FrSum += val(r.FirstRespS)
	c.FrWSum += val(r.FirstRespWS)
	c.ResN += one(r.ResolutionS != nil)
	c.ResSum += val(r.ResolutionS)
	c.ResWSum += val(r.ResolutionWS)
	c.SLAMet += one(r.SLAMet != nil && *r.SLAMet == 1)
	c.SLALate += one(r.SLAMet != nil && *r.SLAMet == 0)
	c.Ever += one(r.SLAMet != nil || r.Objections > 0)
	c.Objected += one(r.Objections > 0)
	c.Escalations += sign * int64(r.Escalations)
	c.RatingSum += sign * int64(r.Rating)
	c.RatingN += one(r.Rating > 0)
	if r.ResolvedDay != nil {
		cell(*r.ResolvedDay).ResolvedHere += sign
	}
}

func (c *caseDayRow) zero() bool {
	return *c == caseDayRow{EntityID: c.EntityID, DepartmentID: c.DepartmentID, CaseTypeID: c.CaseTypeID,
		Priority: c.Priority, AssigneeID: c.AssigneeID, Status: c.Status, Day: c.Day}
}

// rollStats moves the case's contribution to the rollup from its
// statistics row as stored to the row as saveStats is about to leave it:
// row, of which saveStats writes the columns that changed (firstResp,
// resolution, dueMoved say which), the rest staying as stored. A new case
// only adds. A row not yet rolled up (RollupBatch has not reached it) is
// left to RollupBatch, which will count its state then.
func (m *CaseTx) rollStats(row caseStatRow, firstResp, resolution, dueMoved bool) error {
	next := row
	var old *caseStatRow
	if !m.isNew {
		q := m.tx.Where("case_id = ?", row.CaseID)
		if m.s.postgre {
			q = q.Clauses(clause.Locking{Strength: "UPDATE"})
		}
		var stored []caseStatRow
		if err := q.Limit(1).Find(&stored).Error; err != nil {
			return err
		}
		if len(stored) == 1 {
			old = &stored[0]
			next = mergeStats(*old, row, firstResp, resolution, dueMoved)
		}
	}
	if old != nil && old.Rolled == 0 {
		return nil
	}
	cells := map[dayKey]*caseDayRow{}
	if old != nil {
		addContribution(cells, old, -1)
	}
	addContribution(cells, &next, +1)
	keys := make([]dayKey, 0, len(cells))
	for k, c := range cells {
		if !c.zero() {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return nil
	}
	// One order for every transaction, so two never wait for each other's cells.
	sort.Slice(keys, func(i, j int) bool { return keys[i].less(keys[j]) })
	rows := make([]caseDayRow, len(keys))
	var emptied []dayKey // cells that lost a case: deleted if now empty
	for i, k := range keys {
		rows[i] = *cells[k]
		if rows[i].Opened < 0 || rows[i].ResolvedHere < 0 {
			emptied = append(emptied, k)
		}
	}
	if err := m.tx.Clauses(addOnConflict()).Create(&rows).Error; err != nil {
		return err
	}
	for _, k := range emptied {
		if err := m.tx.Where("entity_id = ? AND department_id = ? AND case_type_id = ? AND priority = ? AND assignee_id = ? AND status = ? AND day = ? AND opened = 0 AND resolved_here = 0",
			k.entity, k.dept, k.caseType, k.priority, k.assignee, k.status, k.day).Delete(&caseDayRow{}).Error; err != nil {
			return err
		}
	}
	return nil
}

// mergeStats is the statistics row saveStats leaves: old with the columns
// it updates taken from row, and the objection and escalation counts added.
func mergeStats(old, row caseStatRow, firstResp, resolution, dueMoved bool) caseStatRow {
	next := old
	next.AssigneeID, next.DepartmentID, next.CaseTypeID, next.Priority = row.AssigneeID, row.DepartmentID, row.CaseTypeID, row.Priority
	next.Kind, next.Status, next.IsOpen, next.Rating = row.Kind, row.Status, row.IsOpen, row.Rating
	if dueMoved {
		next.DueAt, next.DueDay, next.DueMonth = row.DueAt, row.DueDay, row.DueMonth
	}
	if firstResp {
		next.FirstRespS, next.FirstRespWS = row.FirstRespS, row.FirstRespWS
	}
	if resolution {
		next.ResolvedAt, next.ResolvedDay, next.ResolutionS, next.ResolutionWS, next.SLAMet = row.ResolvedAt, row.ResolvedDay, row.ResolutionS, row.ResolutionWS, row.SLAMet
	}
	next.Objections += row.Objections
	next.Escalations += row.Escalations
	return next
}

// addOnConflict makes an INSERT into case_stats_daily add its sums to an
// existing cell.
func addOnConflict() clause.OnConflict {
	cols := make([]clause.Column, len(dayKeyCols))
	for i, c := range dayKeyCols {
		cols[i] = clause.Column{Name: c}
	}
	set := make(clause.Set, len(daySumCols))
	for i, c := range daySumCols {
		set[i] = clause.Assignment{Column: clause.Column{Name: c}, Value: gorm.Expr("case_stats_daily." + c + " + excluded." + c)}
	}
	return clause.OnConflict{Columns: cols, DoUpdates: set}
}

// rollupBatch is how many case_stats rows RollupBatch adds at a time.
const rollupBatch = 5000

// fillRollup adds every case_stats row not yet in the rollup, a batch per
// transaction (see RollupBatch): run after the migrations, a start stopped
// half-way leaves the done batches done and the next goes on from there.
func (s *Store) fillRollup(ctx context.Context) error {
	began, total := time.Now(), 0
	for {
		n, err := s.RollupBatch(ctx, rollupBatch)
		total += n
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	if total > 0 {
		s.log.Info("statistics rollup filled", "cases", total, "took", time.Since(began).Round(time.Millisecond))
	}
	return nil
}

// RollupBatch adds at most batch case_stats rows not yet rolled up
// (rolled = 0: made before migration 62, or by the load generator) to
// case_stats_daily, in the database (INSERT … SELECT … GROUP BY), marks them
// rolled, and returns how many (0: none left). On PostgreSQL the rows are
// locked with SKIP LOCKED, so nodes starting together share the work, and a
// case changed meanwhile waits for the batch (rollStats reads its row FOR
// UPDATE).
func (s *Store) RollupBatch(ctx context.Context, batch int) (int, error) {
	n := 0
	err := s.tx(ctx, func(tx *gorm.DB) error {
		q := tx.Model(&caseStatRow{}).Where("rolled = 0").Order("case_id").Limit(batch)
		if s.postgre {
			q = q.Clauses(clause.Locking{Strength: "UPDATE", Options: "SKIP LOCKED"})
		}
		var ids []string
		if err := q.Pluck("case_id", &ids).Error; err != nil {
			return err
		}
		if n = len(ids); n == 0 {
			return nil
		}
		keys := strings.Join(dayKeyCols[:6], ", ")
		sums := make([]string, len(daySumCols))
		for i, c := range daySumCols {
			sums[i] = "SUM(" + c + ")"
		}
		sql := `INSERT INTO case_stats_daily (` + strings.Join(dayKeyCols, ", ") + `, ` + strings.Join(daySumCols, ", ") + `)
SELECT ` + keys + `, day, ` + strings.Join(sums, ", ") + ` FROM (
  SELECT ` + keys + `, created_day AS day, 1 AS opened, 0 AS resolved_here,
    CASE WHEN first_resp_s IS NULL THEN 0 ELSE 1 END AS fr_n, COALESCE(first_resp_s, 0) AS fr_sum, COALESCE(first_resp_ws, 0) AS fr_w_sum,
    CASE WHEN resolution_s IS NULL THEN 0 ELSE 1 END AS res_n, COALESCE(resolution_s, 0) AS res_sum, COALESCE(resolution_ws, 0) AS res_w_sum,
    CASE WHEN sla_met = 1 THEN 1 ELSE 0 END AS sla_met, CASE WHEN sla_met = 0 THEN 1 ELSE 0 END AS sla_late,
    CASE WHEN sla_met IS NOT NULL OR objections > 0 THEN 1 ELSE 0 END AS ever,
    CASE WHEN objections > 0 THEN 1 ELSE 0 END AS objected, escalations,
    rating AS rating_sum, CASE WHEN rating > 0 THEN 1 ELSE 0 END AS rating_n
  FROM case_stats WHERE case_id IN @ids
  UNION ALL
  SELECT ` + keys + `, resolved_day, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  FROM case_stats WHERE case_id IN @ids AND resolved_day IS NOT NULL
) AS c WHERE 1 = 1 GROUP BY ` + keys + `, day`
		add := addOnConflict()
		set := make([]string, len(add.DoUpdates))
		for i, a := range add.DoUpdates {
			set[i] = a.Column.Name + " = " + a.Value.(clause.Expr).SQL
		}
		sql += ` ON CONFLICT (` + strings.Join(dayKeyCols, ", ") + `) DO UPDATE SET ` + strings.Join(set, ", ")
		if err := tx.Exec(sql, map[string]any{"ids": ids}).Error; err != nil {
			return err
		}
		return tx.Model(&caseStatRow{}).Where("case_id IN ?", ids).Update("rolled", 1).Error
	})
	return n, err
}
