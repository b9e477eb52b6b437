package server_test

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"strings"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
)

// TestStatsAuthorization: who may read which figures, for every statistics
// route; oversight reads everything and writes nothing.
func TestStatsAuthorization(t *testing.T) {
	clk := &settableClock{}
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		w := newStatsWorld(t, ts, clk)
		e, d1, d2 := w.cs.Entity, w.cs.Department, w.cs2.Department
		entityPaths := []string{"/api/v1/stats/entities/" + e, "/api/v1/stats/entities/" + e + "/breakdown?by=employee",
			"/api/v1/stats/entities/" + e + "/indicators?by=week", "/api/v1/stats/entities/" + e + "/counters",
			"/api/v1/stats/entities/" + e + "/dashboard",
			"/api/v1/stats/entities/" + e + "/report", "/api/v1/stats/cases?entity_id=" + e, "/api/v1/entities/" + e + "/report-schedule"}
		type check struct {
			who    string
			token  string
			path   string
			status int
		}
		var checks []check
		for _, p := range entityPaths {
			checks = append(checks,
				check{"entity admin", w.ea.Token, p, 200}, check{"supervisor", w.s1.Token, p, 200},
				check{"oversight", w.oversight.Token, p, 200}, check{"platform admin", w.admin, p, 200},
				check{"employee", w.a.Token, p, 403}, check{"other entity's supervisor", w.s2.Token, p, 403},
				check{"citizen", w.citizen.Token, p, 403}, check{"anonymous", "", p, 401})
		}
		for _, p := range []string{"/api/v1/stats/employees/" + w.a.ID, "/api/v1/stats/employees/" + w.a.ID + "/hours"} {
			checks = append(checks,
				check{"the employee", w.a.Token, p, 200}, check{"their supervisor", w.s1.Token, p, 200},
				check{"entity admin", w.ea.Token, p, 200}, check{"oversight", w.oversight.Token, p, 200},
				check{"a colleague", w.b.Token, p, 403}, check{"another department's employee", w.c.Token, p, 403},
				check{"other entity's supervisor", w.s2.Token, p, 403}, check{"citizen", w.citizen.Token, p, 403})
		}
		for _, p := range []string{"/api/v1/stats/employees/" + w.c.ID, "/api/v1/stats/employees/" + w.c.ID + "/hours",
			"/api/v1/stats/departments/" + d2 + "/performance", "/api/v1/stats/entities/" + e + "?department_id=" + d2,
			"/api/v1/stats/entities/" + e + "/dashboard?department_id=" + d2,
			"/api/v1/stats/cases?employee_id=" + w.c.ID} {
			checks = append(checks, check{"supervisor of another department", w.s1.Token, p, 403},
				check{"entity admin", w.ea.Token, p, 200})
		}
		perf := "/api/v1/stats/departments/" + d1 + "/performance"
		checks = append(checks,
			check{"supervisor", w.s1.Token, perf, 200}, check{"oversight", w.oversight.Token, perf, 200},
			check{"employee", w.a.Token, perf, 403}, check{"other entity's supervisor", w.s2.Token, perf, 403},
			check{"oversight", w.oversight.Token, "/api/v1/stats/entities", 200},
			check{"entity admin (own entity)", w.ea.Token, "/api/v1/stats/entities", 200},
			check{"supervisor", w.s1.Token, "/api/v1/stats/entities", 403},
			check{"employee", w.a.Token, "/api/v1/stats/entities", 403},
			check{"employee, own cases", w.a.Token, "/api/v1/stats/cases?employee_id=" + w.a.ID, 200},
			check{"employee, a colleague's cases", w.a.Token, "/api/v1/stats/cases?employee_id=" + w.b.ID, 403},
			check{"oversight, every entity's cases", w.oversight.Token, "/api/v1/stats/cases", 200},
		)
		for _, c := range checks {
			res, err := ts.Raw("GET", c.path, c.token, nil)
			if err != nil {
				t.Fatal(err)
			}
			if res.Status != c.status {
				t.Errorf("%s GET %s: %d, want %d (%s)", c.who, c.path, res.Status, c.status, res.Body)
			}
		}
		// The entity admin's list has their entity only; the employee's
		// drill-down only their cases.
		m := ts.Must(200, "GET", "/api/v1/stats/entities", w.ea.Token, nil)
		if g := testserver.Objects(m, "groups"); len(g) != 1 || testserver.Str(g[0], "key") != e {
			t.Errorf("entity admin's side by side: %v", g)
		}
		for _, c := range testserver.Objects(ts.Must(200, "GET", "/api/v1/stats/cases?employee_id="+w.a.ID+"&"+period, w.a.Token, nil), "cases") {
			if testserver.Str(c, "assignee.id") != w.a.ID {
				t.Errorf("employee's drill-down shows %v", c)
			}
		}

		// Writing: only entity.manage sets the schedule; oversight writes nothing.
		sched := map[string]any{"enabled": true, "weekday": "sunday", "hour": 8}
		for _, c := range []check{{"oversight", w.oversight.Token, "", 403}, {"supervisor", w.s1.Token, "", 403},
			{"employee", w.a.Token, "", 403}, {"other entity's supervisor", w.s2.Token, "", 403}, {"entity admin", w.ea.Token, "", 200},
			{"platform admin", w.admin, "", 200}} {
			if status, body := ts.Do("PUT", "/api/v1/entities/"+e+"/report-schedule", c.token, sched); status != c.status {
				t.Errorf("%s PUT report-schedule: %d, want %d (%v)", c.who, status, c.status, body)
			}
		}
		for _, wr := range []struct{ method, path string }{
			{"POST", "/api/v1/entities/" + e + "/departments"}, {"POST", "/api/v1/cases/" + w.cases[4] + "/resolve"},
			{"POST", "/api/v1/cases/" + w.cases[4] + "/comments"}, {"POST", "/api/v1/cases/" + w.cases[4] + "/assign"},
			{"PATCH", "/api/v1/entities/" + e},
		} {
			body := map[string]any{"name_ar": "س", "name_en": "x", "resolution": "x", "body": "x", "visibility": "public", "employee_id": w.a.ID}
			if status, _ := ts.Do(wr.method, wr.path, w.oversight.Token, body); status != http.StatusForbidden && status != http.StatusNotFound && status != http.StatusBadRequest {
				t.Errorf("oversight %s %s: %d, want a refusal", wr.method, wr.path, status)
			}
		}
		// Bad input is a coded error, in both languages.
		for _, p := range []string{"/api/v1/stats/entities/" + e + "?from=yesterday", "/api/v1/stats/entities/" + e + "?from=2026-03-05&to=2026-03-01",
			"/api/v1/stats/entities/" + e + "/breakdown?by=color", "/api/v1/stats/entities/" + e + "/indicators?by=hour",
			"/api/v1/stats/cases?entity_id=" + e + "&state=sideways", "/api/v1/stats/entities/" + e + "?priority=urgent"} {
			status, body := ts.Do("GET", p, w.ea.Token, nil)
			wantError(t, status, body, 400, "EINVALID", "")
		}
		status, body := ts.Do("PUT", "/api/v1/entities/"+e+"/report-schedule", w.ea.Token, map[string]any{"weekday": "someday", "hour": 25})
		wantError(t, status, body, 400, "EINVALID", "hour")
	}, statsOptions(clk)...)
}

