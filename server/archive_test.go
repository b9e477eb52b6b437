package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/media"
)

// Tests of GET /api/v1/attachments, the document archive: search by name
// (Arabic normalised), kind, dates, case number and case; pagination; scope.

// archiveNames returns the names of what r finds with query, sorted.
func (w *attWorld) archiveNames(t *testing.T, r attRole, query string) []string {
	t.Helper()
	var out []string
	for _, a := range w.archive(t, r, query) {
		out = append(out, testserver.Str(a, "name"))
	}
	slices.Sort(out)
	return out
}

func sorted(s ...string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func TestArchive(t *testing.T) {
	attOnBothDatabases(t, func(t *testing.T, db []testserver.Option) {
		clock := newSettableClock()
		w := newAttWorld(t, media.Config{}, append(db, withClock(clock))...)
		case1 := w.caseID
		case2, number2 := w.openCase(t, attRequester)
		case3, _ := w.openCase(t, attOtherCitizen)
		pub, internal := jihat.VisibilityPublic, jihat.VisibilityInternal

		// Group A, then (a second later on the server's clock: created_at
		// has whole seconds) group B, so a date range can split them.
		type upload struct {
			r              attRole
			caseID, sample string
			name           string
			vis            jihat.Visibility
		}
		groupA := []upload{
			{attRequester, case1, "doc.pdf", "تقرير الحالة.pdf", pub},
			{attRequester, case1, "image.png", "صورة الهوية.png", pub},
			{attAssignee, case1, "doc.docx", "إقرار المالك.docx", pub},
			{attRequester, case1, "voice.ogg", "تسجيل صوتي.ogg", pub},
		}
		groupB := []upload{
			{attRequester, case2, "doc.pdf", "تقرير نهائي.pdf", pub},
			{attAssignee, case2, "doc.pdf", "مذكرة داخلية.pdf", internal},
			{attOtherCitizen, case3, "image.jpg", "فاتورة 2026 تقرير.jpg", pub},
		}
		var firstA, firstB map[string]any
		for _, u := range groupA {
			a := w.mustUploadSample(t, u.r, u.caseID, u.sample, u.name, u.vis)
			if firstA == nil {
				firstA = a
			}
		}
		clock.Add(time.Second)
		for _, u := range groupB {
			a := w.mustUploadSample(t, u.r, u.caseID, u.sample, u.name, u.vis)
			if firstB == nil {
				firstB = a
			}
		}
		atA, _ := time.Parse(time.RFC3339, testserver.Str(firstA, "created_at"))
		atB, _ := time.Parse(time.RFC3339, testserver.Str(firstB, "created_at"))
		if !atB.After(atA) {
			t.Fatalf("group B created at %v, not after group A's %v", atB, atA)
		}
		all := []string{"تقرير الحالة.pdf", "صورة الهوية.png", "إقرار المالك.docx", "تسجيل صوتي.ogg",
			"تقرير نهائي.pdf", "مذكرة داخلية.pdf", "فاتورة 2026 تقرير.jpg"}
		requesterSees := []string{"تقرير الحالة.pdf", "صورة الهوية.png", "إقرار المالك.docx", "تسجيل صوتي.ogg", "تقرير نهائي.pdf"}
		ts := func(t time.Time) string { return url.QueryEscape(t.Format(time.RFC3339)) }

		tests := []struct {
			name  string
			r     attRole
			query string
			want  []string
		}{
			{"everything, staff", attSupervisor, "", all},
			{"everything, requester", attRequester, "", requesterSees},
			{"everything, other citizen", attOtherCitizen, "", []string{"فاتورة 2026 تقرير.jpg"}},
			{"word", attRequester, "q=" + url.QueryEscape("تقرير"), []string{"تقرير الحالة.pdf", "تقرير نهائي.pdf"}},
			{"word, staff", attSupervisor, "q=" + url.QueryEscape("تقرير"), []string{"تقرير الحالة.pdf", "تقرير نهائي.pdf", "فاتورة 2026 تقرير.jpg"}},
			{"diacritics ignored", attRequester, "q=" + url.QueryEscape("تَقْرِير"), []string{"تقرير الحالة.pdf", "تقرير نهائي.pdf"}},
			{"hamza ignored", attRequester, "q=" + url.QueryEscape("اقرار"), []string{"إقرار المالك.docx"}},
			{"taa marbuta as heh", attRequester, "q=" + url.QueryEscape("الحاله"), []string{"تقرير الحالة.pdf"}},
			{"two words", attRequester, "q=" + url.QueryEscape("تقرير الحالة"), []string{"تقرير الحالة.pdf"}},
			{"part of a word", attRequester, "q=" + url.QueryEscape("هوي"), []string{"صورة الهوية.png"}},
			{"Arabic-Indic digits", attSupervisor, "q=" + url.QueryEscape("٢٠٢٦"), []string{"فاتورة 2026 تقرير.jpg"}},
			{"extension", attRequester, "q=PDF", []string{"تقرير الحالة.pdf", "تقرير نهائي.pdf"}},
			{"no match", attSupervisor, "q=" + url.QueryEscape("عقد"), nil},
			{"kind image", attSupervisor, "kind=image", []string{"صورة الهوية.png", "فاتورة 2026 تقرير.jpg"}},
			{"kind audio", attSupervisor, "kind=audio", []string{"تسجيل صوتي.ogg"}},
			{"kind document", attRequester, "kind=document", []string{"تقرير الحالة.pdf", "إقرار المالك.docx", "تقرير نهائي.pdf"}},
			{"kind and word", attSupervisor, "kind=document&q=" + url.QueryEscape("تقرير"), []string{"تقرير الحالة.pdf", "تقرير نهائي.pdf"}},
			{"case number", attSupervisor, "number=" + number2, []string{"تقرير نهائي.pdf", "مذكرة داخلية.pdf"}},
			{"case number, requester", attRequester, "number=" + number2, []string{"تقرير نهائي.pdf"}},
			{"case", attSupervisor, "case_id=" + case1, []string{"تقرير الحالة.pdf", "صورة الهوية.png", "إقرار المالك.docx", "تسجيل صوتي.ogg"}},
			{"another citizen's case", attRequester, "case_id=" + case3, nil},
			{"a client's documents", attSupervisor, "requester_id=" + w.acct[attOtherCitizen].ID, []string{"فاتورة 2026 تقرير.jpg"}},
			{"another client, as a citizen", attRequester, "requester_id=" + w.acct[attOtherCitizen].ID, nil},
			{"an entity's documents", attOversight, "entity_id=" + w.entity, []string{"تقرير الحالة.pdf", "صورة الهوية.png", "إقرار المالك.docx", "تسجيل صوتي.ogg", "تقرير نهائي.pdf", "فاتورة 2026 تقرير.jpg"}},
			{"another entity's, as staff", attOtherEntity, "entity_id=" + w.entity, nil},
			{"from B", attSupervisor, "from=" + ts(atB), []string{"تقرير نهائي.pdf", "مذكرة داخلية.pdf", "فاتورة 2026 تقرير.jpg"}},
			{"to B", attSupervisor, "to=" + ts(atB), []string{"تقرير الحالة.pdf", "صورة الهوية.png", "إقرار المالك.docx", "تسجيل صوتي.ogg"}},
			{"from B, another time zone", attSupervisor, "from=" + ts(atB.In(time.FixedZone("AST", 3*3600))), []string{"تقرير نهائي.pdf", "مذكرة داخلية.pdf", "فاتورة 2026 تقرير.jpg"}},
			{"from A to B", attSupervisor, "from=" + ts(atA) + "&to=" + ts(atB), []string{"تقرير الحالة.pdf", "صورة الهوية.png", "إقرار المالك.docx", "تسجيل صوتي.ogg"}},
			{"before A", attSupervisor, "to=" + ts(atA), nil},
			{"after B", attSupervisor, "from=" + ts(atB.Add(time.Hour)), nil},
			{"dates and a word", attRequester, "from=" + ts(atB) + "&q=" + url.QueryEscape("تقرير"), []string{"تقرير نهائي.pdf"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if got, want := w.archiveNames(t, tt.r, tt.query), sorted(tt.want...); !slices.Equal(got, want) {
					t.Errorf("%s finds %q, want %q", tt.query, got, want)
				}
			})
		}

		t.Run("pagination", func(t *testing.T) {
			for _, limit := range []int{1, 2, 3, 7, 100} {
				var ids, names []string
				var last time.Time
				cursor, pages := "", 0
				for {
					q := "limit=" + strconv.Itoa(limit)
					if cursor != "" {
						q += "&cursor=" + cursor
					}
					m := w.ts.For(t).Must(http.StatusOK, "GET", "/api/v1/attachments?"+q, w.token(attSupervisor), nil)
					page := m["attachments"].([]any)
					pages++
					if len(page) > limit {
						t.Fatalf("limit %d: a page of %d", limit, len(page))
					}
					for _, a := range page {
						at, _ := time.Parse(time.RFC3339, testserver.Str(a, "created_at"))
						if !last.IsZero() && at.After(last) {
							t.Errorf("limit %d: %s after an older attachment (want newest first)", limit, testserver.Str(a, "name"))
						}
						last = at
						ids = append(ids, testserver.Str(a, "id"))
						names = append(names, testserver.Str(a, "name"))
					}
					if cursor = testserver.Str(m, "next_cursor"); cursor == "" {
						break
					}
					if len(page) != limit {
						t.Errorf("limit %d: a short page (%d) with a next cursor", limit, len(page))
					}
				}
				if wantPages := (len(all) + limit - 1) / limit; pages != wantPages && pages != wantPages+1 {
					t.Errorf("limit %d: %d pages, want %d", limit, pages, wantPages)
				}
				if len(ids) != len(all) || len(slices.Compact(slices.Sorted(slices.Values(ids)))) != len(all) {
					t.Errorf("limit %d: %d attachments (%d distinct), want each of the %d once", limit, len(ids), len(slices.Compact(slices.Sorted(slices.Values(ids)))), len(all))
				}
				slices.Sort(names)
				if !slices.Equal(names, sorted(all...)) {
					t.Errorf("limit %d: %q, want %q", limit, names, sorted(all...))
				}
			}
		})

		t.Run("bad parameters", func(t *testing.T) {
			for q, field := range map[string]string{
				"kind=video": "kind", "number=abc": "number", "limit=0": "limit", "limit=101": "limit",
				"cursor=abc": "cursor", "case_id=1": "case_id", "requester_id=x": "requester_id", "entity_id=x": "entity_id",
				"from=yesterday": "from", "to=2026-13-01": "to", "q=" + strings.Repeat("a", 201): "q",
			} {
				status, body := w.ts.For(t).Do("GET", "/api/v1/attachments?"+q, w.token(attSupervisor), nil)
				wantError(t, status, body, http.StatusBadRequest, jihat.EINVALID, field)
			}
		})
	})
}
