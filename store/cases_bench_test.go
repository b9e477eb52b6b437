package store_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testenv"
	"github.com/jihat/jihat/store"
)

// Benchmarks of the case store, on SQLite and (when JIHAT_TEST_DATABASE_URL
// is set) PostgreSQL. Figures and the commands that reproduce them are in
// docs/BENCHMARKS.md (section Cases).

// benchBackends runs fn once per database as a sub-benchmark, with a fresh
// migrated store; the PostgreSQL one is skipped without a database.
func benchBackends(b *testing.B, fn func(b *testing.B, s *store.Store)) {
	for _, name := range []string{"sqlite", "postgres"} {
		b.Run(name, func(b *testing.B) {
			cfg := store.Config{Key: newKey(b)}
			if name == "sqlite" {
				cfg.DataDir = b.TempDir()
			} else {
				cfg.DatabaseURL = testenv.Postgres(b)
			}
			s, err := store.Open(context.Background(), cfg)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { s.Close() })
			if _, err := s.Migrate(context.Background()); err != nil {
				b.Fatal(err)
			}
			fn(b, s)
		})
	}
}

// BenchmarkCreateCase measures opening a case the way the server does it —
// number, row, "created" event, notification intent, automatic assignment
// with its event and notification, audit entry, one transaction — with many
// creators at once (b.SetParallelism × GOMAXPROCS goroutines). "one dept"
// puts every case in one department (assignment is serialised per
// department: the worst case); "8 depts" spreads them over eight.
func BenchmarkCreateCase(b *testing.B) {
	benchBackends(b, func(b *testing.B, s *store.Store) {
		var worlds []*caseWorld
		for range 8 {
			w := newCaseWorld(b, s, jihat.AssignRoundRobin)
			for range 10 {
				w.staff(b, s, 1<<30)
			}
			worlds = append(worlds, w)
		}
		for _, depts := range []int{1, 8} {
			for _, par := range []int{8, 32} {
				b.Run(fmt.Sprintf("%d_depts/creators=%dxGOMAXPROCS", depts, par), func(b *testing.B) {
					var n atomic.Int64
					b.SetParallelism(par)
					b.ResetTimer()
					b.RunParallel(func(pb *testing.PB) {
						ctx := context.Background()
						for pb.Next() {
							i := n.Add(1)
							c := worlds[int(i)%depts].newCase(fmt.Sprintf("طلب رقم %d", i), "نص الطلب للقياس")
							if _, err := createCase(ctx, s, c, nil); err != nil {
								b.Error(err)
								return
							}
							if c.AssigneeID == "" {
								b.Error("case not assigned")
								return
							}
						}
					})
					b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "cases/s")
				})
			}
		}
	})
}

// benchWords is the vocabulary of the seeded cases' texts: the first words
// are common, the last rare (drawn with a skewed distribution).
var benchWords = []string{
	"طلب", "المعاملة", "في", "من", "إلى", "على", "بخصوص", "تم", "عدم", "الرجاء",
	"صيانة", "المدرسة", "الشارع", "إنارة", "مياه", "تسرب", "كهرباء", "انقطاع", "رخصة", "بناء",
	"تجديد", "إصدار", "شكوى", "اقتراح", "استفسار", "موعد", "المستشفى", "عيادة", "دواء", "تأخير",
	"الحي", "الطريق", "حفرة", "نظافة", "نفايات", "حديقة", "مخالفة", "مرور", "حادث", "إزعاج",
	"فاتورة", "اعتراض", "تعويض", "سداد", "رسوم", "استرداد", "بطاقة", "هوية", "جواز", "سفر",
	"تصريح", "عمل", "إقامة", "تأشيرة", "سجل", "تجاري", "منشأة", "ضريبة", "زكاة", "دعم",
	"سكن", "إسكان", "قرض", "منحة", "أرض", "مخطط", "صك", "عقار", "إيجار", "عقد",
	"مدرسه", "معلم", "طالب", "نقل", "قبول", "جامعة", "ابتعاث", "شهادة", "معادلة", "تدريب",
	"مستشفي", "طوارئ", "إسعاف", "تطعيم", "مختبر", "تحليل", "أشعة", "صيدلية", "تأمين", "إحالة",
	"زبرجد", "ياقوت", "مرجان", "فيروز", "عقيق", "لؤلؤ", "كهرمان", "زمرد", "الماس", "ذهب",
}

