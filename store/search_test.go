package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Search and lists (ListCases) on both databases: Arabic normalisation on
// both sides, words anywhere in subject or body, case numbers, requesters,
// scope, filters and keyset pagination.

// searchCorpus is what the search table's cases say, oldest first. The tag
// names each.
var searchCorpus = []struct{ tag, subject, body string }{
	{"school", "صيانة المدرسة", "السقف في المدرسة يحتاج إلى إصلاح عاجل"},
	{"school2", "مدرسه الحي", "طلب نقل طالب"},
	{"hospital", "مُسْتَشْفَى الملك", "موعد في المستشفى"},
	{"light", "إنارة الشارع", "أعمدة الإنارة مطفأة منذ أسبوع"},
	{"delay", "تأخيـــر المعاملة", "رقم الطلب ١٢٣٤٥"},
	{"water", "Water leak", "The WATER pipe is broken"},
	{"guidance", "استفسار", "أرجو الإرشاد إلى الإجراء الصحيح للمدرسة"},
	{"schools", "المدارس الحكومية", "نقل بين المدارس"},
}

// TestSearchArabic: what each query finds, in rank order: the exact phrase
// (a word as typed), then every word in any form (stems), then some words,
// each tier newest first; on both databases, read in one page and in pages
// of two.
func TestSearchArabic(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		w.staff(t, s, 100)
		byID := map[string]string{}
		for _, c := range searchCorpus {
			byID[w.mustCase(t, s, c.subject, c.body).ID] = c.tag
		}
		// Another entity's case says the same words: never in this scope.
		other := newCaseWorld(t, s, jihat.AssignRoundRobin)
		other.mustCase(t, s, "صيانة المدرسة", "مستشفى إنارة water")

		for _, tc := range []struct {
			q    string
			want []string
		}{
			// The case: the article and attached particles.
			{"المدرسة", []string{"school", "guidance", "school2"}}, // as typed first
			{"المدرسه", []string{"school", "guidance", "school2"}},
			{"مدرسة", []string{"school2", "guidance", "school"}},
			{"للمدرسة", []string{"guidance", "school2", "school"}},
			{"والمدرسة", []string{"guidance", "school2", "school"}},
			{"مدارس", []string{"schools"}},   // a broken plural: not مدرسة
			{"المدارس", []string{"schools"}}, //
			{"مدرسه", []string{"school2", "guidance", "school"}},
			{"مَدْرَسَة", []string{"school2", "guidance", "school"}}, // diacritics in the query
			{"سقف", []string{"school"}},                              // السقف
			{"مستشفى", []string{"hospital"}},                         // ى = ي, diacritics in the text
			{"مستشفي", []string{"hospital"}},                         //
			{"انارة", []string{"light"}},                             // إ = ا
			{"أنارة", []string{"light"}},                             // أ = ا
			{"مطفاة", []string{"light"}},                             // أ in the middle, ة = ه
			{"تأخير", []string{"delay"}},                             // tatweel in the text
			{"تاخيـر", []string{"delay"}},                            // and in the query
			{"12345", []string{"delay"}},                             // Arabic-Indic digits in the text
			{"١٢٣٤٥", []string{"delay"}},                             // and in the query
			{"WATER", []string{"water"}},                             // case-insensitive
			{"pipe", []string{"water"}},                              // the body
			{"حي", []string{"school2"}},                              // a two-letter word, under its article
			// Several words: all of them before some of them.
			{"مدرسة إصلاح", []string{"school", "guidance", "school2"}},
			{"مدرسه نقل", []string{"school2", "schools", "guidance", "school"}},
			{"نقل مدرسه", []string{"school2", "schools", "guidance", "school"}},
			{"مدرسة مستشفى", []string{"guidance", "hospital", "school2", "school"}},
			{"الإجراء الصحيح", []string{"guidance"}},
			{"صحيح اجراء الارشاد", []string{"guidance"}},
			{"قطار", nil}, // nowhere
			// Query syntax is only text.
			{`"مدرسة" OR * NEAR(a b)`, []string{"guidance", "school2", "school"}},
			{`'; DROP TABLE cases; --`, nil},
			{`مدرسة"`, []string{"school2", "guidance", "school"}},
			{"%مدرسة_", []string{"school2", "guidance", "school"}},
			{"المدرسة\u200f\u200c", []string{"school", "guidance", "school2"}}, // invisible marks
			{"ـــمدرسةـــ", []string{"school2", "guidance", "school"}},         // tatweel around
		} {
			terms := jihat.ParseSearch(tc.q)
			var whole, paged, mine []string
			for i, limit := range []int{50, 2, 2} {
				q := store.CaseQuery{EntityID: w.Entity.ID, Terms: terms, Limit: limit}
				if i == 2 { // the requester's own search: read by the requester's index
					q = store.CaseQuery{RequesterID: w.Requester.ID, Terms: terms, Limit: limit}
				}
				for page := 0; page < 10; page++ {
					got, next, err := s.ListCases(ctx, q)
					if err != nil {
						t.Fatalf("search %q: %v", tc.q, err)
					}
					if len(got) > limit {
						t.Fatalf("search %q: %d results on a page of %d", tc.q, len(got), limit)
					}
					for _, c := range got {
						switch i {
						case 0:
							whole = append(whole, byID[c.ID])
						case 1:
							paged = append(paged, byID[c.ID])
						default:
							mine = append(mine, byID[c.ID])
						}
					}
					if next == "" {
						break
					}
					q.Cursor = next
				}
			}
			if fmt.Sprint(whole) != fmt.Sprint(tc.want) {
				t.Errorf("search %q (terms %q) = %v; want %v", tc.q, terms, whole, tc.want)
			}
			if fmt.Sprint(paged) != fmt.Sprint(whole) {
				t.Errorf("search %q in pages of 2 = %v; in one page %v", tc.q, paged, whole)
			}
			if fmt.Sprint(mine) != fmt.Sprint(whole) {
				t.Errorf("search %q by the requester = %v; by the entity %v", tc.q, mine, whole)
			}
		}
	})
}

