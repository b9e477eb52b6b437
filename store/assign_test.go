package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Automatic assignment (CaseTx.AutoAssign) on both databases, under
// concurrency: the rule's spread, capacity, who is eligible, and the
// preference for employees online now.

// createConcurrently opens n cases of w from workers goroutines at once and
// returns them.
func createConcurrently(t *testing.T, s *store.Store, w *caseWorld, n, workers int) []*jihat.Case {
	t.Helper()
	cases := make([]*jihat.Case, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	next := make(chan int)
	for range workers {
		wg.Go(func() {
			for i := range next {
				c := w.newCase(fmt.Sprintf("طلب %d", i), "نص الطلب")
				_, errs[i] = createCase(context.Background(), s, c, nil)
				cases[i] = c
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent CreateCase: %v", err)
	}
	return cases
}

// checkAssignments verifies what the store holds after cases were assigned:
// every case has exactly one "assigned" event naming its assignee, numbers
// are unique, and each employee's open_cases equals the open cases assigned
// to them. It returns how many cases each employee holds.
func checkAssignments(t *testing.T, s *store.Store, b *backend, cases []*jihat.Case, staff []*jihat.User) map[string]int {
	t.Helper()
	ctx := context.Background()
	held := map[string]int{}
	numbers := map[string]bool{}
	for _, c := range cases {
		got, err := s.Case(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if numbers[got.Number] {
			t.Errorf("case number %s given twice", got.Number)
		}
		numbers[got.Number] = true
		evs, err := s.Events(ctx, jihat.CaseChannel(c.ID), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		var assigned []string
		for _, e := range evs {
			if e.Type == jihat.CaseEventAssigned {
				assigned = append(assigned, string(e.Data))
			}
		}
		switch {
		case got.AssigneeID == "" && len(assigned) != 0:
			t.Errorf("case %s is unassigned but has assigned events %v", c.Number, assigned)
		case got.AssigneeID != "" && (len(assigned) != 1 || !strings.Contains(assigned[0], `"`+got.AssigneeID+`"`)):
			t.Errorf("case %s (assignee %s) has assigned events %v; want exactly one", c.Number, got.AssigneeID, assigned)
		}
		if got.AssigneeID != "" && got.Status.Open() {
			held[got.AssigneeID]++
		}
	}
	ids := make([]string, len(staff))
	for i, u := range staff {
		ids[i] = u.ID
	}
	counts := openCounts(t, b.Raw(t), ids)
	for _, u := range staff {
		if counts[u.ID] != held[u.ID] {
			t.Errorf("employee %s: open_cases %d, but holds %d open cases", u.ID, counts[u.ID], held[u.ID])
		}
	}
	for id := range held {
		if !slices.Contains(ids, id) {
			t.Errorf("a case went to %s, who is not one of the eligible employees", id)
		}
	}
	return held
}

// spread returns the smallest and largest count among staff.
func spread(held map[string]int, staff []*jihat.User) (lo, hi int) {
	lo = int(^uint(0) >> 1)
	for _, u := range staff {
		lo, hi = min(lo, held[u.ID]), max(hi, held[u.ID])
	}
	return lo, hi
}

// TestAssignRoundRobinConcurrent: 200 cases created by 24 goroutines at
// once go around 7 employees: nobody gets two more than anyone else, nobody
// goes over capacity, no case is assigned twice.
func TestAssignRoundRobinConcurrent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		var staff []*jihat.User
		for range 7 {
			staff = append(staff, w.staff(t, s, 100))
		}
		cases := createConcurrently(t, s, w, 200, 24)
		held := checkAssignments(t, s, b, cases, staff)
		if lo, hi := spread(held, staff); hi-lo > 1 || lo+hi < 56 {
			t.Errorf("round-robin spread %d..%d over 7 employees (%v); want 28 or 29 each", lo, hi, held)
		}
	})
}

// TestAssignLeastLoadConcurrent: with least-load, cases fill up whoever has
// the fewest open cases. One employee starts with 20; after 200 more cases
// all 7 hold 31 or 32, so the first got far fewer new ones than round-robin
// would give it.
func TestAssignLeastLoadConcurrent(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		w := newCaseWorld(t, s, jihat.AssignLeastLoad)
		first := w.staff(t, s, 100)
		early := createConcurrently(t, s, w, 20, 4)
		staff := []*jihat.User{first}
		for range 6 {
			staff = append(staff, w.staff(t, s, 100))
		}
		cases := append(early, createConcurrently(t, s, w, 200, 24)...)
		held := checkAssignments(t, s, b, cases, staff)
		if lo, hi := spread(held, staff); hi-lo > 1 || lo < 31 {
			t.Errorf("least-load spread %d..%d (%v); want 31 or 32 each", lo, hi, held)
		}
		if held[first.ID] > 32 {
			t.Errorf("the loaded employee holds %d; least-load should have spared them", held[first.ID])
		}
	})
}

// TestAssignCapacityConcurrent: 200 cases created by 24 goroutines at once
// against 7 employees of capacity 20, under each rule: exactly 140 are
// assigned, everyone holds exactly 20 (nobody over capacity, even when many
// transactions race for the last places), and 60 wait unassigned.
func TestAssignCapacityConcurrent(t *testing.T) {
	for _, rule := range []jihat.AssignRule{jihat.AssignRoundRobin, jihat.AssignLeastLoad} {
		t.Run(string(rule), func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, b *backend) {
				s := b.Open(t)
				w := newCaseWorld(t, s, rule)
				var staff []*jihat.User
				for range 7 {
					staff = append(staff, w.staff(t, s, 20))
				}
				cases := createConcurrently(t, s, w, 200, 24)
				held := checkAssignments(t, s, b, cases, staff)
				for _, u := range staff {
					if held[u.ID] != 20 {
						t.Errorf("employee holds %d cases; want 20 (capacity): %v", held[u.ID], held)
					}
				}
				waiting, err := s.WaitingCases(context.Background(), w.Department.ID, 500)
				if err != nil || len(waiting) != 60 {
					t.Fatalf("WaitingCases = %d, %v; want 60", len(waiting), err)
				}
			})
		})
	}
}

