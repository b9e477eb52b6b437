package client_test

import (
	"slices"
	"testing"
	"time"

	"github.com/jihat/jihat/client"
	"github.com/jihat/jihat/internal/testserver"
)

func TestAccounts(t *testing.T) {
	ts := testserver.Start(t)
	ctx := ctxT(t)
	c := newClient(ts)
	email := ts.Email("sdk")
	reg, err := c.Register(ctx, client.RegisterRequest{Name: "مواطن", Email: email, Password: password, Lang: "en"})
	if err != nil {
		t.Fatalf("register: %v", err)
	}
	if reg.ID == "" || reg.Email != email || reg.Role != "citizen" || c.Token() != "" {
		t.Fatalf("register: %+v, token %q (register must not log in)", reg, c.Token())
	}
	u, err := c.Login(ctx, email, password)
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	if u.ID != reg.ID || c.Token() == "" {
		t.Fatalf("login: user %s token %q", u.ID, c.Token())
	}
	me, err := c.Me(ctx)
	if err != nil {
		t.Fatalf("me: %v", err)
	}
	if me.ID != reg.ID || !slices.Contains(me.Permissions, "case.create") || me.CreatedAt.IsZero() {
		t.Fatalf("me: %+v", me)
	}
	name, lang := "مواطن معدل", "ar"
	upd, err := c.UpdateMe(ctx, client.ProfileUpdate{Name: &name, Lang: &lang})
	if err != nil {
		t.Fatalf("update me: %v", err)
	}
	if upd.Name != name || upd.Lang != lang {
		t.Fatalf("update me: %+v", upd)
	}
	const next = "another-sdk-password-2026"
	if err := c.ChangePassword(ctx, password, next); err != nil {
		t.Fatalf("change password: %v", err)
	}
	if _, err := newClient(ts).Login(ctx, email, password); client.ErrorCode(err) != client.CodeUnauthorized {
		t.Fatalf("login with the old password: %v, want EUNAUTHORIZED", err)
	}
	other := newClient(ts)
	if _, err := other.Login(ctx, email, next); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	if err := other.Logout(ctx); err != nil {
		t.Fatalf("logout: %v", err)
	}
	if other.Token() != "" {
		t.Fatal("logout kept the token")
	}
	if _, err := newClient(ts, client.WithToken(c.Token())).Me(ctx); err != nil {
		t.Fatalf("the first session after the other's logout: %v", err)
	}
}

func TestEntities(t *testing.T) {
	w := startWorld(t)
	ctx := ctxT(t)
	anon := newClient(w.ts)
	ents, err := anon.Entities(ctx)
	if err != nil {
		t.Fatalf("entities: %v", err)
	}
	if !slices.ContainsFunc(ents, func(e client.Entity) bool { return e.ID == w.entityID }) {
		t.Fatalf("entities: %s missing from %+v", w.entityID, ents)
	}
	e, err := anon.Entity(ctx, w.entityID)
	if err != nil {
		t.Fatalf("entity: %v", err)
	}
	if e.Sector != "government" || e.NameAR == "" || e.Calendar.TimeZone == "" {
		t.Fatalf("entity: %+v", e)
	}
	rule := "least_load"
	if e, err = w.admin.UpdateEntity(ctx, w.entityID, client.EntityUpdate{AssignRule: &rule}); err != nil || e.AssignRule != rule {
		t.Fatalf("update entity: %+v, %v", e, err)
	}
	deps, err := w.admin.Departments(ctx, w.entityID)
	if err != nil || len(deps) != 1 || deps[0].ID != w.departmentID || deps[0].EntityID != w.entityID {
		t.Fatalf("departments: %+v, %v", deps, err)
	}
	types, err := anon.CaseTypes(ctx, w.entityID)
	if err != nil || len(types) != 1 || types[0].ID != w.typeID || types[0].SLAHours != (client.SLAHours{Normal: 24, Important: 8, VeryImportant: 4}) {
		t.Fatalf("case types: %+v, %v", types, err)
	}
	emps, err := w.admin.Employees(ctx, w.entityID)
	if err != nil {
		t.Fatalf("employees: %v", err)
	}
	if !slices.ContainsFunc(emps, func(u client.User) bool { return u.ID == w.employeeID && u.Role == "employee" }) {
		t.Fatalf("employees: %s missing from %+v", w.employeeID, emps)
	}
	u, err := w.admin.SetPermissions(ctx, w.entityID, w.employeeID, []string{"case.postpone"}, nil)
	if err != nil || !slices.Contains(u.Permissions, "case.postpone") {
		t.Fatalf("grant: %+v, %v", u, err)
	}
	u, err = w.admin.SetPermissions(ctx, w.entityID, w.employeeID, nil, []string{"case.postpone"})
	if err != nil || slices.Contains(u.Permissions, "case.postpone") {
		t.Fatalf("revoke: %+v, %v", u, err)
	}
}

