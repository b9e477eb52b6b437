package store

import (
	"context"
	"fmt"
	"reflect"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// CopyLoad copies a dataset made by GenerateLoad on PostgreSQL into dst (a
// migrated SQLite store, for the statistics benchmark on SQLite, which has no
// generate_series): the entities, departments, case types and users, then
// the cases (unless cases is false: the statistics read only their
// statistics rows), their statistics rows and, when events is set, their
// events, a page at a time in primary-key order. The rows keep their values; dst's
// daily rollup is then filled from the copied statistics rows (RollupBatch),
// as a migration fills it. progress, when set, is told the rows copied.
func (s *Store) CopyLoad(ctx context.Context, dst *Store, cases, events bool, progress func(table string, n int)) error {
	src, to := s.db.WithContext(ctx), dst.db.WithContext(ctx)
	steps := []func() error{
		func() error { return copyRows[entityRow](src, to, "id", progress) },
		func() error { return copyRows[departmentRow](src, to, "id", progress) },
		func() error { return copyRows[caseTypeRow](src, to, "id", progress) },
		func() error { return copyRows[userRow](src, to, "id", progress) },
		func() error { return copyRows[caseStatRow](src, to, "case_id", progress) },
	}
	if cases {
		steps = append(steps, func() error { return copyRows[caseRow](src, to, "id", progress) })
	}
	if events {
		steps = append(steps, func() error { return copyRows[caseEventRow](src, to, "id", progress) })
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	if err := to.Model(&caseStatRow{}).Where("1 = 1").Update("rolled", 0).Error; err != nil {
		return err
	}
	return dst.fillRollup(ctx)
}

// copyRows copies table T from src to dst, 500 rows a statement (SQLite allows 32,766 variables), in the
// order of key; rows already in dst are kept (a stopped copy goes on).
func copyRows[T any](src, dst *gorm.DB, key string, progress func(string, int)) error {
	var zero T
	stmt := &gorm.Statement{DB: src}
	if err := stmt.Parse(&zero); err != nil {
		return err
	}
	table := stmt.Schema.Table
	after, n := "", 0
	for {
		var rows []T
		if err := src.Where(key+" > ?", after).Order(key).Limit(500).Find(&rows).Error; err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
		if len(rows) == 0 {
			return nil
		}
		if err := dst.Clauses(clause.OnConflict{DoNothing: true}).Create(&rows).Error; err != nil {
			return fmt.Errorf("copy %s: %w", table, err)
		}
		last, _ := stmt.Schema.LookUpField(key).ValueOf(context.Background(), reflect.ValueOf(&rows[len(rows)-1]).Elem())
		after, n = last.(string), n+len(rows)
		if progress != nil {
			progress(table, n)
		}
	}
}
