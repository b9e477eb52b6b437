package store

import (
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/jihat/jihat"
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
	EntityID     string     `gorm:"primaryKey;size:36;index:idx_cday_entity,priority:1"`
	DepartmentID string     `gorm:"primaryKey;size:36;index:idx_cday_dept,priority:1"`
	CaseTypeID   string     `gorm:"primaryKey;size:36"`
	Priority     string     `gorm:"primaryKey;size:16"`
	AssigneeID   string     `gorm:"primaryKey;size:36;index:idx_cday_assignee,priority:1"`
	Status       string     `gorm:"primaryKey;size:20"`
	Day          int        `gorm:"primaryKey;autoIncrement:false;index:idx_cday_entity,priority:2;index:idx_cday_dept,priority:2;index:idx_cday_assignee,priority:2"` // jihat.LocalDay
	Sums         rollupSums `gorm:"embedded"`
}

func (caseDayRow) TableName() string { return "case_stats_daily" }

// caseMonthRow is the same cell for a whole local month (migration 63):
// case_stats_monthly is case_stats_daily summed by month, kept in the same
// transactions, so a year reads about twelve rows per cell instead of one
// per day (stats_rollup_read.go).
type caseMonthRow struct {
	EntityID     string     `gorm:"primaryKey;size:36;index:idx_cmon_entity,priority:1"`
	DepartmentID string     `gorm:"primaryKey;size:36;index:idx_cmon_dept,priority:1"`
	CaseTypeID   string     `gorm:"primaryKey;size:36"`
	Priority     string     `gorm:"primaryKey;size:16"`
	AssigneeID   string     `gorm:"primaryKey;size:36;index:idx_cmon_assignee,priority:1"`
	Status       string     `gorm:"primaryKey;size:20"`
	Month        int        `gorm:"primaryKey;autoIncrement:false;index:idx_cmon_entity,priority:2;index:idx_cmon_dept,priority:2;index:idx_cmon_assignee,priority:2"` // jihat.LocalMonth
	Sums         rollupSums `gorm:"embedded"`
}

func (caseMonthRow) TableName() string { return "case_stats_monthly" }

// rollupSums are the sums of a cell.
type rollupSums struct {
	Opened       int64 `gorm:"not null;default:0"` // cases created that day (now in this status, with this assignee, ...)
	ResolvedHere int64 `gorm:"not null;default:0"` // cases resolved that day and still resolved
	FrN          int64 `gorm:"not null;default:0"` // of Opened: with a first response
	FrSum        int64 `gorm:"not null;default:0"` // their wall seconds
	FrWSum       int64 `gorm:"not null;default:0"` // their working seconds
	ResN         int64 `gorm:"not null;default:0"` // resolved (or closed) now
	ResSum       int64 `gorm:"not null;default:0"`
	ResWSum      int64 `gorm:"not null;default:0"`
	SLAMet       int64 `gorm:"column:sla_met;not null;default:0"`  // resolved by the deadline
	SLALate      int64 `gorm:"column:sla_late;not null;default:0"` // resolved after it
	Ever         int64 `gorm:"not null;default:0"`                 // resolved now or objected to
	Objected     int64 `gorm:"not null;default:0"`                 // with at least one objection
	Escalations  int64 `gorm:"not null;default:0"`                 // escalation events
	RatingSum    int64 `gorm:"not null;default:0"`
	RatingN      int64 `gorm:"not null;default:0"`
}

// dayKeyCols are the primary key of case_stats_daily (monthKeyCols of
// case_stats_monthly); daySumCols the sums of both.
var (
	dayKeyCols   = []string{"entity_id", "department_id", "case_type_id", "priority", "assignee_id", "status", "day"}
	monthKeyCols = []string{"entity_id", "department_id", "case_type_id", "priority", "assignee_id", "status", "month"}
	daySumCols   = []string{"opened", "resolved_here", "fr_n", "fr_sum", "fr_w_sum", "res_n", "res_sum", "res_w_sum",
		"sla_met", "sla_late", "ever", "objected", "escalations", "rating_sum", "rating_n"}
)

