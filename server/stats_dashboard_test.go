package server_test

import (
	"net/http"
	"reflect"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
)

// TestStatsDashboard: the dashboard's one call gives exactly what its four
// routes give the same caller (the figures of TestStatsFigures, computed by
// hand, through them), in the caller's scope: a supervisor's parts are their
// department's.
func TestStatsDashboard(t *testing.T) {
	clk := &settableClock{}
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		w := newStatsWorld(t, ts, clk)
		e := "/api/v1/stats/entities/" + w.cs.Entity
		for _, who := range []struct {
			name, token string
		}{{"entity admin", w.ea.Token}, {"supervisor", w.s1.Token}, {"oversight", w.oversight.Token}} {
			for _, by := range []string{"", "week"} {
				q := period
				if by != "" {
					q += "&by=" + by
				}
				got := ts.Must(http.StatusOK, "GET", e+"/dashboard?"+q, who.token, nil)
				parts := map[string]string{"figures": e + "?" + period, "by_department": e + "/breakdown?by=department&" + period,
					"indicators": e + "/indicators?" + q, "counters": e + "/counters"}
				for part, path := range parts {
					want := ts.Must(http.StatusOK, "GET", path, who.token, nil)
					if !reflect.DeepEqual(got[part], any(want)) {
						t.Errorf("%s, by=%q: dashboard %s\n%v\n%s gives\n%v", who.name, by, part, got[part], path, want)
					}
				}
			}
		}
		// The supervisor's breakdown holds their department only.
		m := ts.Must(http.StatusOK, "GET", e+"/dashboard?"+period, w.s1.Token, nil)
		if g := testserver.Objects(m["by_department"].(map[string]any), "groups"); len(g) != 1 || testserver.Str(g[0], "key") != w.cs.Department {
			t.Errorf("supervisor's dashboard by department: %v", m["by_department"])
		}
		// Their counters say whose they are, as the department's live counters
		// events do (the web dashboard matches the two); the entity's have none.
		if c := m["counters"].(map[string]any); testserver.Str(c, "department_id") != w.cs.Department {
			t.Errorf("supervisor's counters: department_id %v, want %s", c["department_id"], w.cs.Department)
		}
		if c := ts.Must(http.StatusOK, "GET", e+"/counters", w.ea.Token, nil); c["department_id"] != nil {
			t.Errorf("entity admin's counters carry department_id %v", c["department_id"])
		}
		ts.Must(http.StatusBadRequest, "GET", e+"/dashboard?by=year", w.ea.Token, nil)
		ts.Must(http.StatusForbidden, "GET", e+"/dashboard?department_id="+w.cs2.Department, w.s1.Token, nil)
	}, statsOptions(clk)...)
}