func TestCaseLifecycle(t *testing.T) {
	w := startWorld(t)
	ctx := ctxT(t)
	step := func(what string, cs *client.Case, err error, status string) *client.Case {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if cs.ID != w.caseID || cs.Status != status {
			t.Fatalf("%s: case %s status %q, want %s %q", what, cs.ID, cs.Status, w.caseID, status)
		}
		return cs
	}
	cs, err := w.citizen.Case(ctx, w.caseID)
	step("get", cs, err, "assigned")
	if cs.Number == "" || cs.Requester.ID != w.citizenID || cs.Assignee == nil || cs.DueAt.IsZero() {
		t.Fatalf("case: %+v", cs)
	}
	cs, err = w.employee.Transition(ctx, w.caseID, "start")
	step("start", cs, err, "in_progress")

	pub, err := w.employee.Comment(ctx, w.caseID, "نعمل على طلبك", "public")
	if err != nil || pub.Type != "comment" || pub.Body() != "نعمل على طلبك" || pub.Visibility != "public" || pub.Actor == nil || pub.Actor.ID != w.employeeID {
		t.Fatalf("public comment: %+v, %v", pub, err)
	}
	note, err := w.employee.Comment(ctx, w.caseID, "ملاحظة داخلية", "internal")
	if err != nil || note.Visibility != "internal" || note.Channel != "case:"+w.caseID+":staff" {
		t.Fatalf("internal note: %+v, %v", note, err)
	}
	if _, err := w.citizen.Comment(ctx, w.caseID, "شكراً", ""); err != nil {
		t.Fatalf("citizen comment: %v", err)
	}
	evs, err := w.citizen.CaseEvents(ctx, w.caseID, 0, 0)
	if err != nil {
		t.Fatalf("citizen events: %v", err)
	}
	for _, e := range evs {
		if e.Visibility != "public" {
			t.Fatalf("the citizen got a %s event: %+v", e.Visibility, e)
		}
	}
	since, err := w.citizen.CaseEvents(ctx, w.caseID, pub.Seq, 0)
	if err != nil || len(since) != 1 || since[0].Body() != "شكراً" {
		t.Fatalf("events since %d: %+v, %v", pub.Seq, since, err)
	}
	staffEvs, err := w.employee.CaseEvents(ctx, w.caseID, 0, 0)
	if err != nil || !slices.ContainsFunc(staffEvs, func(e client.CaseEvent) bool { return e.ID == note.ID }) {
		t.Fatalf("staff events miss the note: %+v, %v", staffEvs, err)
	}

	until := time.Now().Add(72 * time.Hour).Truncate(time.Second)
	cs, req, err := w.employee.Postpone(ctx, w.caseID, until, "بانتظار جهة أخرى")
	if err != nil || req == nil || cs.Status != "in_progress" {
		t.Fatalf("postpone without the permission must be a request: %+v %+v %v", cs, req, err)
	}
	pend, err := w.supervisor.Postponements(ctx, w.caseID)
	if err != nil || len(pend) != 1 || pend[0].ID != req.ID || !pend[0].Until.Equal(until) {
		t.Fatalf("postponements: %+v, %v", pend, err)
	}
	cs, err = w.supervisor.ApprovePostponement(ctx, w.caseID, req.ID, "موافق")
	step("approve", cs, err, "postponed")
	if !cs.PostponedUntil.Equal(until) {
		t.Fatalf("postponed until %v, want %v", cs.PostponedUntil, until)
	}
	_, req, err = w.employee.Postpone(ctx, w.caseID, until.Add(24*time.Hour), "مرة أخرى")
	if err != nil || req == nil {
		t.Fatalf("second postpone: %+v %v", req, err)
	}
	cs, err = w.supervisor.RefusePostponement(ctx, w.caseID, req.ID, "لا حاجة للتأجيل")
	step("refuse", cs, err, "postponed")

	cs, err = w.admin.Assign(ctx, w.caseID, w.supervisorID)
	step("assign", cs, err, "postponed")
	if cs.Assignee == nil || cs.Assignee.ID != w.supervisorID {
		t.Fatalf("assignee %+v", cs.Assignee)
	}
	cs, err = w.supervisor.Resolve(ctx, w.caseID, "تم الإصلاح")
	step("resolve", cs, err, "resolved")
	cs, err = w.citizen.Rate(ctx, w.caseID, 4, "جيد")
	step("rate", cs, err, "resolved")
	if cs.Rating != 4 {
		t.Fatalf("rating %d", cs.Rating)
	}
	cs, err = w.citizen.Object(ctx, w.caseID, "ما زالت معطلة")
	step("object", cs, err, "objected")
}

