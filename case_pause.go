package jihat

import "time"

// The deadline of a postponed case. A postponement pauses the case's SLA
// clock: the working time left before its deadline at the moment it is
// postponed (none when it is already late) is kept in PausedWork and given
// back when the case resumes, counted on the entity's working calendar from
// the resumption. While it is postponed, its deadline is what it would be if
// it resumed on the postponed-until date; resuming earlier (the resume
// action) counts from then. Postponing a postponed case again moves the date
// and keeps the time left from the first postponement.

// Pause postpones c until until at now: it records the working time left
// (unless c is postponed already) and sets the deadline to until plus that
// time. Call it before the status changes to postponed.
func (c *Case) Pause(cal Calendar, now, until time.Time) {
	if c.Status != StatusPostponed {
		c.PausedWork = cal.WorkingDuration(now, c.DueAt)
	}
	c.PostponedUntil = until.UTC()
	c.DueAt = cal.AddWorking(c.PostponedUntil, c.PausedWork).UTC().Truncate(time.Microsecond)
}

// Resume ends c's postponement at now: the deadline is now plus the working
// time that was left when it was postponed.
func (c *Case) Resume(cal Calendar, now time.Time) {
	if c.Status == StatusPostponed || !c.PostponedUntil.IsZero() {
		c.DueAt = cal.AddWorking(now, c.PausedWork).UTC().Truncate(time.Microsecond)
	}
	c.PostponedUntil, c.PausedWork = time.Time{}, 0
}
