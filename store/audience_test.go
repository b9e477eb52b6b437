package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/jihat/jihat"
)

// TestCaseAudienceConcurrent: 48 readers at once ask CaseAudience of four
// cases (of two entities and requesters) and of one that does not exist,
// many times over, so that reads go together (read_batch.go). Each gets its
// own case's audience, the one CaseAudiences gives, or ok false for the
// unknown one.
func TestCaseAudienceConcurrent(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		var ids []string
		for range 2 {
			w := newCaseWorld(t, s, jihat.AssignRoundRobin)
			w.staff(t, s, 10) // someone to assign them to
			for range 2 {
				ids = append(ids, w.mustCase(t, s, "موضوع", "نص").ID)
			}
		}
		want, err := s.CaseAudiences(ctx, ids)
		if err != nil || len(want) != len(ids) {
			t.Fatalf("CaseAudiences: %v, %v", want, err)
		}
		// Each is the audience of the case as read whole (assigned: every
		// column is set).
		for _, id := range ids {
			c, err := s.Case(ctx, id)
			if err != nil || c.AssigneeID == "" || want[id] != jihat.CaseAudience(c, jihat.VisibilityPublic) {
				t.Fatalf("case %s: CaseAudiences %+v; the case %+v, %v", id, want[id], c, err)
			}
		}
		unknown := "00000000-0000-7000-8000-000000000000"
		var wg sync.WaitGroup
		for r := range 48 {
			wg.Go(func() {
				for k := range 30 {
					i := (r + k) % (len(ids) + 1)
					if i == len(ids) {
						if a, ok, err := s.CaseAudience(ctx, unknown); ok || err != nil {
							t.Errorf("unknown case: %+v, %v, %v", a, ok, err)
						}
						continue
					}
					a, ok, err := s.CaseAudience(ctx, ids[i])
					if err != nil || !ok || a != want[ids[i]] {
						t.Errorf("case %d: %+v, %v, %v; want %+v", i, a, ok, err, want[ids[i]])
					}
				}
			})
		}
		wg.Wait()
	})
}
