// Command jihat-statsbench is the statistics benchmark: it fills a
// PostgreSQL database with a synthetic dataset (cases, their events and
// statistics rows, made by the database itself) and measures the statistics
// services on it.
//
//	jihat-statsbench -database-url postgres://... -generate -cases 1000000 -events 10
//	jihat-statsbench -database-url postgres://... -iterations 200
//
// The measurement calls the services in process, as a platform admin, with
// the real store: an entity's figures and an employee's for the last month
// and the last year, and the dashboard's first load (the entity's figures,
// its breakdown by department, the indicators of the month by day and the
// counters, one after the other). It prints p50, p95 and p99 of each.
// Use a database of its own: -generate adds to whatever is there.
package main

import (
	"context"
	"crypto/rand"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/media"
	"github.com/jihat/jihat/server"
	"github.com/jihat/jihat/store"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "jihat-statsbench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("jihat-statsbench", flag.ContinueOnError)
	dsn := fs.String("database-url", os.Getenv("DATABASE_URL"), "PostgreSQL URL")
	generate := fs.Bool("generate", false, "make the dataset first")
	cases := fs.Int("cases", 100_000, "cases to make")
	events := fs.Int("events", 10, "events per case")
	entities := fs.Int("entities", 10, "entities")
	depts := fs.Int("departments", 5, "departments per entity")
	employees := fs.Int("employees", 10, "employees per department")
	iterations := fs.Int("iterations", 100, "calls of each measured query")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *dsn == "" {
		return fmt.Errorf("-database-url (PostgreSQL) is required")
	}
	key := make([]byte, store.KeySize)
	_, _ = rand.Read(key)
	st, err := store.Open(ctx, store.Config{DatabaseURL: *dsn, Key: key})
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	if *generate {
		began := time.Now()
		sum, err := st.GenerateLoad(ctx, store.LoadConfig{Entities: *entities, Departments: *depts, TypesPerDept: 2,
			EmployeesPerDep: *employees, Cases: *cases, EventsPerCase: *events, Years: 2,
			Progress: func(n int) { fmt.Fprintf(out, "\r%d cases", n) }})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "\ngenerated %d cases and %d events in %d entities in %s\n", *cases, *cases**events, len(sum.EntityIDs),
			time.Since(began).Round(time.Second))
	}
	dir, err := os.MkdirTemp("", "jihat-statsbench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	files, err := media.NewLocal(media.Config{Root: dir})
	if err != nil {
		return err
	}
	srv, err := server.New(server.Config{Store: st, Media: files, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	defer srv.Close(context.Background())
	admin := &jihat.User{ID: "00000000-0000-0000-0000-000000000000", Role: jihat.RolePlatformAdmin, Active: true}
	ents, err := st.ListEntities(ctx)
	if err != nil || len(ents) == 0 {
		return fmt.Errorf("no entities (run with -generate first): %v", err)
	}
	ent := ents[len(ents)-1]
	emps, err := st.ListEmployees(ctx, ent.ID)
	if err != nil || len(emps) == 0 {
		return fmt.Errorf("no employees in %s: %v", ent.ID, err)
	}
	emp := emps[0]
	now := time.Now().In(ent.WorkingCalendar().Location)
	month := server.StatsQuery{From: now.AddDate(0, -1, 0).Format(time.DateOnly), To: now.Format(time.DateOnly)}
	year := server.StatsQuery{From: now.AddDate(-1, 0, 0).Format(time.DateOnly), To: now.Format(time.DateOnly)}
	fmt.Fprintf(out, "entity %s, employee %s, %d iterations each\n", ent.ID, emp.ID, *iterations)
	measure := func(name string, fn func() error) error {
		d := make([]time.Duration, 0, *iterations)
		for i := 0; i < *iterations; i++ {
			t := time.Now()
			if err := fn(); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			d = append(d, time.Since(t))
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		pct := func(p float64) time.Duration { return d[min(len(d)-1, int(float64(len(d))*p))] }
		fmt.Fprintf(out, "%-34s p50 %8s  p95 %8s  p99 %8s\n", name, pct(0.50).Round(10*time.Microsecond),
			pct(0.95).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond))
		return nil
	}
	steps := []struct {
		name string
		fn   func() error
	}{
		{"entity figures, month", func() error { _, err := srv.EntityStats(ctx, admin, ent.ID, month); return err }},
		{"entity figures, year", func() error { _, err := srv.EntityStats(ctx, admin, ent.ID, year); return err }},
		{"employee figures, month", func() error { _, err := srv.EmployeeStats(ctx, admin, emp.ID, month); return err }},
		{"employee figures, year", func() error { _, err := srv.EmployeeStats(ctx, admin, emp.ID, year); return err }},
		{"breakdown by employee, year", func() error {
			q := year
			q.By = "employee"
			_, err := srv.Breakdown(ctx, admin, ent.ID, q)
			return err
		}},
		{"dashboard first load, month", func() error {
			if _, err := srv.EntityStats(ctx, admin, ent.ID, month); err != nil {
				return err
			}
			q := month
			q.By = "department"
			if _, err := srv.Breakdown(ctx, admin, ent.ID, q); err != nil {
				return err
			}
			q.By = "day"
			if _, err := srv.Indicators(ctx, admin, ent.ID, q); err != nil {
				return err
			}
			_, err := srv.Counters(ctx, admin, ent.ID)
			return err
		}},
	}
	for _, s := range steps {
		if err := measure(s.name, s.fn); err != nil {
			return err
		}
	}
	return nil
}
