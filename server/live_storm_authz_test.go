package server_test

import (
	"net/http"
	"sync"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestLiveConcurrentSubscribeAuthz is the reconnect storm's authorisation:
// many sockets of three users subscribe at once, so the case audience reads
// of different cases and users go together (store.CaseAudience batches
// concurrent reads into one query), and each subscribe is still decided for
// its own user and case — a citizen gets only their own case and never its
// staff channel, another citizen's case is not found, the assigned employee
// gets both channels of their case — on both databases.
func TestLiveConcurrentSubscribeAuthz(t *testing.T) {
	for _, db := range []struct {
		name string
		opts []testserver.Option
	}{{"sqlite", nil}, {"postgres", []testserver.Option{testserver.Postgres()}}} {
		t.Run(db.name, func(t *testing.T) {
			ts := testserver.Start(t, db.opts...)
			admin := ts.Admin()
			ent := ts.CreateEntity(admin)
			d1, d2 := ts.CreateDepartment(admin, ent), ts.CreateDepartment(admin, ent)
			t1, t2 := ts.CreateCaseType(admin, ent, d1), ts.CreateCaseType(admin, ent, d2)
			cit1, cit2 := ts.RegisterCitizen(), ts.RegisterCitizen()
			emp := ts.CreateEmployee(admin, ent, d1, jihat.RoleEmployee)
			open := func(by testserver.Account, caseType string) string {
				c := ts.Must(http.StatusCreated, "POST", "/api/v1/cases", by.Token, map[string]any{
					"entity_id": ent, "case_type_id": caseType, "subject": "طلب", "body": "نص الطلب", "priority": "normal"})
				id := testserver.Str(c, "case.id")
				if caseType == t1 && testserver.Str(c, "case.assignee.id") != emp.ID {
					ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/assign", admin, map[string]any{"employee_id": emp.ID})
				}
				return id
			}
			x, y := open(cit1, t1), open(cit2, t2)
			channels := []string{jihat.CaseChannel(x), jihat.CaseStaffChannel(x), jihat.CaseChannel(y), jihat.CaseStaffChannel(y)}
			want := map[string][]string{ // per channel above: "" allowed, else the error code
				"citizen":       {"", jihat.EFORBIDDEN, jihat.ENOTFOUND, jihat.ENOTFOUND},
				"other_citizen": {jihat.ENOTFOUND, jihat.ENOTFOUND, "", jihat.EFORBIDDEN},
				"employee":      {"", "", jihat.ENOTFOUND, jihat.ENOTFOUND},
			}
			tokens := map[string]string{"citizen": cit1.Token, "other_citizen": cit2.Token, "employee": emp.Token}

			const socketsEach = 8
			type sock struct {
				role string
				conn *testserver.LiveConn
			}
			var socks []sock
			for role, token := range tokens {
				for range socketsEach {
					socks = append(socks, sock{role, ts.DialLive(token)})
				}
			}
			var wg sync.WaitGroup
			for i, s := range socks {
				wg.Go(func() {
					for k := range channels {
						c := (k + i) % len(channels) // each socket starts elsewhere
						if got := s.conn.Subscribe(channels[c], 0); got != want[s.role][c] {
							t.Errorf("%s subscribe %s: %q, want %q", s.role, channels[c], got, want[s.role][c])
						}
					}
				})
			}
			wg.Wait()
		})
	}
}