// TestSearchKeys: a case number, and the cases of given requesters (search
// by national ID or mobile), within the scope.
func TestSearchKeys(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		w.staff(t, s, 100)
		first := w.mustCase(t, s, "أول", "نص")
		w.mustCase(t, s, "ثان", "نص")
		someone := mustUser(t, s, &jihat.User{Role: jihat.RoleCitizen, Active: true})
		theirs := w.newCase("ثالث", "نص")
		theirs.RequesterID = someone.ID
		if _, err := createCase(ctx, s, theirs, nil); err != nil {
			t.Fatal(err)
		}
		other := newCaseWorld(t, s, jihat.AssignRoundRobin)
		elsewhere := other.newCase("رابع", "نص")
		elsewhere.RequesterID = someone.ID
		if _, err := createCase(ctx, s, elsewhere, nil); err != nil {
			t.Fatal(err)
		}

		ids := func(q store.CaseQuery) []string {
			t.Helper()
			got, _, err := s.ListCases(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, c := range got {
				out = append(out, c.ID)
			}
			return out
		}
		for _, tc := range []struct {
			name string
			q    store.CaseQuery
			want []string
		}{
			{"number", store.CaseQuery{EntityID: w.Entity.ID, Number: first.Number}, []string{first.ID}},
			{"number of another entity", store.CaseQuery{EntityID: other.Entity.ID, Number: first.Number}, nil},
			{"number, requester's own", store.CaseQuery{RequesterID: w.Requester.ID, Number: first.Number}, []string{first.ID}},
			{"number, another requester", store.CaseQuery{RequesterID: someone.ID, Number: first.Number}, nil},
			{"unknown number", store.CaseQuery{AllEntities: true, Number: "1999-000001"}, nil},
			{"requester", store.CaseQuery{EntityID: w.Entity.ID, RequesterIDs: []string{someone.ID}}, []string{theirs.ID}},
			{"requester, every entity", store.CaseQuery{AllEntities: true, RequesterIDs: []string{someone.ID}}, []string{elsewhere.ID, theirs.ID}},
			{"nobody has that ID", store.CaseQuery{AllEntities: true, RequesterIDs: []string{""}}, nil},
			{"no scope", store.CaseQuery{Number: first.Number}, nil},
		} {
			if got := ids(tc.q); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("%s: %v; want %v", tc.name, got, tc.want)
			}
		}
	})
}

