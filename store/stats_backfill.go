package store

import (
	"gorm.io/gorm"

	"github.com/jihat/jihat"
)

// backfillStats fills case_stats for the cases that existed before
// migration 60, a page at a time: the working-time durations need each
// entity's calendar, so this one pass runs in Go. From then on every change
// to a case keeps its row (CaseTx.saveStats).
func (s *Store) backfillStats(tx *gorm.DB) error {
	cals := map[string]jihat.Calendar{}
	after := ""
	for {
		var rows []caseRow
		if err := tx.Where("id > ?", after).Order("id").Limit(1000).Find(&rows).Error; err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		ids := make([]string, len(rows))
		for i, r := range rows {
			ids[i] = r.ID
		}
		type count struct {
			CaseID string
			Type   string
			N      int
		}
		var counts []count
		if err := tx.Model(&caseEventRow{}).Select("case_id, type, COUNT(*) AS n").
			Where("case_id IN ? AND type IN ?", ids, []string{string(jihat.CaseEventObjected), string(jihat.CaseEventEscalated)}).
			Group("case_id, type").Scan(&counts).Error; err != nil {
			return err
		}
		byCase := map[string][2]int{}
		for _, c := range counts {
			v := byCase[c.CaseID]
			if c.Type == string(jihat.CaseEventObjected) {
				v[0] = c.N
			} else {
				v[1] = c.N
			}
			byCase[c.CaseID] = v
		}
		out := make([]caseStatRow, 0, len(rows))
		for _, r := range rows {
			cal, ok := cals[r.EntityID]
			if !ok {
				var e entityRow
				if err := tx.Where("id = ?", r.EntityID).Take(&e).Error; err != nil {
					return err
				}
				cal = entity(e).WorkingCalendar()
				cals[r.EntityID] = cal
			}
			c := caseFromRow(r)
			row := statRow(&c, cal)
			row.Objections, row.Escalations = byCase[r.ID][0], byCase[r.ID][1]
			out = append(out, row)
		}
		if err := tx.Create(&out).Error; err != nil {
			return err
		}
		after = rows[len(rows)-1].ID
	}
}

// statRow is the full statistics row of c on calendar cal.
func statRow(c *jihat.Case, cal jihat.Calendar) caseStatRow {
	l := cal.Location
	row := caseStatRow{CaseID: c.ID, EntityID: c.EntityID, DepartmentID: c.DepartmentID, CaseTypeID: c.CaseTypeID,
		AssigneeID: c.AssigneeID, Priority: string(c.Priority), Kind: string(c.Kind), Status: string(c.Status),
		CreatedAt: c.CreatedAt, CreatedDay: jihat.LocalDay(c.CreatedAt, l), CreatedMonth: jihat.LocalMonth(c.CreatedAt, l),
		DueAt: c.DueAt, DueDay: jihat.LocalDay(c.DueAt, l), DueMonth: jihat.LocalMonth(c.DueAt, l), Rating: c.Rating}
	if c.Status.Open() {
		row.IsOpen = 1
	}
	if !c.FirstResponseAt.IsZero() {
		row.FirstRespS = seconds(c.FirstResponseAt.Sub(c.CreatedAt))
		row.FirstRespWS = seconds(cal.WorkingDuration(c.CreatedAt, c.FirstResponseAt))
	}
	if !c.Status.Open() && !c.ResolvedAt.IsZero() {
		at, day := c.ResolvedAt, jihat.LocalDay(c.ResolvedAt, l)
		row.ResolvedAt, row.ResolvedDay = &at, &day
		row.ResolutionS = seconds(c.ResolvedAt.Sub(c.CreatedAt))
		row.ResolutionWS = seconds(cal.WorkingDuration(c.CreatedAt, c.ResolvedAt))
		met := 0
		if !c.ResolvedAt.After(c.DueAt) {
			met = 1
		}
		row.SLAMet = &met
	}
	return row
}
