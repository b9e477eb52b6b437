package store_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// TestGroupCommitTouch: a comment's case times are written by its group at
// the end, in one statement with the group's other touches (group_touch.go),
// while a change of another column writes the row at once. 16 writers mix
// public comments (both times move), internal notes (only updated_at),
// priority changes (the row at once) and refused comments (their groups run
// again without them) on three cases; each case's stored times are then the
// latest its accepted changes returned, and a priority change is kept.
func TestGroupCommitTouch(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		ctx := context.Background()
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		emp := w.staff(t, s, 3)
		cases := make([]*jihat.Case, 3)
		for i := range cases {
			cases[i] = w.mustCase(t, s, "موضوع", "نص")
		}
		type latest struct{ updated, public, prioAt time.Time }
		var (
			mu   sync.Mutex
			want = map[string]*latest{}
			prio = map[string]jihat.Priority{}
		)
		for _, c := range cases {
			want[c.ID] = &latest{updated: c.UpdatedAt, public: c.PublicUpdatedAt}
		}
		const writers, each = 16, 12
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				for j := range each {
					c := cases[(i+j)%len(cases)]
					kind := (i*each + j) % 5
					var p jihat.Priority
					got, _, err := s.UpdateCase(ctx, c.ID, act("case.touch"), func(m *store.CaseTx) error {
						vis := jihat.VisibilityPublic
						switch kind {
						case 1:
							vis = jihat.VisibilityInternal
						case 2:
							p = []jihat.Priority{jihat.PriorityNormal, jihat.PriorityImportant, jihat.PriorityVeryImportant}[(i+j)%3]
							m.Case.Priority = p
							return nil
						}
						if _, err := m.Event(jihat.CaseEventComment, emp.ID, vis, jihat.CommentData{Body: fmt.Sprintf("w%d-%d", i, j)}); err != nil {
							return err
						}
						if kind == 4 {
							return jihat.Errorf(jihat.ECONFLICT, "refused")
						}
						return nil
					})
					if kind == 4 {
						if err == nil {
							t.Error("a refused change was accepted")
						}
						continue
					}
					if err != nil {
						t.Error(err)
						continue
					}
					mu.Lock()
					l := want[c.ID]
					if got.UpdatedAt.After(l.updated) {
						l.updated = got.UpdatedAt
					}
					if kind == 2 && got.UpdatedAt.After(l.prioAt) {
						l.prioAt, prio[c.ID] = got.UpdatedAt, p
					}
					if got.PublicUpdatedAt.After(l.public) {
						l.public = got.PublicUpdatedAt
					}
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		for _, c := range cases {
			got, err := s.Case(ctx, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			l := want[c.ID]
			if !got.UpdatedAt.Equal(l.updated) || !got.PublicUpdatedAt.Equal(l.public) {
				t.Errorf("case %s stored updated %v, public %v; want the latest returned: %v, %v",
					c.Number, got.UpdatedAt, got.PublicUpdatedAt, l.updated, l.public)
			}
			if p, ok := prio[c.ID]; ok && got.Priority != p {
				t.Errorf("case %s priority %s; want %s (the last change of it)", c.Number, got.Priority, p)
			}
			if !got.PublicUpdatedAt.After(c.PublicUpdatedAt) {
				t.Errorf("case %s public time did not move", c.Number)
			}
		}
	})
}