// benchData is a store seeded with 100,000 cases for the query benchmarks.
type benchData struct {
	s          *store.Store
	entity     string
	depts      []string
	staff      []string // employees, 20 per department
	requesters []string
	numbers    []string
	now        time.Time
}

// seed100k fills s with one entity of 10 departments × 20 employees and
// 100,000 cases over the past year from 5,000 requesters: 70% resolved or
// closed, the rest open, texts of 4 + 12 words.
func seed100k(b *testing.B, s *store.Store) *benchData {
	b.Helper()
	ctx := context.Background()
	rng := rand.New(rand.NewPCG(1, 2))
	w := newCaseWorld(b, s, jihat.AssignRoundRobin)
	d := &benchData{s: s, entity: w.Entity.ID, now: time.Now().UTC()}
	types := map[string]string{}
	for i := range 10 {
		dept := w.Department
		if i > 0 {
			dept = mustDepartment(b, s, w.Entity.ID)
		}
		ct := &jihat.CaseType{EntityID: w.Entity.ID, DepartmentID: dept.ID, NameAR: "نوع", NameEN: "Type", SLA: jihat.SLAHours{Normal: 24, Important: 8, VeryImportant: 4}}
		if err := s.CreateCaseType(ctx, ct, act("case_type.create")); err != nil {
			b.Fatal(err)
		}
		types[dept.ID] = ct.ID
		d.depts = append(d.depts, dept.ID)
		for range 20 {
			d.staff = append(d.staff, w.staff(b, s, 1000, func(u *jihat.User) { u.DepartmentID = dept.ID }).ID)
		}
	}
	for range 5000 {
		d.requesters = append(d.requesters, uuid.Must(uuid.NewV7()).String())
	}
	word := func() string { // skewed: low indexes far more often
		return benchWords[int(float64(len(benchWords))*rng.Float64()*rng.Float64()*rng.Float64())]
	}
	text := func(n int) string {
		out := word()
		for range n - 1 {
			out += " " + word()
		}
		return out
	}
	statuses := []jihat.Status{jihat.StatusResolved, jihat.StatusClosed, jihat.StatusClosed, jihat.StatusAssigned, jihat.StatusInProgress,
		jihat.StatusClosed, jihat.StatusResolved, jihat.StatusClosed, jihat.StatusAwaitingCitizen, jihat.StatusClosed}
	const total = 100_000
	cases := make([]store.SeedCase, total)
	start := d.now.Add(-365 * 24 * time.Hour)
	for i := range cases {
		staff := d.staff[rng.IntN(len(d.staff))]
		dept := d.depts[slices.Index(d.staff, staff)/20]
		created := start.Add(time.Duration(i) * 365 * 24 * time.Hour / total)
		cases[i] = store.SeedCase{EntityID: w.Entity.ID, CaseTypeID: types[dept], DepartmentID: dept,
			RequesterID: d.requesters[rng.IntN(len(d.requesters))], AssigneeID: staff,
			Subject: text(4), Body: text(12), Priority: jihat.Priorities[rng.IntN(3)], Status: statuses[rng.IntN(len(statuses))],
			CreatedAt: created, DueAt: created.Add(72 * time.Hour)}
	}
	began := time.Now()
	ids, err := s.SeedCases(ctx, 2025, 1, cases)
	if err != nil {
		b.Fatal(err)
	}
	for i := 0; i < len(ids); i += 997 {
		d.numbers = append(d.numbers, jihat.FormatCaseNumber(2025, int64(i+1)))
	}
	b.Logf("seeded %d cases in %s", len(ids), time.Since(began).Round(time.Millisecond))
	return d
}

// latencies records one duration per operation and reports percentiles.
type latencies []time.Duration

func (l *latencies) time(fn func()) {
	t := time.Now()
	fn()
	*l = append(*l, time.Since(t))
}