func TestListCases(t *testing.T) {
	w := startWorld(t)
	ctx := ctxT(t)
	second, third := w.openCase(t), w.openCase(t)
	if _, err := w.employee.Resolve(ctx, third.ID, "تم"); err != nil {
		t.Fatalf("resolve: %v", err)
	}
	yes := true
	tests := []struct {
		name string
		c    *client.Client
		opts client.ListOptions
		want []string // IDs, in any order
	}{
		{"citizen, all", w.citizen, client.ListOptions{}, []string{w.caseID, second.ID, third.ID}},
		{"status filter", w.citizen, client.ListOptions{Status: []string{"resolved"}}, []string{third.ID}},
		{"two statuses", w.citizen, client.ListOptions{Status: []string{"assigned", "resolved"}}, []string{w.caseID, second.ID, third.ID}},
		{"assignee me", w.employee, client.ListOptions{Assignee: "me", Status: []string{"assigned"}}, []string{w.caseID, second.ID}},
		{"priority", w.citizen, client.ListOptions{Priority: "very_important"}, nil},
		{"late", w.citizen, client.ListOptions{Late: &yes}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := tt.c.Cases(ctx, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, cs := range list.Cases {
				got = append(got, cs.ID)
			}
			slices.Sort(got)
			want := slices.Clone(tt.want)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("got %v, want %v", got, want)
			}
		})
	}
	t.Run("pages", func(t *testing.T) {
		var seen []string
		opts := client.ListOptions{Limit: 2}
		for pages := 0; ; pages++ {
			if pages > 3 {
				t.Fatal("more pages than cases")
			}
			list, err := w.citizen.Cases(ctx, opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, cs := range list.Cases {
				seen = append(seen, cs.ID)
			}
			if list.NextCursor == "" {
				break
			}
			opts.Cursor = list.NextCursor
		}
		slices.Sort(seen)
		want := []string{w.caseID, second.ID, third.ID}
		slices.Sort(want)
		if !slices.Equal(seen, want) {
			t.Fatalf("pages gave %v, want %v", seen, want)
		}
	})
	t.Run("search by number", func(t *testing.T) {
		list, err := w.citizen.Cases(ctx, client.ListOptions{Q: second.Number})
		if err != nil || len(list.Cases) != 1 || list.Cases[0].ID != second.ID {
			t.Fatalf("search %s: %+v, %v", second.Number, list, err)
		}
	})
}
