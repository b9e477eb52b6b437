package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jihat/jihat"
)

// Test-only exports for the case benchmarks (cases_bench_test.go).

// SeedCase is one case to insert with SeedCases.
type SeedCase struct {
	EntityID, CaseTypeID, DepartmentID string
	RequesterID, AssigneeID            string // AssigneeID "" = waiting
	Subject, Body                      string
	Priority                           jihat.Priority
	Status                             jihat.Status
	CreatedAt, DueAt                   time.Time
}

// SeedCases bulk-inserts cases in batches, numbered "<year>-<n>" from
// first, with their search text but without events, audit entries or
// open-case counts: a fast way to fill a database for benchmarks of lists
// and search. It returns the IDs in order.
func (s *Store) SeedCases(ctx context.Context, year int, first int64, cases []SeedCase) ([]string, error) {
	const batch = 500
	ids := make([]string, 0, len(cases))
	rows := make([]caseRow, 0, batch)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		err := s.db.WithContext(ctx).Create(&rows).Error
		rows = rows[:0]
		return err
	}
	for i, sc := range cases {
		c := jihat.Case{ID: newID(), Number: jihat.FormatCaseNumber(year, first+int64(i)), EntityID: sc.EntityID,
			CaseTypeID: sc.CaseTypeID, DepartmentID: sc.DepartmentID, RequesterID: sc.RequesterID, AssigneeID: sc.AssigneeID,
			Subject: sc.Subject, Body: sc.Body, Priority: sc.Priority, Status: sc.Status,
			DueAt: sc.DueAt, CreatedAt: sc.CreatedAt, UpdatedAt: sc.CreatedAt}
		if !sc.Status.Open() {
			c.ResolvedAt = sc.CreatedAt.Add(time.Hour)
		}
		row := caseToRow(&c)
		row.SearchText, row.SearchStem = searchForms(c.Number, c.Subject, c.Body)
		row.SearchVer = jihat.SearchVersion
		rows = append(rows, row)
		ids = append(ids, c.ID)
		if len(rows) == batch {
			if err := flush(); err != nil {
				return nil, fmt.Errorf("seed cases: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return nil, fmt.Errorf("seed cases: %w", err)
	}
	return ids, s.analyze(ctx)
}

// analyze refreshes the planner's statistics after a bulk load, as
// autovacuum (PostgreSQL) or a periodic ANALYZE would in production.
func (s *Store) analyze(ctx context.Context) error {
	if s.postgre {
		return s.db.WithContext(ctx).Exec("ANALYZE cases").Error
	}
	return s.db.WithContext(ctx).Exec("ANALYZE").Error
}

// SeedServices inserts published services of entity directly, in batches,
// with their search columns as PublishService writes them (for benchmarks).
func (s *Store) SeedServices(ctx context.Context, entityID string, contents []jihat.ServiceContent) error {
	now := s.now().UTC()
	rows := make([]serviceRow, 0, 500)
	flush := func() error {
		if len(rows) == 0 {
			return nil
		}
		err := s.db.WithContext(ctx).Create(&rows).Error
		rows = rows[:0]
		return err
	}
	for i := range contents {
		doc, err := json.Marshal(contents[i])
		if err != nil {
			return err
		}
		cols := serviceSearchColumns(&contents[i])
		rows = append(rows, serviceRow{ID: newID(), EntityID: entityID, Draft: string(doc), Published: string(doc), Version: 1,
			SearchTitle: cols["search_title"].(string), SearchTitleStem: cols["search_title_stem"].(string),
			SearchBody: cols["search_body"].(string), SearchBodyStem: cols["search_body_stem"].(string),
			SearchVer: jihat.SearchVersion, CreatedAt: now, UpdatedAt: now, PublishedAt: &now})
		if len(rows) == cap(rows) {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := flush(); err != nil {
		return err
	}
	if s.postgre {
		return s.db.WithContext(ctx).Exec("ANALYZE services").Error
	}
	return s.db.WithContext(ctx).Exec("ANALYZE").Error
}