// TestStatsReport: the HTML report is right to left with the entity's name
// and the period in Hijri and Gregorian; the CSV starts with a BOM and keeps
// Arabic, commas, quotes and line breaks intact.
func TestStatsReport(t *testing.T) {
	clk := &settableClock{}
	ts := testserver.Start(t, statsOptions(clk)...)
	w := newStatsWorld(t, ts, clk)
	e := w.cs.Entity
	// A department whose name needs quoting.
	tricky := "قسم \"الخدمات\"، العامة,\nفرع =جدة"
	clk.Set(at(3, 9, 0))
	d := testserver.Str(ts.Must(201, "POST", "/api/v1/entities/"+e+"/departments", w.admin, map[string]any{"name_ar": tricky, "name_en": "Services"}), "id")
	ct := ts.CreateCaseType(w.admin, e, d)
	ts.OpenCase(w.citizen.Token, testserver.CaseSetup{Entity: e, Department: d, CaseType: ct}, "طلب", "نص")
	clk.Set(at(3, 10, 0))

	res, err := ts.Raw("GET", "/api/v1/stats/entities/"+e+"/report?format=html&"+period, w.ea.Token, nil)
	if err != nil || res.Status != 200 {
		t.Fatalf("html report: %v %d %s", err, res.Status, res.Body)
	}
	page := string(res.Body)
	entityName := testserver.Str(ts.Must(200, "GET", "/api/v1/entities/"+e, "", nil), "entity.name_ar")
	if entityName == "" {
		entityName = testserver.Str(ts.Must(200, "GET", "/api/v1/entities/"+e, "", nil), "name_ar")
	}
	for _, want := range []string{`dir="rtl"`, `lang="ar"`, entityName, "12 رمضان 1447 هـ", "14 رمضان 1447 هـ", "2026-03-01", "2026-03-03",
		"قسم &#34;الخدمات&#34;، العامة,\nفرع =جدة"} {
		if !strings.Contains(page, want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
		t.Errorf("content type %q", ct)
	}
	if csp := res.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script") {
		t.Errorf("CSP %q", csp)
	}
	res, _ = ts.Raw("GET", "/api/v1/stats/entities/"+e+"/report?format=html&lang=en&"+period, w.ea.Token, nil)
	if p := string(res.Body); !strings.Contains(p, `dir="ltr"`) || !strings.Contains(p, "12 Ramadan 1447 AH") {
		t.Errorf("English report: %.400s", p)
	}

	res, err = ts.Raw("GET", "/api/v1/stats/entities/"+e+"/report?format=csv&"+period, w.ea.Token, nil)
	if err != nil || res.Status != 200 {
		t.Fatalf("csv report: %v %d", err, res.Status)
	}
	if !bytes.HasPrefix(res.Body, []byte("\xEF\xBB\xBF")) {
		t.Fatalf("CSV does not start with the UTF-8 BOM: % x", res.Body[:8])
	}
	if !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv; charset=utf-8") || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("CSV headers %v", res.Header)
	}
	r := csv.NewReader(bytes.NewReader(res.Body[3:]))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if rows[0][1] != entityName || rows[2][1] != "12 رمضان 1447 هـ" {
		t.Errorf("CSV heading %v", rows[:3])
	}
	var total, dept []string
	for _, row := range rows {
		if row[0] == "total" {
			total = row
		}
		if row[0] == "department" && row[1] == d {
			dept = row
		}
	}
	if total == nil || total[3] != "7" || total[4] != "3" || total[5] != "4" || total[6] != "1" || total[8] != "66.67" {
		t.Errorf("CSV total row %v", total)
	}
	// The dataset's six cases and one more, created on 3 March, inside the
	// period: the tricky department has one open case, and its name comes back exactly (the leading = is not at
	// the start of the cell, so it stays).
	if dept == nil || dept[2] != tricky || dept[3] != "1" {
		t.Errorf("CSV department row %q, want name %q", dept, tricky)
	}
}
