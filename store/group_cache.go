package store

import (
	"slices"
	"sort"
	"strings"
	"time"

	"gorm.io/gorm"
)

// What a group without savepoints (group_fast.go) reads once and writes
// once, rather than once per change:
//
//   - the assignment lock of a department is taken once per group, and its
//     staff, the entities (their assignment rule and calendar) and the
//     users a change loads are read once; a group's changes see each
//     other's moves of open-case counts in them (but for the orderings by
//     load of escalation.go and postponements.go, which read the stored
//     counts: a choice among equals, not a capacity);
//   - open-case counts move in one UPDATE per user at the end of the group
//     (in user ID order), a new case's statistics row is inserted with the
//     group's other rows, and the rollup cells a group moves are added up
//     and written in one upsert per table, in key order, so two groups
//     never wait on each other's cells in opposite orders.
//
// A failing change aborts the whole run (group_fast.go), so nothing here
// ever has to be taken back.

// openMove is a user's pending open-case move.
type openMove struct {
	delta int
	at    *time.Time // the last assignment's stamp, when one is new
}

// groupCache is the part of groupState the caches above keep.
type groupCache struct {
	locked   map[string]bool      // departments whose assignment lock the group holds
	entities map[string]entityRow // by ID
	staff    map[string][]string  // entity+"/"+department → the IDs of its staff (in users)
	users    map[string]*userRow  // users read (staff, CaseTx.User), with the group's moves
	opens    map[string]*openMove // by user ID
	stats    []caseStatRow        // new cases' statistics rows
	cells    map[dayKey]*rollupSums
	emptied  map[dayKey]bool // cells that lost a case: deleted at the end when empty
}

func newGroupCache() groupCache {
	return groupCache{locked: map[string]bool{}, entities: map[string]entityRow{}, staff: map[string][]string{},
		users: map[string]*userRow{}, opens: map[string]*openMove{},
		cells: map[dayKey]*rollupSums{}, emptied: map[dayKey]bool{}}
}

// move records a user's open-case move and applies it to the rows read.
func (g *groupCache) move(userID string, delta int, at *time.Time) {
	o := g.opens[userID]
	if o == nil {
		o = &openMove{}
		g.opens[userID] = o
	}
	o.delta += delta
	if at != nil {
		o.at = at
	}
	if r := g.users[userID]; r != nil {
		applyMove(r, delta, at)
	}
}

func applyMove(r *userRow, delta int, at *time.Time) {
	r.OpenCases += delta
	if at != nil {
		t := *at
		r.LastAssignedAt = &t
	}
}

// pending applies the moves the group has not written yet to a row just
// read.
func (g *groupCache) pending(r *userRow) {
	if o := g.opens[r.ID]; o != nil {
		applyMove(r, o.delta, o.at)
	}
}

// entity returns entity id's row, read once per group.
func (g *groupCache) entity(tx *gorm.DB, id string) (entityRow, error) {
	if r, ok := g.entities[id]; ok {
		return r, nil
	}
	var r entityRow
	if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
		return r, notFound(err)
	}
	g.entities[id] = r
	return r, nil
}

// user returns user id's row, read once per group.
func (g *groupCache) user(tx *gorm.DB, id string) (userRow, error) {
	if r := g.users[id]; r != nil {
		return *r, nil
	}
	var r userRow
	if err := tx.Where("id = ?", id).Take(&r).Error; err != nil {
		return r, notFound(err)
	}
	g.pending(&r)
	g.users[id] = &r
	return r, nil
}

// assignInputs is AutoAssign's reading for a group: the department's lock
// (once), the entity's rule and the department's staff (once), with the
// group's moves.
func (g *groupCache) assignInputs(m *CaseTx) (string, []userRow, error) {
	c := m.Case
	if m.s.postgre && !g.locked[c.DepartmentID] {
		if err := m.tx.Exec("SELECT pg_advisory_xact_lock(hashtext(?))", "assign:"+c.DepartmentID).Error; err != nil {
			return "", nil, err
		}
		g.locked[c.DepartmentID] = true
	}
	e, err := g.entity(m.tx, c.EntityID)
	if err != nil {
		return "", nil, err
	}
	key := c.EntityID + "/" + c.DepartmentID
	ids, ok := g.staff[key]
	if !ok {
		var rows []userRow
		// Whole rows: the assignee's is read again by CaseTx.User.
		if err := staffOf(m.tx, c.EntityID, c.DepartmentID).Find(&rows).Error; err != nil {
			return "", nil, err
		}
		ids = make([]string, 0, len(rows))
		for _, r := range rows {
			if g.users[r.ID] == nil {
				g.pending(&r)
				g.users[r.ID] = &r
			}
			ids = append(ids, r.ID)
		}
		g.staff[key] = ids
	}
	rows := make([]userRow, len(ids))
	for i, id := range ids {
		rows[i] = *g.users[id]
	}
	return e.AssignRule, rows, nil
}

