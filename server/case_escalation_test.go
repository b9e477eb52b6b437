package server_test

import (
	"net/http"
	"slices"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestEscalationSettings: who may set an entity's objection ladder, and what
// is refused: a head who is not staff of the entity, a cap out of range.
func TestEscalationSettings(t *testing.T) {
	ts := testserver.Start(t)
	k := newCaseCast(t, ts)
	outsider := ts.Staff(ts.NewCaseSetup(""), jihat.RoleEntityAdmin, 0)
	path := "/api/v1/entities/" + k.cs.Entity
	patch := func(token string, esc map[string]any) (int, map[string]any) {
		return ts.Do("PATCH", path, token, map[string]any{"escalation": esc})
	}
	// Defaults: no head, oversight last, one objection per level.
	m := ts.Must(http.StatusOK, "GET", path, k.citizen.Token, nil)
	if got := testserver.Strings(m, "escalation.levels"); !slices.Equal(got, []string{"employee", "supervisor", "entity_admin", "oversight"}) ||
		testserver.Str(m, "escalation.max_objections") != "3" {
		t.Errorf("default ladder %v", m["escalation"])
	}
	st, body := patch(k.supervisor.Token, map[string]any{"max_objections": 2})
	wantError(t, st, body, http.StatusForbidden, "EFORBIDDEN", "")
	st, body = patch(outsider.Token, map[string]any{"max_objections": 2})
	wantError(t, st, body, http.StatusForbidden, "EFORBIDDEN", "")
	st, body = patch(k.admin.Token, map[string]any{"head_user_id": outsider.ID})
	wantError(t, st, body, http.StatusBadRequest, "EINVALID", "escalation.head_user_id")
	st, body = patch(k.admin.Token, map[string]any{"head_user_id": k.citizen.ID})
	wantError(t, st, body, http.StatusBadRequest, "EINVALID", "escalation.head_user_id")
	st, body = patch(k.admin.Token, map[string]any{"max_objections": jihat.MaxObjectionsCap + 1})
	wantError(t, st, body, http.StatusBadRequest, "EINVALID", "escalation.max_objections")

	head := ts.CreateEmployee(ts.Admin(), k.cs.Entity, ts.CreateDepartment(ts.Admin(), k.cs.Entity), jihat.RoleEmployee)
	m = ts.Must(http.StatusOK, "PATCH", path, k.admin.Token, map[string]any{"escalation": map[string]any{"head_user_id": head.ID, "oversight": false}})
	if got := testserver.Strings(m, "escalation.levels"); !slices.Equal(got, []string{"employee", "supervisor", "entity_admin", "head"}) ||
		testserver.Str(m, "escalation.max_objections") != "3" || testserver.Str(m, "escalation.head_user_id") != head.ID {
		t.Errorf("ladder with a head and no oversight: %v", m["escalation"])
	}
}

// TestEscalationLadder: objections climb employee → supervisor → entity
// admin → the entity's head → the oversight body; each level is told the
// case is theirs; above the entity admin only the one the case went to
// decides; the oversight officer's resolution is final, the citizen is
// told so, and no objection follows.
func TestEscalationLadder(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		k := newCaseCast(t, ts)
		k.setPerms(k.supervisor, []string{"case.handle"}, nil)
		id := testserver.Str(k.open(t, "موضوع", "نص"), "id")
		head := ts.CreateEmployee(ts.Admin(), k.cs.Entity, ts.CreateDepartment(ts.Admin(), k.cs.Entity), jihat.RoleEmployee)
		officer := ts.CreateUser(&jihat.User{Role: jihat.RoleOversight})
		ts.Must(http.StatusOK, "PATCH", "/api/v1/entities/"+k.cs.Entity, k.admin.Token,
			map[string]any{"escalation": map[string]any{"head_user_id": head.ID}})

		steps := []struct {
			by          testserver.Account
			level       string
			next        testserver.Account
			nextIsFinal bool
		}{
			{k.employee, "supervisor", k.supervisor, false},
			{k.supervisor, "entity_admin", k.admin, false},
			{k.admin, "head", head, false},
			{head, "oversight", officer, true},
		}
		for i, s := range steps {
			m := ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/resolve", s.by.Token, map[string]any{"resolution": "حل"})
			if testserver.Str(m, "case.final_decision") != "false" {
				t.Fatalf("step %d: resolution marked final: %v", i, m["case"])
			}
			m = ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/object", k.citizen.Token, map[string]any{"reason": "غير كاف"})
			if testserver.Str(m, "case.escalation_level") != s.level || testserver.Str(m, "case.assignee.id") != s.next.ID ||
				testserver.Str(m, "case.objections") != string(rune('1'+i)) {
				t.Fatalf("objection %d: level %s, assignee %s, objections %s; want %s, %s, %d", i+1,
					testserver.Str(m, "case.escalation_level"), testserver.Str(m, "case.assignee.id"), testserver.Str(m, "case.objections"),
					s.level, s.next.ID, i+1)
			}
			if got := kindsOf(outboxOf(t, ts.Store, s.next.ID)); !slices.Contains(got, "case.objection") {
				t.Errorf("objection %d: the %s's outbox %v lacks case.objection", i+1, s.level, got)
			}
		}
		// At the oversight level the entity's staff no longer decide.
		st, body := k.act(k.admin.Token, id, "resolve", map[string]any{"resolution": "قرار"})
		wantError(t, st, body, http.StatusForbidden, "EFORBIDDEN", "")
		st, body = k.act(head.Token, id, "resolve", map[string]any{"resolution": "قرار"}) // no longer theirs to see
		wantError(t, st, body, http.StatusNotFound, "ENOTFOUND", "")
		m := ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/resolve", officer.Token, map[string]any{"resolution": "القرار النهائي"})
		if testserver.Str(m, "case.final_decision") != "true" || listHas(testserver.Strings(m, "case.actions"), "object") {
			t.Fatalf("the oversight officer's resolution: %v; want final", m["case"])
		}
		evs := ts.CaseEvents(k.citizen.Token, id, "")
		if last := evs[len(evs)-1]; last["type"] != "resolved" || testserver.Str(last, "data.final") != "true" {
			t.Errorf("last event %v; want a final resolution", last)
		}
		if got := kindsOf(outboxOf(t, ts.Store, k.citizen.ID)); got[len(got)-1] != "case.final_decision" {
			t.Errorf("the citizen's outbox %v; want case.final_decision last", got)
		}
		st, body = k.act(k.citizen.Token, id, "object", map[string]any{"reason": "مرة أخرى"})
		wantError(t, st, body, http.StatusConflict, "ECONFLICT", "")
	})
}

