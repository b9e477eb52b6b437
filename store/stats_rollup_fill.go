package store

import (
	"context"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// Filling the rollup (stats_rollup.go) with the case_stats rows it does not
// hold yet, in the database: INSERT … SELECT … GROUP BY, a batch at a time.

// onConflictSQL is addOnConflict written out, for INSERT … SELECT.
func onConflictSQL(table string, keyCols []string) string {
	add := addOnConflict(table, keyCols)
	set := make([]string, len(add.DoUpdates))
	for i, a := range add.DoUpdates {
		set[i] = a.Column.Name + " = " + a.Value.(clause.Expr).SQL
	}
	return ` ON CONFLICT (` + strings.Join(keyCols, ", ") + `) DO UPDATE SET ` + strings.Join(set, ", ")
}

// monthOfDaySQL is monthOfDay in SQL, of the day column col.
func (s *Store) monthOfDaySQL(col string) string {
	if s.postgre {
		d := "(DATE '1970-01-01' + CAST(" + col + " AS integer))"
		return "(EXTRACT(YEAR FROM " + d + ")::int * 12 + EXTRACT(MONTH FROM " + d + ")::int - 1)"
	}
	return "(CAST(strftime('%Y', " + col + " * 86400, 'unixepoch') AS INTEGER) * 12 + CAST(strftime('%m', " + col + " * 86400, 'unixepoch') AS INTEGER) - 1)"
}

// fillMonthly adds case_stats_daily, summed by month, to case_stats_monthly
// (migration 63, for the days rolled up before the monthly table existed).
func (s *Store) fillMonthly(tx *gorm.DB) error {
	keys := strings.Join(dayKeyCols[:6], ", ")
	sums := make([]string, len(daySumCols))
	for i, c := range daySumCols {
		sums[i] = "SUM(" + c + ")"
	}
	m := s.monthOfDaySQL("day")
	return tx.Exec(`INSERT INTO case_stats_monthly (` + strings.Join(monthKeyCols, ", ") + `, ` + strings.Join(daySumCols, ", ") + `)
SELECT ` + keys + `, ` + m + `, ` + strings.Join(sums, ", ") + ` FROM case_stats_daily WHERE 1 = 1 GROUP BY ` + keys + `, ` + m +
		onConflictSQL("case_stats_monthly", monthKeyCols)).Error
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
		for _, grain := range []struct {
			table           string
			keys            []string
			created, resolv string
		}{
			{"case_stats_daily", dayKeyCols, "created_day", "resolved_day"},
			{"case_stats_monthly", monthKeyCols, "created_month", s.monthOfDaySQL("resolved_day")},
		} {
			if err := tx.Exec(rollupSQL(grain.table, grain.keys, grain.created, grain.resolv), map[string]any{"ids": ids}).Error; err != nil {
				return err
			}
		}
		return tx.Model(&caseStatRow{}).Where("case_id IN ?", ids).Update("rolled", 1).Error
	})
	return n, err
}

// rollupSQL adds the contributions of the case_stats rows @ids to table
// (primary key keys), whose grain column is created and resolv of a row.
func rollupSQL(table string, keys []string, created, resolv string) string {
	k := strings.Join(keys[:6], ", ")
	sums := make([]string, len(daySumCols))
	for i, c := range daySumCols {
		sums[i] = "SUM(" + c + ")"
	}
	return `INSERT INTO ` + table + ` (` + strings.Join(keys, ", ") + `, ` + strings.Join(daySumCols, ", ") + `)
SELECT ` + k + `, g, ` + strings.Join(sums, ", ") + ` FROM (
  SELECT ` + k + `, ` + created + ` AS g, 1 AS opened, 0 AS resolved_here,
    CASE WHEN first_resp_s IS NULL THEN 0 ELSE 1 END AS fr_n, COALESCE(first_resp_s, 0) AS fr_sum, COALESCE(first_resp_ws, 0) AS fr_w_sum,
    CASE WHEN resolution_s IS NULL THEN 0 ELSE 1 END AS res_n, COALESCE(resolution_s, 0) AS res_sum, COALESCE(resolution_ws, 0) AS res_w_sum,
    CASE WHEN sla_met = 1 THEN 1 ELSE 0 END AS sla_met, CASE WHEN sla_met = 0 THEN 1 ELSE 0 END AS sla_late,
    CASE WHEN sla_met IS NOT NULL OR objections > 0 THEN 1 ELSE 0 END AS ever,
    CASE WHEN objections > 0 THEN 1 ELSE 0 END AS objected, escalations,
    rating AS rating_sum, CASE WHEN rating > 0 THEN 1 ELSE 0 END AS rating_n
  FROM case_stats WHERE case_id IN @ids
  UNION ALL
  SELECT ` + k + `, ` + resolv + `, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
  FROM case_stats WHERE case_id IN @ids AND resolved_day IS NOT NULL
) AS c WHERE 1 = 1 GROUP BY ` + k + `, g` + onConflictSQL(table, keys)
}