// addCells adds a change's rollup cell deltas to the group's.
func (g *groupCache) addCells(cells map[dayKey]*rollupSums, emptied []dayKey) {
	for k, c := range cells {
		t := g.cells[k]
		if t == nil {
			t = &rollupSums{}
			g.cells[k] = t
		}
		t.add(c)
	}
	for _, k := range emptied {
		g.emptied[k] = true
	}
}

// add adds o's sums to c's.
func (c *rollupSums) add(o *rollupSums) {
	c.Opened += o.Opened
	c.ResolvedHere += o.ResolvedHere
	c.FrN += o.FrN
	c.FrSum += o.FrSum
	c.FrWSum += o.FrWSum
	c.ResN += o.ResN
	c.ResSum += o.ResSum
	c.ResWSum += o.ResWSum
	c.SLAMet += o.SLAMet
	c.SLALate += o.SLALate
	c.Ever += o.Ever
	c.Objected += o.Objected
	c.Escalations += o.Escalations
	c.RatingSum += o.RatingSum
	c.RatingN += o.RatingN
}

// flush writes what the group kept for the end: statistics rows, rollup
// cells, open-case counts.
func (g *groupCache) flush(tx *gorm.DB, postgre bool) error {
	if err := insertRows(tx, postgre, g.stats); err != nil {
		return err
	}
	keys, emptied := g.cellKeys()
	if err := writeCells(tx, keys, g.cells, emptied); err != nil {
		return err
	}
	return g.flushUsers(tx, postgre)
}

// cellKeys returns the group's moved cells and the cells that lost a case,
// each in key order.
func (g *groupCache) cellKeys() (keys, emptied []dayKey) {
	for k, c := range g.cells {
		if !c.zero() {
			keys = append(keys, k)
		}
	}
	for k := range g.emptied {
		emptied = append(emptied, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].less(keys[j]) })
	sort.Slice(emptied, func(i, j int) bool { return emptied[i].less(emptied[j]) })
	return keys, emptied
}

// cellRow is the row of cell k with sums c: a daily or a monthly one.
func cellRow(k dayKey, c rollupSums) (caseDayRow, caseMonthRow) {
	if k.month {
		return caseDayRow{}, caseMonthRow{EntityID: k.entity, DepartmentID: k.dept, CaseTypeID: k.caseType,
			Priority: k.priority, AssigneeID: k.assignee, Status: k.status, Month: k.day, Sums: c}
	}
	return caseDayRow{EntityID: k.entity, DepartmentID: k.dept, CaseTypeID: k.caseType,
		Priority: k.priority, AssigneeID: k.assignee, Status: k.status, Day: k.day, Sums: c}, caseMonthRow{}
}

// usersMoved reports whether flushUsers has anything to write.
func (g *groupCache) usersMoved() bool {
	for _, o := range g.opens {
		if o.delta != 0 || o.at != nil {
			return true
		}
	}
	return false
}

// flushUsers writes the group's open-case moves.
func (g *groupCache) flushUsers(tx *gorm.DB, postgre bool) error {
	users := make([]string, 0, len(g.opens))
	for id, o := range g.opens {
		if o.delta != 0 || o.at != nil {
			users = append(users, id)
		}
	}
	slices.Sort(users)
	if postgre && len(users) > 1 {
		return g.moveUsers(tx, users)
	}
	for _, id := range users {
		o := g.opens[id]
		updates := map[string]any{"open_cases": gorm.Expr("open_cases + ?", o.delta)}
		if o.at != nil {
			updates["last_assigned_at"] = *o.at
		}
		if err := tx.Model(&userRow{}).Where("id = ?", id).Updates(updates).Error; err != nil {
			return err
		}
	}
	return nil
}

// moveUsers writes the open-case moves of users (sorted) in one statement
// (PostgreSQL): the rows are locked first in ID order, as everywhere else.
func (g *groupCache) moveUsers(tx *gorm.DB, users []string) error {
	var sql strings.Builder
	args := make([]any, 0, 4*len(users)+1)
	sql.WriteString("UPDATE users SET open_cases = users.open_cases + v.d, last_assigned_at = coalesce(v.at, users.last_assigned_at) FROM (VALUES ")
	for i, id := range users {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString("(?::varchar, ?::int, ?::timestamptz)")
		o := g.opens[id]
		var at any
		if o.at != nil {
			at = *o.at
		}
		args = append(args, id, o.delta, at)
	}
	sql.WriteString(") AS v(id, d, at), (SELECT id FROM users WHERE id IN ? ORDER BY id FOR UPDATE) AS l WHERE users.id = v.id AND l.id = v.id")
	args = append(args, users)
	return tx.Exec(sql.String(), args...).Error
}

// assignColumns are the user columns AutoAssign reads.
var assignColumns = []string{"id", "role", "grants", "revokes", "capacity", "open_cases", "last_assigned_at", "last_seen_at"}