// TestObjectionCap: an entity that allows one objection per case makes the
// second resolution final, whatever levels remain above.
func TestObjectionCap(t *testing.T) {
	ts := testserver.Start(t)
	k := newCaseCast(t, ts)
	k.setPerms(k.supervisor, []string{"case.handle"}, nil)
	ts.Must(http.StatusOK, "PATCH", "/api/v1/entities/"+k.cs.Entity, k.admin.Token,
		map[string]any{"escalation": map[string]any{"max_objections": 1}})
	id := testserver.Str(k.open(t, "موضوع", "نص"), "id")
	ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/resolve", k.employee.Token, map[string]any{"resolution": "حل"})
	ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/object", k.citizen.Token, map[string]any{"reason": "غير كاف"})
	m := ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/resolve", k.supervisor.Token, map[string]any{"resolution": "حل ثان"})
	if testserver.Str(m, "case.final_decision") != "true" {
		t.Fatalf("resolution after the only objection allowed: %v; want final", m["case"])
	}
	st, body := k.act(k.citizen.Token, id, "object", map[string]any{"reason": "مرة أخرى"})
	wantError(t, st, body, http.StatusConflict, "ECONFLICT", "")
	if got := kindsOf(outboxOf(t, ts.Store, k.citizen.ID)); got[len(got)-1] != "case.final_decision" {
		t.Errorf("the citizen's outbox %v; want case.final_decision last", got)
	}
}
