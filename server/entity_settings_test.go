package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// TestEntityCalendarMovesDeadlines: an entity admin's working calendar
// (here Egypt: Sunday–Thursday 09:00–17:00 Cairo, with a holiday) is what
// new cases' deadlines are counted on.
func TestEntityCalendarMovesDeadlines(t *testing.T) {
	// Wednesday 2026-11-25 15:00 in Cairo (13:00 UTC).
	now := time.Date(2026, 11, 25, 13, 0, 0, 0, time.UTC)
	ts := testserver.Start(t, testserver.Configure(func(c *server.Config) { c.Now = func() time.Time { return now } }))
	admin := ts.Admin()
	ent := ts.CreateEntity(admin)
	dep := ts.CreateDepartment(admin, ent)
	typ := ts.CreateCaseType(admin, ent, dep) // important: 8 working hours
	entAdmin := ts.CreateEmployee(admin, ent, "", jihat.RoleEntityAdmin)
	other := ts.CreateEntity(admin)
	otherAdmin := ts.CreateEmployee(admin, other, "", jihat.RoleEntityAdmin)
	citizen := ts.RegisterCitizen()

	cal := map[string]any{"time_zone": "Africa/Cairo", "workdays": []string{"sun", "mon", "tue", "wed", "thu"},
		"start": "09:00", "end": "17:00", "holidays": []string{"2026-11-26"}}
	body := map[string]any{"calendar": cal, "assign_rule": "least_load"}
	ts.Must(http.StatusForbidden, "PATCH", "/api/v1/entities/"+ent, otherAdmin.Token, body)
	ts.Must(http.StatusForbidden, "PATCH", "/api/v1/entities/"+ent, citizen.Token, body)
	ts.Must(http.StatusUnauthorized, "PATCH", "/api/v1/entities/"+ent, "", body)
	bad := map[string]any{"calendar": map[string]any{"time_zone": "Mars/Olympus"}}
	ts.Must(http.StatusBadRequest, "PATCH", "/api/v1/entities/"+ent, entAdmin.Token, bad)
	ts.Must(http.StatusBadRequest, "PATCH", "/api/v1/entities/"+ent, entAdmin.Token, map[string]any{"assign_rule": "random"})
	got := ts.Must(http.StatusOK, "PATCH", "/api/v1/entities/"+ent, entAdmin.Token, body)
	if testserver.Str(got, "assign_rule") != "least_load" || testserver.Str(got, "calendar.time_zone") != "Africa/Cairo" {
		t.Fatalf("entity after PATCH: %v", got)
	}

	c := ts.Must(http.StatusCreated, "POST", "/api/v1/cases", citizen.Token, map[string]any{"entity_id": ent,
		"case_type_id": typ, "subject": "موعد", "body": "تفاصيل", "priority": "important"})
	// 2 h left on Wednesday (15:00–17:00), Thursday is a holiday, Friday and
	// Saturday are off: 6 h on Sunday 09:00–15:00 Cairo = 13:00 UTC.
	want := time.Date(2026, 11, 29, 13, 0, 0, 0, time.UTC).Format(time.RFC3339)
	if due := testserver.Str(c, "case.due_at"); due != want {
		t.Errorf("due_at = %s, want %s", due, want)
	}
}
