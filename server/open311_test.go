package server_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/jihat/jihat/internal/testserver"
)

// TestOpen311 reads the guide through the Open311 GeoReport v2 adapter
// (published services only, both languages, the definition, ETag) and
// filters the guide by sector.
func TestOpen311(t *testing.T) {
	onBothDatabases(t, func(t *testing.T, ts *testserver.TestServer) {
		admin := ts.Admin()
		gov := ts.CreateEntity(admin)
		charity := testserver.Str(ts.Must(http.StatusCreated, "POST", "/api/v1/entities", admin, map[string]any{
			"name_ar": "جمعية البر", "name_en": "Al-Birr Society", "sector": "nonprofit"}), "id")
		create := func(entity string, body map[string]any, publish bool) string {
			t.Helper()
			id := testserver.Str(ts.Must(http.StatusCreated, "POST", "/api/v1/entities/"+entity+"/services", admin, body), "service.id")
			if publish {
				ts.Must(http.StatusOK, "POST", "/api/v1/services/"+id+"/publish", admin, nil)
			}
			return id
		}
		passport := create(gov, passportService(""), true)
		draft := create(gov, map[string]any{"name_ar": "خدمة مسودة", "name_en": "Draft service"}, false)
		food := create(charity, map[string]any{"name_ar": "سلة غذائية", "name_en": "Food basket",
			"description_ar": "سلة غذائية شهرية للأسر المحتاجة"}, true)

		list := func(t *testing.T, query string, headers ...string) []map[string]any {
			t.Helper()
			res, err := ts.Raw("GET", "/open311/v2/services.json"+query, "", nil, headers...)
			if err != nil || res.Status != http.StatusOK {
				t.Fatalf("services.json%s: %v %v", query, res, err)
			}
			var out []map[string]any
			if err := json.Unmarshal(res.Body, &out); err != nil {
				t.Fatalf("services.json is not a JSON array: %v: %s", err, res.Body)
			}
			return out
		}
		byCode := func(l []map[string]any) map[string]map[string]any {
			out := map[string]map[string]any{}
			for _, s := range l {
				out[testserver.Str(s, "service_code")] = s
			}
			return out
		}

		t.Run("service list", func(t *testing.T) {
			all := byCode(list(t, ""))
			if all[draft] != nil {
				t.Errorf("a draft is in the Open311 list: %v", all[draft])
			}
			p := all[passport]
			if p == nil || all[food] == nil {
				t.Fatalf("the published services are missing: %v", all)
			}
			want := map[string]any{"service_name": "تجديد جواز السفر", "description": "تجديد جواز السفر للمواطنين قبل انتهاء صلاحيته",
				"metadata": false, "type": "realtime", "sector": "government", "entity_id": gov, "url": "https://example.gov.sa/passport"}
			for k, v := range want {
				if p[k] != v {
					t.Errorf("%s = %v; want %v", k, p[k], v)
				}
			}
			if g := testserver.Str(p, "group"); g == "" || g[0] < 0x80 {
				t.Errorf("group = %q; want the entity's Arabic name", g)
			}
			if kw := testserver.Str(p, "keywords"); kw != "تجديد,جواز,السفر,passport,renewal" {
				t.Errorf("keywords = %q", kw)
			}
			en := byCode(list(t, "?lang=en"))[passport]
			if en["service_name"] != "Passport renewal" || en["description"] != "Renew a passport before it expires" {
				t.Errorf("lang=en: %v", en)
			}
			if hdr := byCode(list(t, "", "Accept-Language", "en"))[passport]; hdr["service_name"] != "Passport renewal" {
				t.Errorf("Accept-Language en: %v", hdr)
			}
			// No English description: the Arabic one.
			if f := byCode(list(t, "?lang=en"))[food]; f["description"] != "سلة غذائية شهرية للأسر المحتاجة" || f["group"] != "Al-Birr Society" {
				t.Errorf("lang=en without an English description: %v", f)
			}
			only := byCode(list(t, "?sector=nonprofit"))
			if len(only) != 1 || only[food] == nil {
				t.Errorf("sector=nonprofit: %v", only)
			}
			if l := list(t, "?entity_id="+gov); len(l) != 1 || l[0]["service_code"] != passport {
				t.Errorf("entity_id: %v", l)
			}
			for _, bad := range []string{"?lang=fr", "?sector=army", "?entity_id=x"} {
				res, _ := ts.Raw("GET", "/open311/v2/services.json"+bad, "", nil)
				if res.Status != http.StatusBadRequest {
					t.Errorf("services.json%s: %d; want 400", bad, res.Status)
				}
			}
		})

		t.Run("definition", func(t *testing.T) {
			res, err := ts.Raw("GET", "/open311/v2/services/"+passport+".json", "", nil)
			if err != nil || res.Status != http.StatusOK {
				t.Fatalf("definition: %v %v", res, err)
			}
			var def map[string]any
			if err := json.Unmarshal(res.Body, &def); err != nil {
				t.Fatal(err)
			}
			if def["service_code"] != passport || def["attributes"] == nil || len(def["attributes"].([]any)) != 0 {
				t.Errorf("definition: %v", def)
			}
			etag := res.Header.Get("ETag")
			if etag == "" || res.Header.Get("Cache-Control") != "public, max-age=60, must-revalidate" {
				t.Errorf("headers: %v", res.Header)
			}
			again, _ := ts.Raw("GET", "/open311/v2/services/"+passport+".json", "", nil, "If-None-Match", etag)
			if again.Status != http.StatusNotModified {
				t.Errorf("If-None-Match: %d; want 304", again.Status)
			}
			for _, path := range []string{draft + ".json", passport, "nothing.json", "00000000-0000-7000-8000-000000000000.json"} {
				res, _ := ts.Raw("GET", "/open311/v2/services/"+path, "", nil)
				if res.Status != http.StatusNotFound {
					t.Errorf("services/%s: %d; want 404", path, res.Status)
				}
			}
		})

		t.Run("sector filter of the guide", func(t *testing.T) {
			for sector, want := range map[string]string{"nonprofit": food, "government": passport} {
				m := ts.Must(http.StatusOK, "GET", "/api/v1/services?sector="+sector+"&entity_id="+map[string]string{"nonprofit": charity, "government": gov}[sector], "", nil)
				l := testserver.Objects(m, "services")
				if len(l) != 1 || l[0]["id"] != want {
					t.Errorf("sector=%s: %v", sector, l)
				}
			}
			m := ts.Must(http.StatusOK, "GET", "/api/v1/services?sector=nonprofit&entity_id="+gov, "", nil)
			if l := testserver.Objects(m, "services"); len(l) != 0 {
				t.Errorf("a government entity's services under sector=nonprofit: %v", l)
			}
			m = ts.Must(http.StatusOK, "GET", "/api/v1/services?sector=nonprofit&q=غذائية", "", nil)
			if l := testserver.Objects(m, "services"); len(l) != 1 || l[0]["id"] != food {
				t.Errorf("search within a sector: %v", l)
			}
			ts.Must(http.StatusBadRequest, "GET", "/api/v1/services?sector=army", "", nil)
		})
	})
}