func (l latencies) report(b *testing.B) {
	if len(l) == 0 {
		return
	}
	slices.Sort(l)
	at := func(p float64) float64 {
		return float64(l[min(len(l)-1, int(p*float64(len(l))))].Microseconds()) / 1000
	}
	b.ReportMetric(at(0.50), "p50-ms")
	b.ReportMetric(at(0.95), "p95-ms")
	b.ReportMetric(at(0.99), "p99-ms")
}

// BenchmarkQueries100k measures lists and searches over 100,000 cases: the
// first page (50) of an employee's queue, a supervisor's department, late
// cases, and searches by words, number and requester — each one query as
// the server runs it, with p50/p95/p99 latency.
func BenchmarkQueries100k(b *testing.B) {
	benchBackends(b, func(b *testing.B, s *store.Store) {
		d := seed100k(b, s)
		measureExclusively(b)
		ctx := context.Background()
		yes := true
		queries := []struct {
			name string
			q    func(i int) store.CaseQuery
		}{
			{"queue/employee_open", func(i int) store.CaseQuery {
				return store.CaseQuery{EntityID: d.entity, AssigneeID: d.staff[i%len(d.staff)],
					Statuses: []jihat.Status{jihat.StatusAssigned, jihat.StatusInProgress, jihat.StatusAwaitingCitizen}}
			}},
			{"queue/employee_all", func(i int) store.CaseQuery {
				return store.CaseQuery{EntityID: d.entity, AssigneeID: d.staff[i%len(d.staff)]}
			}},
			{"queue/department", func(i int) store.CaseQuery {
				return store.CaseQuery{EntityID: d.entity, DepartmentID: d.depts[i%len(d.depts)]}
			}},
			{"queue/department_late", func(i int) store.CaseQuery {
				return store.CaseQuery{EntityID: d.entity, DepartmentID: d.depts[i%len(d.depts)], Late: &yes, Now: d.now}
			}},
			{"queue/requester", func(i int) store.CaseQuery {
				return store.CaseQuery{RequesterID: d.requesters[i%len(d.requesters)]}
			}},
			{"search/common_word", func(i int) store.CaseQuery {
				return store.CaseQuery{EntityID: d.entity, Terms: jihat.ParseSearch(benchWords[i%10])}
			}},
			{"search/mid_word", func(i int) store.CaseQuery {
				return store.CaseQuery{EntityID: d.entity, Terms: jihat.ParseSearch(benchWords[40+i%20])}
			}},
			{"search/rare_word", func(i int) store.CaseQuery {
				return store.CaseQuery{EntityID: d.entity, Terms: jihat.ParseSearch(benchWords[90+i%10])}
			}},
			{"search/two_words", func(i int) store.CaseQuery {
				return store.CaseQuery{EntityID: d.entity, Terms: jihat.ParseSearch(benchWords[10+i%30] + " " + benchWords[30+i%40])}
			}},
			{"search/department_word", func(i int) store.CaseQuery {
				return store.CaseQuery{EntityID: d.entity, DepartmentID: d.depts[i%len(d.depts)], Terms: jihat.ParseSearch(benchWords[20+i%50])}
			}},
			{"search/requester_word", func(i int) store.CaseQuery {
				return store.CaseQuery{RequesterID: d.requesters[i%len(d.requesters)], Terms: jihat.ParseSearch(benchWords[10+i%50])}
			}},
			{"search/number", func(i int) store.CaseQuery {
				return store.CaseQuery{EntityID: d.entity, Number: d.numbers[i%len(d.numbers)]}
			}},
		}
		for _, qq := range queries {
			b.Run(qq.name, func(b *testing.B) {
				lat := make(latencies, 0, b.N)
				found := 0
				b.ResetTimer()
				for i := range b.N {
					q := qq.q(i)
					lat.time(func() {
						cases, _, err := s.ListCases(ctx, q)
						if err != nil {
							b.Fatal(err)
						}
						found += len(cases)
					})
				}
				b.StopTimer()
				lat.report(b)
				b.ReportMetric(float64(found)/float64(b.N), "cases/op")
			})
		}
	})
}
