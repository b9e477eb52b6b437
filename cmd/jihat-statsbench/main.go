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
	"net"
	"net/http"
	"os"
	"os/signal"
	"sort"
	"syscall"
	"time"

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
	sqliteDir := fs.String("sqlite-dir", "", "measure on the SQLite database in this directory instead")
	copyFrom := fs.String("copy-from", "", "with -sqlite-dir: first copy the dataset of this PostgreSQL URL (made by -generate) into it")
	copyCases := fs.Bool("copy-cases", true, "with -copy-from: copy the cases (the statistics read only their statistics rows)")
	copyEvents := fs.Bool("copy-events", true, "with -copy-from and -copy-cases: copy the cases' events too")
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
	if *dsn == "" && *sqliteDir == "" {
		return fmt.Errorf("-database-url (PostgreSQL) or -sqlite-dir is required")
	}
	key := make([]byte, store.KeySize)
	_, _ = rand.Read(key)
	cfg := store.Config{DatabaseURL: *dsn, Key: key}
	if *sqliteDir != "" {
		cfg = store.Config{DataDir: *sqliteDir, Key: key}
	}
	st, err := store.Open(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.Migrate(ctx); err != nil {
		return err
	}
	if *copyFrom != "" {
		if err := copyLoad(ctx, st, *copyFrom, key, *copyCases, *copyCases && *copyEvents, out); err != nil {
			return err
		}
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
	// The server on a loopback port, and a platform admin logged in over
	// HTTP: every measured call is a real request, end to end.
	if _, err := srv.Bootstrap(ctx, server.BootstrapConfig{AdminLogin: benchAdmin, AdminPassword: benchPassword}); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	c := &client{base: "http://" + ln.Addr().String() + "/api/v1", hc: &http.Client{Timeout: time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: 8}}}
	if err := c.login(ctx, benchAdmin, benchPassword); err != nil {
		return err
	}
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
	period := func(years, months int) string {
		return "from=" + now.AddDate(-years, -months, 0).Format(time.DateOnly) + "&to=" + now.Format(time.DateOnly)
	}
	month, year := period(0, 1), period(1, 0)
	fmt.Fprintf(out, "entity %s, employee %s, %d iterations each, over HTTP\n", ent.ID, emp.ID, *iterations)
	measure := func(name string, fn func() error) error {
		if err := fn(); err != nil { // one call to warm the connection, not counted
			return fmt.Errorf("%s: %w", name, err)
		}
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
		fmt.Fprintf(out, "%-36s p50 %8s  p95 %8s  p99 %8s\n", name, pct(0.50).Round(10*time.Microsecond),
			pct(0.95).Round(10*time.Microsecond), pct(0.99).Round(10*time.Microsecond))
		return nil
	}
	get := func(paths ...string) func() error {
		return func() error { return c.getAll(ctx, paths...) }
	}
	e, u := "/stats/entities/"+ent.ID, "/stats/employees/"+emp.ID
	steps := []struct {
		name string
		fn   func() error
	}{
		{"entity figures, month", get(e + "?" + month)},
		{"entity figures, year", get(e + "?" + year)},
		{"employee figures, month", get(u + "?" + month)},
		{"employee figures, year", get(u + "?" + year)},
		{"breakdown by employee, month", get(e + "/breakdown?by=employee&" + month)},
		{"breakdown by employee, year", get(e + "/breakdown?by=employee&" + year)},
		{"breakdown by department, year", get(e + "/breakdown?by=department&" + year)},
		// The dashboard's first paint (docs/BENCHMARKS.md): its calls at
		// once, as a browser makes them, until the last answer is read.
		{"dashboard first load (4 calls)", get(dashboardCalls(e, month)...)},
		{"dashboard first load (1 call)", get(e + "/dashboard?" + month)},
	}
	for _, s := range steps {
		if err := measure(s.name, s.fn); err != nil {
			return err
		}
	}
	return nil
}