// TestAssignCapacity: three employees of capacity 2 take six of ten cases;
// four wait. Resolving one frees a place that the next waiting case takes.
func TestAssignCapacity(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		staff := []*jihat.User{w.staff(t, s, 2), w.staff(t, s, 2), w.staff(t, s, 2)}
		cases := createConcurrently(t, s, w, 10, 5)
		held := checkAssignments(t, s, b, cases, staff)
		for _, u := range staff {
			if held[u.ID] != 2 {
				t.Errorf("employee holds %d cases; want 2 (capacity)", held[u.ID])
			}
		}
		waiting, err := s.WaitingCases(ctx, w.Department.ID, 100)
		if err != nil || len(waiting) != 4 {
			t.Fatalf("WaitingCases = %v, %v; want 4", waiting, err)
		}
		for _, id := range waiting {
			if c, _ := s.Case(ctx, id); c.Status != jihat.StatusNew || c.AssigneeID != "" {
				t.Errorf("waiting case %s: status %s assignee %q", c.Number, c.Status, c.AssigneeID)
			}
		}
		// Nobody has room: a waiting case stays waiting.
		if c := update(t, s, waiting[0], assignAuto(nil)); c.AssigneeID != "" {
			t.Fatalf("assigned over capacity to %s", c.AssigneeID)
		}

		var done *jihat.Case
		for _, c := range cases {
			if c.AssigneeID == staff[1].ID {
				done = c
				break
			}
		}
		update(t, s, done.ID, resolveFn)
		got := update(t, s, waiting[0], assignAuto(nil))
		if got.AssigneeID != staff[1].ID || got.Status != jihat.StatusAssigned {
			t.Errorf("after a resolution the oldest waiting case went to %q (%s); want %s", got.AssigneeID, got.Status, staff[1].ID)
		}
		if c := update(t, s, waiting[1], assignAuto(nil)); c.AssigneeID != "" {
			t.Errorf("second waiting case assigned to %s, but nobody had room", c.AssigneeID)
		}
		all, err := s.WaitingCases(ctx, "", 100)
		if err != nil || len(all) != 3 {
			t.Errorf("WaitingCases after one assignment = %v, %v; want 3", all, err)
		}
		checkAssignments(t, s, b, cases, staff)
	})
}

