package server_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// The service guide over HTTP: drafts, publishing and versions, what the
// public sees, ETags, search, a case about a service, and which services
// generate cases.

func init() { authzRows = append(authzRows, guideAuthzRows...) }

// editors of entity A's services.
var serviceEditors = []role{entityAdmin, platformAdmin}

var guideAuthzRows = []authzRow{
	{method: "POST", path: "/api/v1/entities/{entity}/services", want: only(201, serviceEditors...),
		body: func(*authzWorld, cell) any { return map[string]any{"name_ar": "خدمة", "name_en": "A service"} }},
	{method: "GET", path: "/api/v1/entities/{entity}/services", want: everyone(200)},
	{method: "GET", path: "/api/v1/services", want: everyone(200)},
	{method: "GET", path: "/api/v1/services/{service}", note: "published", setup: setupService(true), want: everyone(200)},
	{method: "GET", path: "/api/v1/services/{service}", note: "draft", setup: setupService(false), want: everyone(404)},
	{method: "PATCH", path: "/api/v1/services/{service}", note: "published", setup: setupService(true),
		want: only(200, serviceEditors...), body: func(*authzWorld, cell) any { return map[string]any{"fees": map[string]string{"ar": "مجاناً"}} }},
	{method: "PATCH", path: "/api/v1/services/{service}", note: "draft", setup: setupService(false),
		want: signedIn(404).with(200, serviceEditors...), body: func(*authzWorld, cell) any { return map[string]any{"name_en": "Renamed"} }},
	{method: "POST", path: "/api/v1/services/{service}/publish", setup: setupService(false), want: signedIn(404).with(200, serviceEditors...)},
	{method: "GET", path: "/api/v1/services/{service}/versions", setup: setupService(true), want: only(200, serviceEditors...)},
	{method: "GET", path: "/api/v1/stats/services", want: only(200, oversight, platformAdmin)},
	{method: "GET", path: "/open311/v2/services.json", want: everyone(200)},
	{method: "GET", path: "/open311/v2/services/{service}.json", note: "published", setup: setupService(true), want: everyone(200)},
	{method: "GET", path: "/open311/v2/services/{service}.json", note: "draft", setup: setupService(false), want: everyone(404)},
}

// setupService is a setup: a service of entity A, published or a draft.
func setupService(publish bool) func(t *testing.T, w *authzWorld) map[string]string {
	return func(t *testing.T, w *authzWorld) map[string]string {
		t.Helper()
		ts, admin := w.ts.For(t), w.token(t, platformAdmin)
		id := testserver.Str(ts.Must(http.StatusCreated, "POST", "/api/v1/entities/"+w.ids["{entity}"]+"/services", admin,
			map[string]any{"name_ar": "خدمة اختبار", "name_en": "Test service"}), "service.id")
		if publish {
			ts.Must(http.StatusOK, "POST", "/api/v1/services/"+id+"/publish", admin, nil)
		}
		return map[string]string{"{service}": id}
	}
}

// passportService is a full service body.
func passportService(caseType string) map[string]any {
	return map[string]any{
		"name_ar": "تجديد جواز السفر", "name_en": "Passport renewal",
		"description_ar": "تجديد جواز السفر للمواطنين قبل انتهاء صلاحيته", "description_en": "Renew a passport before it expires",
		"eligibility": map[string]string{"ar": "المواطنون", "en": "Citizens"},
		"documents":   []map[string]string{{"ar": "الجواز القديم", "en": "The old passport"}, {"ar": "صورة شخصية", "en": "A photo"}},
		"fees":        map[string]string{"ar": "٣٠٠ ريال", "en": "SAR 300"},
		"steps":       []map[string]string{{"ar": "قدّم الطلب", "en": "Apply"}, {"ar": "استلم الجواز", "en": "Collect the passport"}},
		"duration":    map[string]string{"ar": "ثلاثة أيام عمل", "en": "Three working days"},
		"channels":    []string{"online", "office"}, "url": "https://example.gov.sa/passport", "case_type_id": caseType,
	}
}

