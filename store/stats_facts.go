package store

import (
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/jihat/jihat"
)

// caseStatRow is the statistics row of one case (migration 60), kept in
// step with the case in the same transaction as every change to it
// (CaseTx.save). It holds what aggregate queries need and cannot compute in
// SQL on both databases: durations in working time on the entity's
// calendar, and the case's day and month in the entity's time zone.
// Durations are whole seconds; NULL while the step has not happened.
type caseStatRow struct {
	CaseID       string     `gorm:"primaryKey;size:36;index:idx_cstat_unrolled,where:rolled = 0"`
	EntityID     string     `gorm:"size:36;not null;index:idx_cstat_entity,priority:1;index:idx_cstat_open,priority:1;index:idx_cstat_resolved,priority:1"`
	DepartmentID string     `gorm:"size:36;not null;index:idx_cstat_dept,priority:1"`
	CaseTypeID   string     `gorm:"size:36;not null"`
	AssigneeID   string     `gorm:"size:36;not null;default:'';index:idx_cstat_assignee,priority:1"`
	Priority     string     `gorm:"size:16;not null"`
	Kind         string     `gorm:"size:16;not null;default:''"`
	Status       string     `gorm:"size:20;not null"`
	IsOpen       int        `gorm:"not null;index:idx_cstat_open,priority:2"` // 1 while the status is open
	CreatedAt    time.Time  `gorm:"not null;index:idx_cstat_entity,priority:2;index:idx_cstat_dept,priority:2;index:idx_cstat_assignee,priority:2;index"`
	CreatedDay   int        `gorm:"not null"` // jihat.LocalDay in the entity's zone
	CreatedMonth int        `gorm:"not null"` // jihat.LocalMonth
	DueAt        time.Time  `gorm:"not null;index:idx_cstat_open,priority:3"`
	DueDay       int        `gorm:"not null"`
	DueMonth     int        `gorm:"not null"`
	FirstRespS   *int64     `gorm:"column:first_resp_s"`                 // wall time, created → first public staff reply
	FirstRespWS  *int64     `gorm:"column:first_resp_ws"`                // the same in working time
	ResolvedAt   *time.Time `gorm:"index:idx_cstat_resolved,priority:2"` // while resolved or closed
	ResolvedDay  *int
	ResolutionS  *int64 `gorm:"column:resolution_s"`  // wall time, created → last resolution
	ResolutionWS *int64 `gorm:"column:resolution_ws"` // the same in working time
	SLAMet       *int   `gorm:"column:sla_met"`       // 1 resolved by the deadline, 0 after; NULL while open
	Objections   int    `gorm:"not null;default:0"`
	Escalations  int    `gorm:"not null;default:0"`
	Rating       int    `gorm:"not null;default:0"`
	Rolled       int    `gorm:"not null;default:0"` // 1 once counted in case_stats_daily (stats_rollup.go)
}

func (caseStatRow) TableName() string { return "case_stats" }

// saveStats writes the case's statistics row: an insert for a new case, an
// update of what changed otherwise. Working durations need the entity's
// calendar, read only when a first response or a resolution is new.
func (m *CaseTx) saveStats() error {
	c, b := m.Case, m.before
	objections, escalations := 0, 0
	for _, e := range m.events {
		switch e.Type {
		case jihat.CaseEventObjected:
			objections++
		case jihat.CaseEventEscalated:
			escalations++
		}
	}
	firstResp := !c.FirstResponseAt.IsZero() && (m.isNew || !c.FirstResponseAt.Equal(b.FirstResponseAt))
	done := !c.Status.Open() && !c.ResolvedAt.IsZero()
	wasDone := !b.Status.Open() && !b.ResolvedAt.IsZero()
	resolution := m.isNew || done != wasDone || (done && !c.ResolvedAt.Equal(b.ResolvedAt))
	dueMoved := m.isNew || !c.DueAt.Equal(b.DueAt)
	if !m.isNew && objections == 0 && escalations == 0 && !firstResp && !resolution && !dueMoved && sameStats(c, &b) {
		return nil // nothing the statistics hold moved (a comment, mostly): no row to read or write
	}
	// The entity's calendar (one row read by primary key) gives the working
	// durations and the zone of the day numbers; only when one changes.
	var cal jihat.Calendar
	if firstResp || resolution || dueMoved {
		var err error
		if cal, err = m.Calendar(); err != nil {
			return err
		}
	}
	row := statRow(c, cal) // the whole row for an insert; update names what changed
	row.Objections, row.Escalations, row.Rolled = objections, escalations, 1
	// The daily rollup moves in the same transaction (stats_rollup.go).
	if err := m.rollStats(row, firstResp, resolution, dueMoved); err != nil {
		return err
	}
	update := []string{"assignee_id", "department_id", "case_type_id", "priority", "kind", "status", "is_open", "rating"}
	if dueMoved {
		update = append(update, "due_at", "due_day", "due_month")
	}
	if firstResp {
		update = append(update, "first_resp_s", "first_resp_ws")
	}
	if resolution {
		update = append(update, "resolved_at", "resolved_day", "resolution_s", "resolution_ws", "sla_met")
	}
	if m.gs != nil && m.isNew { // inserted with the group's rows (group_cache.go)
		m.gs.stats = append(m.gs.stats, row)
		return nil
	}
	set := clause.AssignmentColumns(update)
	set = append(set,
		clause.Assignment{Column: clause.Column{Name: "objections"}, Value: gorm.Expr("case_stats.objections + ?", objections)},
		clause.Assignment{Column: clause.Column{Name: "escalations"}, Value: gorm.Expr("case_stats.escalations + ?", escalations)})
	return m.tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "case_id"}}, DoUpdates: set}).Create(&row).Error
}

// sameStats reports whether the case fields that statRow copies (besides the
// times saveStats checks itself) are unchanged.
func sameStats(c, b *jihat.Case) bool {
	return c.EntityID == b.EntityID && c.DepartmentID == b.DepartmentID && c.CaseTypeID == b.CaseTypeID &&
		c.AssigneeID == b.AssigneeID && c.Priority == b.Priority && c.Kind == b.Kind && c.Status == b.Status &&
		c.Rating == b.Rating && c.CreatedAt.Equal(b.CreatedAt)
}

func seconds(d time.Duration) *int64 {
	s := int64(d / time.Second)
	return &s
}
