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
		if err := raw.Exec("UPDATE cases SET search_reply = '', search_reply_stem = '', search_note = '', search_note_stem = '', search_ver = 0").Error; err != nil {
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