// TestListCasesPages: keyset pages are disjoint, newest first, and together
// hold every case exactly once, with each filter.
func TestListCasesPages(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		a, b := w.staff(t, s, 100), w.staff(t, s, 100)
		now := time.Now().UTC().Truncate(time.Second)
		var all []*jihat.Case
		for i := range 5 {
			c := w.newCase(fmt.Sprintf("طلب %d", i), "نص")
			c.DueAt = now.Add(time.Duration(i-2) * time.Hour) // the first two are past due
			if i%2 == 1 {
				c.Priority = jihat.PriorityImportant
			}
			if _, err := createCase(ctx, s, c, nil); err != nil {
				t.Fatal(err)
			}
			all = append(all, c)
		}
		update(t, s, all[0].ID, resolveFn) // past due, but resolved: not late
		pick := func(f func(c *jihat.Case) bool) []string {
			var out []string
			for i := len(all) - 1; i >= 0; i-- { // newest first
				c, _ := s.Case(ctx, all[i].ID)
				if f(c) {
					out = append(out, c.ID)
				}
			}
			return out
		}
		yes, no := true, false
		for _, tc := range []struct {
			name string
			q    store.CaseQuery
			want []string
		}{
			{"all", store.CaseQuery{EntityID: w.Entity.ID}, pick(func(*jihat.Case) bool { return true })},
			{"department", store.CaseQuery{EntityID: w.Entity.ID, DepartmentID: w.Department.ID}, pick(func(*jihat.Case) bool { return true })},
			{"requester", store.CaseQuery{RequesterID: w.Requester.ID}, pick(func(*jihat.Case) bool { return true })},
			{"assignee", store.CaseQuery{EntityID: w.Entity.ID, AssigneeID: a.ID}, pick(func(c *jihat.Case) bool { return c.AssigneeID == a.ID })},
			{"assignee b", store.CaseQuery{AssigneeID: b.ID}, pick(func(c *jihat.Case) bool { return c.AssigneeID == b.ID })},
			{"status", store.CaseQuery{EntityID: w.Entity.ID, Statuses: []jihat.Status{jihat.StatusAssigned}},
				pick(func(c *jihat.Case) bool { return c.Status == jihat.StatusAssigned })},
			{"two statuses", store.CaseQuery{EntityID: w.Entity.ID, Statuses: []jihat.Status{jihat.StatusAssigned, jihat.StatusResolved}},
				pick(func(*jihat.Case) bool { return true })},
			{"priority", store.CaseQuery{EntityID: w.Entity.ID, Priority: jihat.PriorityImportant},
				pick(func(c *jihat.Case) bool { return c.Priority == jihat.PriorityImportant })},
			{"late", store.CaseQuery{EntityID: w.Entity.ID, Late: &yes, Now: now}, []string{all[1].ID}},
			{"not late", store.CaseQuery{EntityID: w.Entity.ID, Late: &no, Now: now}, pick(func(c *jihat.Case) bool { return c.ID != all[1].ID })},
			{"late later", store.CaseQuery{EntityID: w.Entity.ID, Late: &yes, Now: now.Add(3 * time.Hour)}, pick(func(c *jihat.Case) bool { return c.ID != all[0].ID })},
			{"other entity", store.CaseQuery{EntityID: newCaseWorld(t, s, jihat.AssignRoundRobin).Entity.ID}, nil},
		} {
			t.Run(tc.name, func(t *testing.T) {
				var got []string
				q := tc.q
				q.Limit = 2
				for page := 0; ; page++ {
					cases, next, err := s.ListCases(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					if len(cases) > 2 {
						t.Fatalf("page %d has %d cases; limit 2", page, len(cases))
					}
					for _, c := range cases {
						got = append(got, c.ID)
					}
					if next == "" {
						break
					}
					if len(cases) != 2 || next != cases[1].ID || page > 5 {
						t.Fatalf("page %d: %d cases, cursor %q", page, len(cases), next)
					}
					q.Cursor = next
				}
				if fmt.Sprint(got) != fmt.Sprint(tc.want) {
					t.Errorf("pages hold %v;\nwant %v", got, tc.want)
				}
			})
		}
	})
}

// TestSearchIndexUsable: the databases the tests run on can index Arabic
// words (on PostgreSQL, a UTF-8 LC_CTYPE: scripts/services.sh), so the
// search figures in docs/BENCHMARKS.md are the index's, not a table scan's.
func TestSearchIndexUsable(t *testing.T) {
	forEachStore(t, func(t *testing.T, s *store.Store) {
		ok, err := s.SearchIndexUsable(context.Background())
		if err != nil || !ok {
			t.Fatalf("SearchIndexUsable = %v, %v", ok, err)
		}
	})
}