func TestServiceGuide(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		k := newCaseCast(t, ts)
		other := ts.NewCaseSetup("")
		otherAdmin := ts.Staff(other, jihat.RoleEntityAdmin, 0)
		base := "/api/v1/entities/" + k.cs.Entity + "/services"

		// A draft: the public does not see it anywhere.
		m := ts.Must(http.StatusCreated, "POST", base, k.admin.Token, passportService(k.cs.CaseType))
		id := testserver.Str(m, "service.id")
		if st := testserver.Str(m, "service.status"); st != "draft" {
			t.Errorf("a new service is %q; want draft", st)
		}
		ts.Must(http.StatusNotFound, "GET", "/api/v1/services/"+id, "", nil)
		ts.Must(http.StatusNotFound, "GET", "/api/v1/services/"+id, k.citizen.Token, nil)
		ts.Must(http.StatusNotFound, "PATCH", "/api/v1/services/"+id, otherAdmin.Token, map[string]any{"name_en": "x"})
		if n := len(testserver.Objects(ts.Must(http.StatusOK, "GET", base, "", nil), "services")); n != 0 {
			t.Errorf("the public sees %d services of the entity before publishing", n)
		}
		if n := len(testserver.Objects(ts.Must(http.StatusOK, "GET", base, k.admin.Token, nil), "services")); n != 1 {
			t.Errorf("the entity admin sees %d services; want the draft", n)
		}
		if n := len(testserver.Objects(ts.Must(http.StatusOK, "GET", "/api/v1/services?q="+url.QueryEscape("جواز"), "", nil), "services")); n != 0 {
			t.Errorf("a search finds %d drafts", n)
		}

		// Bad input: coded errors per field, nothing written.
		for _, tc := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"name_ar": "", "name_en": "x"}, "name_ar"},
			{map[string]any{"name_ar": "س", "name_en": "x", "url": "http://plain.example"}, "url"},
			{map[string]any{"name_ar": "س", "name_en": "x", "channels": []string{"pigeon"}}, "channels"},
			{map[string]any{"name_ar": "س", "name_en": "x", "case_type_id": other.CaseType}, "case_type_id"},
		} {
			st, body := ts.Do("POST", base, k.admin.Token, tc.body)
			wantError(t, st, body, http.StatusBadRequest, "EINVALID", tc.field)
		}
		ts.Must(http.StatusForbidden, "POST", base, otherAdmin.Token, passportService(""))

		// Publish: version 1, public, with an ETag that revalidates.
		m = ts.Must(http.StatusOK, "POST", "/api/v1/services/"+id+"/publish", k.admin.Token, nil)
		if testserver.Get(m, "service.version") != float64(1) {
			t.Errorf("published version %v; want 1", testserver.Get(m, "service.version"))
		}
		st, body := ts.Do("POST", "/api/v1/services/"+id+"/publish", k.admin.Token, nil)
		wantError(t, st, body, http.StatusConflict, "ECONFLICT", "")
		res, err := ts.Raw("GET", "/api/v1/services/"+id, "", nil)
		if err != nil || res.Status != 200 {
			t.Fatalf("public GET: %v %v", res, err)
		}
		etag := res.Header.Get("ETag")
		if etag == "" || res.Header.Get("Cache-Control") == "" {
			t.Errorf("no ETag or Cache-Control: %v", res.Header)
		}
		if res, _ = ts.Raw("GET", "/api/v1/services/"+id, "", nil, "If-None-Match", etag); res.Status != http.StatusNotModified {
			t.Errorf("If-None-Match with the ETag: %d; want 304", res.Status)
		}

		// An edit is a draft: the public still reads version 1 until publish.
		ts.Must(http.StatusForbidden, "PATCH", "/api/v1/services/"+id, otherAdmin.Token, map[string]any{"name_en": "x"})
		ts.Must(http.StatusForbidden, "PATCH", "/api/v1/services/"+id, k.supervisor.Token, map[string]any{"name_en": "x"})
		m = ts.Must(http.StatusOK, "PATCH", "/api/v1/services/"+id, k.admin.Token, map[string]any{"fees": map[string]string{"ar": "مجاناً", "en": "Free"}})
		if testserver.Str(m, "service.status") != "changed" || testserver.Str(m, "service.name_en") != "Passport renewal" {
			t.Errorf("after a patch: %v", m)
		}
		if got := testserver.Str(ts.Must(http.StatusOK, "GET", "/api/v1/services/"+id, "", nil), "service.fees.en"); got != "SAR 300" {
			t.Errorf("the public reads fees %q before publishing; want SAR 300", got)
		}
		if res, _ = ts.Raw("GET", "/api/v1/services/"+id, "", nil, "If-None-Match", etag); res.Status != http.StatusNotModified {
			t.Errorf("an unpublished edit changed the public ETag")
		}
		ts.Must(http.StatusOK, "POST", "/api/v1/services/"+id+"/publish", k.admin.Token, nil)
		if res, _ = ts.Raw("GET", "/api/v1/services/"+id, "", nil, "If-None-Match", etag); res.Status != http.StatusOK {
			t.Errorf("after publishing, the old ETag still matches (%d)", res.Status)
		}
		versions := testserver.Objects(ts.Must(http.StatusOK, "GET", "/api/v1/services/"+id+"/versions", k.admin.Token, nil), "versions")
		if len(versions) != 2 || testserver.Str(versions[0], "content.fees.en") != "Free" || testserver.Str(versions[1], "content.fees.en") != "SAR 300" {
			t.Errorf("versions: %v", versions)
		}
		ts.Must(http.StatusForbidden, "GET", "/api/v1/services/"+id+"/versions", k.citizen.Token, nil)

		// Search: the same analysis as cases; names before the other texts.
		publish := func(cs testserver.CaseSetup, token, ar, en, desc string) string {
			sid := testserver.Str(ts.Must(http.StatusCreated, "POST", "/api/v1/entities/"+cs.Entity+"/services", token,
				map[string]any{"name_ar": ar, "name_en": en, "description_ar": desc}), "service.id")
			ts.Must(http.StatusOK, "POST", "/api/v1/services/"+sid+"/publish", token, nil)
			return sid
		}
		lost := publish(k.cs, k.admin.Token, "بدل فاقد للهوية", "Lost ID card", "إذا فقدت جواز السفر أو الهوية")
		visa := publish(other, otherAdmin.Token, "تأشيرة زيارة", "Visit visa", "للزوار")
		search := func(q string, params ...string) []string {
			t.Helper()
			path := "/api/v1/services?q=" + url.QueryEscape(q)
			for i := 0; i+1 < len(params); i += 2 {
				path += "&" + params[i] + "=" + params[i+1]
			}
			return ids(testserver.Objects(ts.Must(http.StatusOK, "GET", path, "", nil), "services"))
		}
		for _, tc := range []struct {
			q      string
			params []string
			want   []string
		}{
			{"جواز", nil, []string{id, lost}},     // the name first, then the description
			{"الجوازات", nil, []string{id, lost}}, // article and plural suffix
			{"جَوَاز", nil, []string{id, lost}},   // diacritics
			{"تاشيره", nil, []string{visa}},       // a misspelled تأشيرة
			{"passport", nil, []string{id}},       // English
			{"جواز", []string{"entity_id", other.Entity}, nil},
			{"تأشيرة", []string{"entity_id", k.cs.Entity}, nil},
			{"قطار", nil, nil},
		} {
			if got := search(tc.q, tc.params...); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("search %q %v = %v; want %v", tc.q, tc.params, got, tc.want)
			}
		}
		found := testserver.Objects(ts.Must(http.StatusOK, "GET", "/api/v1/services?q="+url.QueryEscape("جواز"), "", nil), "services")
		if len(found) > 0 && fmt.Sprint(testserver.Get(found[0], "highlights.name_ar")) != "[map[end:10 start:6]]" {
			t.Errorf("highlights of the first result: %v", testserver.Get(found[0], "highlights"))
		}
		if testserver.Str(found[0], "entity.id") != k.cs.Entity {
			t.Errorf("a listed service does not name its entity: %v", found[0])
		}

		// A case about a service: the case type comes from the service.
		c := ts.Must(http.StatusCreated, "POST", "/api/v1/cases", k.citizen.Token, map[string]any{
			"entity_id": k.cs.Entity, "service_id": id, "subject": "استفسار عن تجديد الجواز", "body": "متى يصدر الجواز؟", "priority": "normal"})
		if testserver.Str(c, "case.service_id") != id || testserver.Str(c, "case.case_type_id") != k.cs.CaseType {
			t.Errorf("case about a service: %v", c)
		}
		ts.OpenCase(k.other.Token, k.cs, "سؤال آخر", "نص", "service_id", id)
		ts.OpenCase(k.other.Token, k.cs, "سؤال ثالث", "نص", "service_id", lost)
		for _, bad := range []struct{ entity, service string }{{other.Entity, id}, {k.cs.Entity, "not-an-id"}} {
			st, body := ts.Do("POST", "/api/v1/cases", k.citizen.Token, map[string]any{"entity_id": bad.entity, "case_type_id": other.CaseType,
				"service_id": bad.service, "subject": "طلب خاطئ", "body": "نص", "priority": "normal"})
			wantError(t, st, body, http.StatusBadRequest, "EINVALID", "service_id")
		}
		draft := testserver.Str(ts.Must(http.StatusCreated, "POST", base, k.admin.Token, map[string]any{"name_ar": "مسودة", "name_en": "Draft"}), "service.id")
		st, body = ts.Do("POST", "/api/v1/cases", k.citizen.Token, map[string]any{"entity_id": k.cs.Entity, "case_type_id": k.cs.CaseType,
			"service_id": draft, "subject": "طلب عن مسودة", "body": "نص", "priority": "normal"})
		wantError(t, st, body, http.StatusBadRequest, "EINVALID", "service_id")

		// Which services generate the most cases.
		oversight := ts.CreateUser(&jihat.User{Role: jihat.RoleOversight})
		stats := testserver.Objects(ts.Must(http.StatusOK, "GET", "/api/v1/stats/services", oversight.Token, nil), "services")
		if len(stats) != 2 || testserver.Str(stats[0], "service_id") != id || testserver.Get(stats[0], "cases") != float64(2) ||
			testserver.Str(stats[0], "name_en") != "Passport renewal" || testserver.Get(stats[1], "cases") != float64(1) {
			t.Errorf("service stats: %v", stats)
		}
		own := testserver.Objects(ts.Must(http.StatusOK, "GET", "/api/v1/stats/services?entity_id="+k.cs.Entity, k.admin.Token, nil), "services")
		if len(own) != 2 {
			t.Errorf("the entity admin's stats: %v", own)
		}
		ts.Must(http.StatusForbidden, "GET", "/api/v1/stats/services?entity_id="+k.cs.Entity, otherAdmin.Token, nil)
		ts.Must(http.StatusForbidden, "GET", "/api/v1/stats/services?entity_id="+k.cs.Entity, k.supervisor.Token, nil)
	})
}
