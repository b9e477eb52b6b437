package store_test

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// BenchmarkServiceSearch10k measures the guide's search over 10,000
// published services (names of 3 words, descriptions of 20, drawn from
// benchWords with a skew toward the first ones): one ListServices call (the
// first page, 50) per operation, with p50/p95/p99 latency. Figures and the
// command are in docs/BENCHMARKS.md.
func BenchmarkServiceSearch10k(b *testing.B) {
	benchBackends(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		w := newCaseWorld(b, s, jihat.AssignRoundRobin)
		rng := rand.New(rand.NewPCG(3, 4))
		words := func(n int) string {
			out := make([]string, n)
			for i := range out {
				out[i] = benchWords[int(float64(len(benchWords))*rng.Float64()*rng.Float64()*rng.Float64())]
			}
			return strings.Join(out, " ")
		}
		contents := make([]jihat.ServiceContent, 10_000)
		for i := range contents {
			contents[i] = jihat.ServiceContent{NameAR: words(3), NameEN: "Service", DescriptionAR: words(20)}
		}
		if err := s.SeedServices(ctx, w.Entity.ID, contents); err != nil {
			b.Fatal(err)
		}
		measureExclusively(b)
		queries := []struct {
			name string
			q    func(i int) string
		}{
			{"common_word", func(i int) string { return benchWords[i%10] }},
			{"rare_word", func(i int) string { return benchWords[90+i%10] }},
			{"two_words", func(i int) string { return benchWords[10+i%30] + " " + benchWords[30+i%40] }},
			{"misspelled", func(i int) string {
				return []string{"المدرسه", "مستشفى", "الاسكان", "تاخير", "والمعامله"}[i%5]
			}},
		}
		for _, qq := range queries {
			b.Run(qq.name, func(b *testing.B) {
				lat := make(latencies, 0, b.N)
				found := 0
				b.ResetTimer()
				for i := range b.N {
					q := store.ServiceQuery{Terms: jihat.ParseSearch(qq.q(i))}
					lat.time(func() {
						list, _, err := s.ListServices(ctx, q)
						if err != nil {
							b.Fatal(err)
						}
						found += len(list)
					})
				}
				b.StopTimer()
				lat.report(b)
				b.ReportMetric(float64(found)/float64(b.N), "services/op")
			})
		}
	})
}
