package jihat_test

import (
	"testing"
	"time"

	"github.com/jihat/jihat"
)

// TestPauseAndResume: the working time left at postponement (on a Sun–Thu,
// 08:00–15:00 calendar in Riyadh) is given back at resumption, counted from
// the resumption on working hours; a second postponement keeps it; a case
// late when postponed is due as soon as it resumes.
func TestPauseAndResume(t *testing.T) {
	cal := jihat.DefaultCalendar()
	riyadh := time.FixedZone("AST", 3*3600)
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 3, day, hour, minute, 0, 0, riyadh) }
	// Created Sunday 1 March 09:00 with 8 working hours: due Monday 10:00.
	c := &jihat.Case{Status: jihat.StatusInProgress, DueAt: jihat.DueAt(cal, 8, at(1, 9, 0))}
	if !c.DueAt.Equal(at(2, 10, 0)) {
		t.Fatalf("due %v", c.DueAt.In(riyadh))
	}
	// Postponed Sunday 13:00 (4 working hours left: Sunday 13–15, Monday
	// 08–10) until Wednesday 4 March 12:00.
	c.Pause(cal, at(1, 13, 0), at(4, 12, 0))
	c.Status = jihat.StatusPostponed
	if c.PausedWork != 4*time.Hour {
		t.Fatalf("paused work %v, want 4h", c.PausedWork)
	}
	if want := at(5, 9, 0); !c.DueAt.Equal(want) { // Wed 12–15 (3 h), Thu 08–09 (1 h)
		t.Errorf("due while postponed %v, want %v", c.DueAt.In(riyadh), want)
	}
	// Postponed again, to Thursday 14:00: the 4 hours stay.
	c.Pause(cal, at(3, 10, 0), at(5, 14, 0))
	if want := at(8, 11, 0); c.PausedWork != 4*time.Hour || !c.DueAt.Equal(want) { // Thu 14–15, then Sunday 8 March 08–11
		t.Errorf("after a second postponement: paused %v, due %v; want 4h, %v", c.PausedWork, c.DueAt.In(riyadh), want)
	}
	// Resumed early, Tuesday 3 March 14:30: due Wednesday 11:30.
	c.Resume(cal, at(3, 14, 30))
	c.Status = jihat.StatusInProgress
	if want := at(4, 11, 30); !c.DueAt.Equal(want) || c.PausedWork != 0 || !c.PostponedUntil.IsZero() {
		t.Errorf("after resuming: due %v, paused %v, until %v; want %v", c.DueAt.In(riyadh), c.PausedWork, c.PostponedUntil, want)
	}
	// A case already late when postponed is due at its resumption.
	late := &jihat.Case{Status: jihat.StatusInProgress, DueAt: at(2, 10, 0)}
	late.Pause(cal, at(3, 9, 0), at(4, 9, 0))
	late.Status = jihat.StatusPostponed
	late.Resume(cal, at(3, 12, 0))
	if late.PausedWork != 0 || !late.DueAt.Equal(at(3, 12, 0)) {
		t.Errorf("late case resumed: due %v", late.DueAt.In(riyadh))
	}
}
