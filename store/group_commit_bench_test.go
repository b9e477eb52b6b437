package store_test

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// JIHAT_BENCH_PG_COMMITTERS, when set, is how many group committers the
// PostgreSQL stores of the benchmarks start (default 1), to compare.
func init() {
	if n, _ := strconv.Atoi(os.Getenv("JIHAT_BENCH_PG_COMMITTERS")); n > 0 {
		store.SetPGCommitters(n)
	}
}

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

// benchCase creates one case in a world of round-robin staff, assigned to
// one of them: the single busy case of the commit benchmarks.
func benchCase(b *testing.B, s *store.Store) *jihat.Case {
	w := newCaseWorld(b, s, jihat.AssignRoundRobin)
	w.staff(b, s, 1<<30)
	c := w.newCase("طلب", "نص")
	if _, err := createCase(context.Background(), s, c, nil); err != nil || c.AssigneeID == "" {
		b.Fatalf("case: %v (assignee %q)", err, c.AssigneeID)
	}
	return c
}

// BenchmarkCommitLatency measures how long a comment waits for its group
// commit (UpdateCase called → returned, i.e. durable) at a steady offered
// rate on one case, the part of publish→deliver latency that is the
// store's: b.N comments at 100/s, p50 and p99 reported.
func BenchmarkCommitLatency(b *testing.B) {
	benchBackends(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		c := benchCase(b, s)
		const rate = 100
		lat := make([]time.Duration, b.N)
		var wg sync.WaitGroup
		tick := time.NewTicker(time.Second / rate)
		defer tick.Stop()
		b.ResetTimer()
		for i := range b.N {
			<-tick.C
			wg.Go(func() {
				start := time.Now()
				_, _, err := s.UpdateCase(ctx, c.ID, act("case.comment"), func(m *store.CaseTx) error {
					_, err := m.Event(jihat.CaseEventComment, c.RequesterID, jihat.VisibilityPublic, jihat.CommentData{Body: fmt.Sprintf("تعليق %d", i)})
					return err
				})
				lat[i] = time.Since(start)
				if err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50_ms")
		b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99_ms")
	})
}

// BenchmarkCommentAlone measures one comment per group commit, the shape of
// a quiet channel (100 comments/s on one case: each comment commits alone),
// one writer after another: the group's fixed cost per comment, what the
// live traffic's persisting costs the server's CPU during a reconnect storm.
func BenchmarkCommentAlone(b *testing.B) {
	benchBackends(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		c := benchCase(b, s)
		b.ResetTimer()
		for i := range b.N {
			body := fmt.Sprintf("تعليق رقم %d على الطلب", i)
			_, _, err := s.UpdateCase(ctx, c.ID, act("case.comment"), func(m *store.CaseTx) error {
				if err := m.Notify("case.citizen_reply", m.Case.AssigneeID, map[string]any{"number": m.Case.Number}); err != nil {
					return err
				}
				_, err := m.Event(jihat.CaseEventComment, m.Case.RequesterID, jihat.VisibilityPublic, jihat.CommentData{Body: body})
				return err
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