// TestSearchReindex: rows indexed before the stems existed (as migration 5
// left them) are re-indexed in batches that survive a stop half-way, and
// two nodes starting together share the rest without error.
func TestSearchReindex(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s, s2 := b.Open(t), b.Open(t)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		w.staff(t, s, 100)
		for i := range 7 {
			w.mustCase(t, s, fmt.Sprintf("طلب %d", i), "نقل الطالب إلى المدرسة")
		}
		raw := b.Raw(t)
		if err := raw.Exec("UPDATE cases SET search_stem = '', search_ver = 0").Error; err != nil {
			t.Fatal(err)
		}
		found := func() int {
			t.Helper()
			got, _, err := s.ListCases(ctx, store.CaseQuery{EntityID: w.Entity.ID, Terms: jihat.ParseSearch("مدرسة")})
			if err != nil {
				t.Fatal(err)
			}
			return len(got)
		}
		if n := found(); n != 0 {
			t.Fatalf("before re-indexing, the stem finds %d cases", n)
		}
		// One batch, then the node stops: those rows are done for good.
		if n, err := s.ReindexSearch(ctx, 3); err != nil || n != 3 {
			t.Fatalf("ReindexSearch = %d, %v; want 3", n, err)
		}
		if n := found(); n != 3 {
			t.Fatalf("after one batch the stem finds %d cases; want 3", n)
		}
		// Two nodes start together and finish the rest.
		errs := make(chan error, 2)
		for _, st := range []*store.Store{s, s2} {
			go func() { _, err := st.Migrate(ctx); errs <- err }()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		var left int64
		if err := raw.Table("cases").Where("search_ver < ?", jihat.SearchVersion).Count(&left).Error; err != nil || left != 0 {
			t.Fatalf("%d rows left of an older version (%v)", left, err)
		}
		if n := found(); n != 7 {
			t.Fatalf("after re-indexing the stem finds %d cases; want 7", n)
		}
	})
}

// TestSearchSpellings: a word written with a hamza or an alef maqsura that
// changes its stem is still found by its exact form, as before the stems
// were asked first (PostgreSQL asks "a stem, or the exact form with one of
// its spelling stems": jihat.SearchTerm.SpellingStems), and the spelling
// stems find nothing the exact form would not.
func TestSearchSpellings(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		w.staff(t, s, 100)
		byID := map[string]string{}
		for _, c := range [][3]string{
			{"school-hamza", "ألمدرسة القديمة", "والجديدة"}, // stem المدرس, not مدرس
			{"school", "المدرسة", "بلا عنوان"},
			{"cancel", "إلغاء الموعد", "نص"}, // stem الغاء, not غاء
			{"cancel2", "الإلغاء", "نص"},     // stem الغاء
			{"inspire", "إلهام", "نص"},       // stem الهام
			{"important", "أمر هام", "نص"},   // stem هام
			{"date", "موعد آخر", "نص"},
		} {
			byID[w.mustCase(t, s, c[1], c[2]).ID] = c[0]
		}
		for _, tc := range []struct {
			q    string
			want []string
		}{
			{"المدرسه جديده", []string{"school-hamza", "school"}}, // every word, then some
			{"الغاء موعد", []string{"cancel", "date"}},            // every word, then the newer "some"
			{"موعد الغاء", []string{"cancel", "date"}},
			{"إلغاء", []string{"cancel", "cancel2"}},
			{"إلهام", []string{"inspire"}},              // not هام
			{"الهام", []string{"inspire", "important"}}, // as typed, then its stem
		} {
			got, _, err := s.ListCases(ctx, store.CaseQuery{EntityID: w.Entity.ID, Terms: jihat.ParseSearch(tc.q)})
			if err != nil {
				t.Fatal(err)
			}
			var tags []string
			for _, c := range got {
				tags = append(tags, byID[c.ID])
			}
			if fmt.Sprint(tags) != fmt.Sprint(tc.want) {
				t.Errorf("search %q = %v; want %v", tc.q, tags, tc.want)
			}
		}
	})
}