// TestAssignEligibility: only active staff of the case type's department
// who hold case.handle get cases.
func TestAssignEligibility(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		other := newCaseWorld(t, s, jihat.AssignRoundRobin)

		revoked := w.staff(t, s, 100, func(u *jihat.User) { u.Revokes = []jihat.Permission{jihat.PermCaseHandle} })
		inactive := w.staff(t, s, 100)
		if err := s.SetActive(ctx, inactive.ID, false, act("user.disable")); err != nil {
			t.Fatal(err)
		}
		laterRevoked := w.staff(t, s, 100)
		if _, err := s.SetPermissions(ctx, laterRevoked.ID, nil, []jihat.Permission{jihat.PermCaseHandle}, act("perm")); err != nil {
			t.Fatal(err)
		}
		otherDept := mustDepartment(t, s, w.Entity.ID)
		elsewhere := w.staff(t, s, 100, func(u *jihat.User) { u.DepartmentID = otherDept.ID })
		otherEntity := other.staff(t, s, 100)
		boardMember := mustUser(t, s, &jihat.User{Role: jihat.RoleBoardMember, EntityID: w.Entity.ID, DepartmentID: w.Department.ID,
			Active: true, Email: fmt.Sprintf("board-%d@jihat.test", uniq())})
		never := []*jihat.User{revoked, inactive, laterRevoked, elsewhere, otherEntity, boardMember}

		// Nobody eligible: cases wait.
		c := w.mustCase(t, s, "موضوع", "نص")
		if c.AssigneeID != "" {
			t.Fatalf("assigned to %s, who may not take cases", c.AssigneeID)
		}
		// An employee and a supervisor of the department (supervisors
		// handle cases too) share the next ones; checkAssignments fails
		// if anyone else gets one.
		ok := w.staff(t, s, 100)
		sup := w.staff(t, s, 100, func(u *jihat.User) { u.Role = jihat.RoleSupervisor })
		cases := createConcurrently(t, s, w, 20, 4)
		held := checkAssignments(t, s, b, cases[:], []*jihat.User{ok, sup})
		for _, u := range never {
			if held[u.ID] != 0 {
				t.Errorf("ineligible user %s got %d cases", u.ID, held[u.ID])
			}
		}
		if held[ok.ID] != 10 || held[sup.ID] != 10 {
			t.Errorf("eligible staff hold %v; want 10 each", held)
		}
	})
}

// TestAssignPrefersOnline: employees seen recently (or reported online by
// the live hub) get cases before the others, until their capacity is full.
func TestAssignPrefersOnline(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		offline, stale, seen := w.staff(t, s, 3), w.staff(t, s, 3), w.staff(t, s, 3)
		now := time.Now()
		// TouchUsers: the coalesced writes of sockets connecting together.
		if err := s.TouchUsers(ctx, map[string]time.Time{seen.ID: now, stale.ID: now.Add(-time.Hour)}); err != nil {
			t.Fatal(err)
		}
		var got []string
		for range 4 {
			got = append(got, w.mustCase(t, s, "موضوع", "نص").AssigneeID)
		}
		want := []string{seen.ID, seen.ID, seen.ID}
		if fmt.Sprint(got[:3]) != fmt.Sprint(want) || got[3] == seen.ID || got[3] == "" {
			t.Errorf("assignees %v; want the employee seen recently three times (capacity), then someone else", got)
		}

		// The live hub's answer, when it has one, decides who is online.
		hubSays := store.Online{offline.ID: true}
		c := w.newCase("موضوع", "نص")
		asked, err := s.DepartmentStaff(ctx, c.EntityID, c.DepartmentID)
		if err != nil || !slices.Contains(asked, offline.ID) || !slices.Contains(asked, stale.ID) || !slices.Contains(asked, seen.ID) {
			t.Errorf("DepartmentStaff = %v, %v; want the three employees among them", asked, err)
		}
		if _, err := createCase(ctx, s, c, hubSays); err != nil {
			t.Fatal(err)
		}
		if c.AssigneeID != offline.ID {
			t.Errorf("hub says %s is online; the case went to %s", offline.ID, c.AssigneeID)
		}
		// No answer from the hub falls back to "seen recently".
		if err := s.TouchUser(ctx, stale.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		var broken store.Online
		c = w.newCase("موضوع", "نص")
		if _, err := createCase(ctx, s, c, broken); err != nil {
			t.Fatal(err)
		}
		if c.AssigneeID != stale.ID {
			t.Errorf("with the hub down the case went to %s; want %s, the only one seen recently with room", c.AssigneeID, stale.ID)
		}
	})
}
