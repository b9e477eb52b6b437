package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/jihat/jihat"
)

// reportScheduleRow is when an entity's weekly report goes out to its
// supervisors (migration 61): a weekday and an hour on the entity's wall
// clock.
type reportScheduleRow struct {
	EntityID  string `gorm:"primaryKey;size:36"`
	Enabled   bool   `gorm:"not null"`
	Weekday   int    `gorm:"not null"`           // 0 Sunday .. 6 Saturday
	Hour      int    `gorm:"not null"`           // 0..23
	LastWeek  int    `gorm:"not null;default:0"` // jihat.WeekOfDay of the last report sent; the claim
	UpdatedAt time.Time
}

func (reportScheduleRow) TableName() string { return "report_schedules" }

// ReportSchedule is an entity's weekly report setting.
type ReportSchedule struct {
	EntityID string
	Enabled  bool
	Weekday  time.Weekday
	Hour     int
	LastWeek int
}

// ReportScheduleOf returns the entity's schedule; a disabled one (Sunday
// 08:00) when it set none.
func (s *Store) ReportScheduleOf(ctx context.Context, entityID string) (ReportSchedule, error) {
	var r reportScheduleRow
	err := s.db.WithContext(ctx).Where("entity_id = ?", entityID).Take(&r).Error
	if err == gorm.ErrRecordNotFound {
		return ReportSchedule{EntityID: entityID, Weekday: time.Sunday, Hour: 8}, nil
	}
	return ReportSchedule{EntityID: r.EntityID, Enabled: r.Enabled, Weekday: time.Weekday(r.Weekday), Hour: r.Hour, LastWeek: r.LastWeek}, err
}

// SetReportSchedule saves the entity's schedule with its audit entry.
func (s *Store) SetReportSchedule(ctx context.Context, rs ReportSchedule, a jihat.AuditEntry) error {
	return s.tx(ctx, func(tx *gorm.DB) error {
		if err := mustExist(tx, &entityRow{}, rs.EntityID); err != nil {
			return err
		}
		row := reportScheduleRow{EntityID: rs.EntityID, Enabled: rs.Enabled, Weekday: int(rs.Weekday), Hour: rs.Hour,
			UpdatedAt: s.now().UTC()}
		if err := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "entity_id"}},
			DoUpdates: clause.AssignmentColumns([]string{"enabled", "weekday", "hour", "updated_at"})}).Create(&row).Error; err != nil {
			return err
		}
		a.Target = "entity:" + rs.EntityID
		return s.appendAudit(tx, a)
	})
}

// EnabledReportSchedules lists every enabled schedule.
func (s *Store) EnabledReportSchedules(ctx context.Context) ([]ReportSchedule, error) {
	var rows []reportScheduleRow
	err := s.db.WithContext(ctx).Where("enabled = ?", true).Order("entity_id").Find(&rows).Error
	out := make([]ReportSchedule, len(rows))
	for i, r := range rows {
		out[i] = ReportSchedule{EntityID: r.EntityID, Enabled: true, Weekday: time.Weekday(r.Weekday), Hour: r.Hour, LastWeek: r.LastWeek}
	}
	return out, err
}

// ClaimWeeklyReport records that the entity's report of week has gone out
// and queues notices, in one transaction; false (and nothing queued) when
// another node or an earlier run already claimed that week.
func (s *Store) ClaimWeeklyReport(ctx context.Context, entityID string, week int, notices []Notice) (bool, error) {
	claimed := false
	now := s.now().UTC().Truncate(time.Microsecond)
	err := s.tx(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&reportScheduleRow{}).Where("entity_id = ? AND last_week < ?", entityID, week).Update("last_week", week)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		for _, n := range notices {
			if err := s.enqueueNotice(tx, n, now); err != nil {
				return err
			}
		}
		claimed = true
		return nil
	})
	return claimed, err
}
