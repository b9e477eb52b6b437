package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// TestSearchComments: a case is found by the words of its public replies
// by everyone who sees it, and by the words of its internal notes only
// when the query asks for notes (staff who may read them); the same after
// the rows are re-indexed from their events; on both databases.
func TestSearchComments(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		staff := w.staff(t, s, 100)
		c := w.mustCase(t, s, "طلب", "نص")
		other := w.mustCase(t, s, "الميزانية", "نص") // a note's word in another case's subject
		comment := func(vis jihat.Visibility, actor, body string) {
			update(t, s, c.ID, func(m *store.CaseTx) error {
				_, err := m.Event(jihat.CaseEventComment, actor, vis, jihat.CommentData{Body: body})
				return err
			})
		}
		comment(jihat.VisibilityPublic, staff.ID, "سيتم إصلاح العمود غدا")
		comment(jihat.VisibilityInternal, staff.ID, "المقاول متأخر بسبب الميزانية")
		comment(jihat.VisibilityPublic, w.Requester.ID, "شكرا على الرد")

		check := func(t *testing.T) {
			for _, tc := range []struct {
				name string
				q    store.CaseQuery
				want []string
			}{
				{"requester, a reply's word", store.CaseQuery{RequesterID: w.Requester.ID, Terms: jihat.ParseSearch("العمود")}, []string{c.ID}},
				{"requester, a reply's stem", store.CaseQuery{RequesterID: w.Requester.ID, Terms: jihat.ParseSearch("والعمود")}, []string{c.ID}},
				{"requester, their own reply", store.CaseQuery{RequesterID: w.Requester.ID, Terms: jihat.ParseSearch("الرد")}, []string{c.ID}},
				{"requester, a note's word", store.CaseQuery{RequesterID: w.Requester.ID, Terms: jihat.ParseSearch("المقاول")}, nil},
				{"requester, a note's phrase", store.CaseQuery{RequesterID: w.Requester.ID, Terms: jihat.ParseSearch("المقاول متأخر")}, nil},
				{"requester, a note's word that is also a subject", store.CaseQuery{RequesterID: w.Requester.ID, Terms: jihat.ParseSearch("الميزانية")}, []string{other.ID}},
				{"staff without notes", store.CaseQuery{EntityID: w.Entity.ID, Terms: jihat.ParseSearch("المقاول")}, nil},
				{"staff with notes", store.CaseQuery{EntityID: w.Entity.ID, Notes: true, Terms: jihat.ParseSearch("المقاول")}, []string{c.ID}},
				{"staff with notes, a note's stem", store.CaseQuery{EntityID: w.Entity.ID, Notes: true, Terms: jihat.ParseSearch("مقاول")}, []string{c.ID}},
				{"staff with notes, subject first", store.CaseQuery{EntityID: w.Entity.ID, Notes: true, Terms: jihat.ParseSearch("الميزانية")}, []string{other.ID, c.ID}},
				{"staff, reply and note words", store.CaseQuery{EntityID: w.Entity.ID, Notes: true, Terms: jihat.ParseSearch("العمود المقاول")}, []string{c.ID}},
			} {
				got, _, err := s.ListCases(ctx, tc.q)
				if err != nil {
					t.Fatal(err)
				}
				var ids []string
				for _, x := range got {
					ids = append(ids, x.ID)
				}
				if fmt.Sprint(ids) != fmt.Sprint(tc.want) {
					t.Errorf("%s: %v; want %v", tc.name, ids, tc.want)
				}
			}
		}
		t.Run("as written", check)
		raw := b.Raw(t)
		if err := raw.Exec("DELETE FROM case_comment_words").Error; err != nil {
			t.Fatal(err)
		}
		if err := raw.Exec("UPDATE cases SET search_ver = 0").Error; err != nil {
			t.Fatal(err)
		}
		for {
			n, err := s.ReindexSearch(ctx, 1)
			if err != nil {
				t.Fatal(err)
			}
			if n == 0 {
				break
			}
		}
		t.Run("re-indexed", check)
	})
}