// monthOfDay is the jihat.LocalMonth of a jihat.LocalDay.
func monthOfDay(day int) int { return jihat.LocalMonth(jihat.DayDate(day, time.UTC), time.UTC) }

// dayKey names a cell: a day's, or a month's when month is set (day is
// then the month's number).
type dayKey struct {
	entity, dept, caseType, priority, assignee, status string
	month                                              bool
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
	if k.month != o.month {
		return !k.month
	}
	return k.day < o.day
}

// addContribution adds sign times r's contribution to cells: its cohort
// cells (day and month of creation) and, when resolved, the cells of its
// resolution day and month.
func addContribution(cells map[dayKey]*rollupSums, r *caseStatRow, sign int64) {
	for _, month := range []bool{false, true} {
		addCells(cells, r, sign, month)
	}
}

func addCells(cells map[dayKey]*rollupSums, r *caseStatRow, sign int64, month bool) {
	cell := func(day int) *rollupSums {
		if month {
			day = monthOfDay(day)
		}
		k := dayKey{r.EntityID, r.DepartmentID, r.CaseTypeID, r.Priority, r.AssigneeID, r.Status, month, day}
		c := cells[k]
		if c == nil {
			c = &rollupSums{}
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

func (c *rollupSums) zero() bool { return *c == rollupSums{} }

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
	cells := map[dayKey]*rollupSums{}
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
	var emptied []dayKey // cells that lost a case: deleted if now empty
	for _, k := range keys {
		if c := cells[k]; c.Opened < 0 || c.ResolvedHere < 0 {
			emptied = append(emptied, k)
		}
	}
	if m.gs != nil { // added up with the group's, written at its end (group_cache.go)
		m.gs.addCells(cells, emptied)
		return nil
	}
	return writeCells(m.tx, keys, cells, emptied)
}

// writeCells adds the sums of cells at keys (in that order) to the rollup
// tables, then deletes the cells of emptied left with no case.
func writeCells(tx *gorm.DB, keys []dayKey, cells map[dayKey]*rollupSums, emptied []dayKey) error {
	var days []caseDayRow
	var months []caseMonthRow
	for _, k := range keys {
		d, m := cellRow(k, *cells[k])
		if k.month {
			months = append(months, m)
		} else {
			days = append(days, d)
		}
	}
	if len(days) > 0 {
		if err := tx.Clauses(addOnConflict("case_stats_daily", dayKeyCols)).Create(&days).Error; err != nil {
			return err
		}
	}
	if len(months) > 0 {
		if err := tx.Clauses(addOnConflict("case_stats_monthly", monthKeyCols)).Create(&months).Error; err != nil {
			return err
		}
	}
	for _, k := range emptied {
		table, grain := "case_stats_daily", "day"
		if k.month {
			table, grain = "case_stats_monthly", "month"
		}
		if err := tx.Exec("DELETE FROM "+table+" WHERE entity_id = ? AND department_id = ? AND case_type_id = ? AND priority = ? AND assignee_id = ? AND status = ? AND "+grain+" = ? AND opened = 0 AND resolved_here = 0",
			k.entity, k.dept, k.caseType, k.priority, k.assignee, k.status, k.day).Error; err != nil {
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

// addOnConflict makes an INSERT into table (of primary key keyCols) add its
// sums to an existing cell.
func addOnConflict(table string, keyCols []string) clause.OnConflict {
	cols := make([]clause.Column, len(keyCols))
	for i, c := range keyCols {
		cols[i] = clause.Column{Name: c}
	}
	set := make(clause.Set, len(daySumCols))
	for i, c := range daySumCols {
		set[i] = clause.Assignment{Column: clause.Column{Name: c}, Value: gorm.Expr(table + "." + c + " + excluded." + c)}
	}
	return clause.OnConflict{Columns: cols, DoUpdates: set}
}
