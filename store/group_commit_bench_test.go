package store_test

import (
	"context"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// BenchmarkCommentPersist measures persisted comments per second through
// the group commit (UpdateCase), spread over 100 cases, with many writers
// at once (b.SetParallelism × GOMAXPROCS goroutines). Each comment does what
// the server's AddComment does for a requester's reply on an assigned case:
// the case row under its lock, the status rule, the event with its channel
// sequence, the assignee's notification intent, the statistics row and the
// audit entry. Figures in docs/BENCHMARKS.md (section Persisting path).
func BenchmarkCommentPersist(b *testing.B) {
	benchBackends(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		w := newCaseWorld(b, s, jihat.AssignRoundRobin)
		for range 10 {
			w.staff(b, s, 1<<30)
		}
		const ncases = 100
		ids := make([]string, ncases)
		for i := range ids {
			c := w.newCase(fmt.Sprintf("طلب %d", i), "نص")
			if _, err := createCase(ctx, s, c, nil); err != nil || c.AssigneeID == "" {
				b.Fatalf("case %d: %v (assignee %q)", i, err, c.AssigneeID)
			}
			ids[i] = c.ID
		}
		for _, par := range []int{8, 32} {
			b.Run(fmt.Sprintf("100_cases/writers=%dxGOMAXPROCS", par), func(b *testing.B) {
				var n atomic.Int64
				g0, c0 := s.GroupCommitStats()
				b.SetParallelism(par)
				b.ResetTimer()
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						i := n.Add(1)
						body := fmt.Sprintf("تعليق رقم %d على الطلب", i)
						_, _, err := s.UpdateCase(ctx, ids[int(i)%ncases], act("case.comment"), func(m *store.CaseTx) error {
							c := m.Case
							var err error
							if c.Status, err = jihat.Transition(c.Status, jihat.ActionCitizenReply); err != nil {
								return err
							}
							if err := m.Notify("case.citizen_reply", c.AssigneeID, map[string]any{"number": c.Number}); err != nil {
								return err
							}
							_, err = m.Event(jihat.CaseEventComment, c.RequesterID, jihat.VisibilityPublic, jihat.CommentData{Body: body})
							return err
						})
						if err != nil {
							b.Error(err)
							return
						}
					}
				})
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "comments/s")
				g1, c1 := s.GroupCommitStats()
				if g1 > g0 {
					b.ReportMetric(float64(c1-c0)/float64(g1-g0), "comments/tx")
				}
			})
		}
	})
}
