package store

import "context"

// LatestMigration is the version of the last migration step, for tests that
// check Migrate and SchemaVersion.
func LatestMigration() int { return migrations[len(migrations)-1].version }

// MigrationCount is how many migration steps there are (versions have gaps).
func MigrationCount() int { return len(migrations) }

// StatsFromCases makes s's statistics read case_stats rather than the daily
// rollup, to compare the two.
func StatsFromCases(s *Store, on bool) { s.statsFromCases = on }

// RecomputeRollup rebuilds case_stats_daily from scratch: it empties it,
// marks every case_stats row not rolled up and runs RollupBatch (the
// migration's set-based fill) until done.
func RecomputeRollup(ctx context.Context, s *Store) error {
	for _, t := range []string{"case_stats_daily", "case_stats_monthly"} {
		if err := s.db.WithContext(ctx).Exec("DELETE FROM " + t).Error; err != nil {
			return err
		}
	}
	if err := s.db.WithContext(ctx).Exec("UPDATE case_stats SET rolled = 0").Error; err != nil {
		return err
	}
	return s.fillRollup(ctx)
}

// RollupCells returns every row of case_stats_daily and of
// case_stats_monthly in key order.
func RollupCells(ctx context.Context, s *Store) ([]any, error) {
	var days []caseDayRow
	var months []caseMonthRow
	db := s.db.WithContext(ctx)
	if err := db.Order("entity_id, department_id, case_type_id, priority, assignee_id, status, day").Find(&days).Error; err != nil {
		return nil, err
	}
	err := db.Order("entity_id, department_id, case_type_id, priority, assignee_id, status, month").Find(&months).Error
	out := make([]any, 0, len(days)+len(months))
	for _, d := range days {
		out = append(out, d)
	}
	for _, m := range months {
		out = append(out, m)
	}
	return out, err
}

// SetPGCommitters sets how many group committers a PostgreSQL store
// opened afterwards starts (benchmarks compare).
func SetPGCommitters(n int) { pgCommitters = n }

// ExecSQL runs one statement on s's database (gorm's ? placeholders), for
// tests that set up a state no store method makes.
func ExecSQL(ctx context.Context, s *Store, sql string, args ...any) error {
	return s.db.WithContext(ctx).Exec(sql, args...).Error
}