// TestSearchCommentRows: comments are rows of their own, yet a case is one
// result, in the first tier its text or any one comment matches, newest
// case first; pages of one give the same list; internal notes count only
// for a query that asks for them; on both databases.
func TestSearchCommentRows(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		staff := w.staff(t, s, 100)
		comment := func(c *jihat.Case, vis jihat.Visibility, body string) {
			update(t, s, c.ID, func(m *store.CaseTx) error {
				_, err := m.Event(jihat.CaseEventComment, staff.ID, vis, jihat.CommentData{Body: body})
				return err
			})
		}
		names := map[string]string{}
		mk := func(name, subject string) *jihat.Case {
			c := w.mustCase(t, s, subject, "نص")
			names[c.ID] = name
			return c
		}
		a := mk("A", "نافذة الصف")
		bb := mk("B", "طلب")
		for range 3 {
			comment(bb, jihat.VisibilityPublic, "النافذة في الممر")
		}
		c := mk("C", "طلب")
		comment(c, jihat.VisibilityInternal, "نافذة مكسورة منذ شهر") // a note: the phrase, for staff only
		d := mk("D", "نافذة مكسورة")
		comment(d, jihat.VisibilityPublic, "نافذة")
		e := mk("E", "طلب")
		comment(e, jihat.VisibilityPublic, "شكرا")
		comment(e, jihat.VisibilityPublic, "وجدنا نافذة مكسورة في المبنى")
		f := mk("F", "مكسورة")                        // one word here,
		comment(f, jihat.VisibilityPublic, "النافذة") // the other in a reply: some words
		_ = a
		for _, tc := range []struct {
			notes bool
			want  string
		}{
			{true, "[E D C F B A]"},
			{false, "[E D F B A]"},
		} {
			q := store.CaseQuery{EntityID: w.Entity.ID, Notes: tc.notes, Terms: jihat.ParseSearch("نافذة مكسورة")}
			for _, limit := range []int{50, 1, 2} {
				q.Limit, q.Cursor = limit, ""
				var got []string
				for range 20 {
					cases, next, err := s.ListCases(ctx, q)
					if err != nil {
						t.Fatal(err)
					}
					for _, x := range cases {
						got = append(got, names[x.ID])
					}
					if next == "" {
						break
					}
					q.Cursor = next
				}
				if fmt.Sprint(got) != tc.want {
					t.Errorf("notes %v, pages of %d: %v; want %s", tc.notes, limit, got, tc.want)
				}
			}
		}
		// A requester's search (their few cases, compared row by row).
		got, _, err := s.ListCases(ctx, store.CaseQuery{RequesterID: w.Requester.ID, Terms: jihat.ParseSearch("نافذة مكسورة")})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, x := range got {
			ids = append(ids, names[x.ID])
		}
		if fmt.Sprint(ids) != "[E D F B A]" {
			t.Errorf("requester: %v; want [E D F B A]", ids)
		}
	})
}

// TestSearchCommentMigration: a database of before migration 55 (comments
// in columns of the case, no comment rows) is migrated by two nodes
// starting together: the columns are gone, every comment has its row, and
// notes stay staff-only.
func TestSearchCommentMigration(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s, s2 := b.Open(t), b.Open(t)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		staff := w.staff(t, s, 100)
		for i := range 5 {
			c := w.mustCase(t, s, fmt.Sprintf("طلب %d", i), "نص")
			for _, cm := range []struct {
				vis  jihat.Visibility
				body string
			}{{jihat.VisibilityPublic, "سيتم إصلاح العمود"}, {jihat.VisibilityInternal, "المقاول متأخر"}, {jihat.VisibilityPublic, "شكرا"}} {
				update(t, s, c.ID, func(m *store.CaseTx) error {
					_, err := m.Event(jihat.CaseEventComment, staff.ID, cm.vis, jihat.CommentData{Body: cm.body})
					return err
				})
			}
		}
		w.mustCase(t, s, "بلا تعليق", "نص")
		raw := b.Raw(t)
		old := []string{"DELETE FROM schema_migrations WHERE version = 55", "DROP TABLE case_comment_words"}
		if b.Name != "postgres" {
			old = append(old, "DROP TABLE case_comment_fts") // its triggers went with case_comment_words
		}
		for _, col := range []string{"search_reply", "search_reply_stem", "search_note", "search_note_stem"} {
			old = append(old, "ALTER TABLE cases ADD COLUMN "+col+" TEXT NOT NULL DEFAULT 'قديم'")
		}
		for _, q := range old {
			if err := raw.Exec(q).Error; err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		errs := make(chan error, 2)
		for _, st := range []*store.Store{s, s2} {
			go func() { _, err := st.Migrate(ctx); errs <- err }()
		}
		for range 2 {
			if err := <-errs; err != nil {
				t.Fatal(err)
			}
		}
		var cols int
		q := "SELECT count(*) FROM pragma_table_info('cases') WHERE name LIKE 'search_reply%' OR name LIKE 'search_note%'"
		if b.Name == "postgres" {
			q = "SELECT count(*) FROM information_schema.columns WHERE table_name = 'cases' AND table_schema = current_schema() AND (column_name LIKE 'search_reply%' OR column_name LIKE 'search_note%')"
		}
		if err := raw.Raw(q).Scan(&cols).Error; err != nil || cols != 0 {
			t.Errorf("%d comment columns left in cases (%v)", cols, err)
		}
		if n := b.Count(t, raw, "case_comment_words"); n != 15 {
			t.Errorf("%d comment rows; want 15", n)
		}
		for _, tc := range []struct {
			notes bool
			q     string
			want  int
		}{{false, "العمود", 5}, {false, "المقاول", 0}, {true, "المقاول", 5}, {true, "قديم", 0}} {
			got, _, err := s2.ListCases(ctx, store.CaseQuery{EntityID: w.Entity.ID, Notes: tc.notes, Terms: jihat.ParseSearch(tc.q)})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != tc.want {
				t.Errorf("notes %v, %q: %d cases; want %d", tc.notes, tc.q, len(got), tc.want)
			}
		}
	})
}
