package store_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testenv"
	"github.com/jihat/jihat/store"
)

// TestAuditEveryWrite: each state-changing store call appends exactly one
// audit entry, in order, naming its target, and the chain verifies.
func TestAuditEveryWrite(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		e := mustEntity(t, s)
		d := mustDepartment(t, s, e.ID)
		ct := &jihat.CaseType{EntityID: e.ID, DepartmentID: d.ID, NameAR: "ن", NameEN: "t", SLA: jihat.SLAHours{Normal: 1, Important: 1, VeryImportant: 1}}
		if err := s.CreateCaseType(ctx, ct, act("case_type.create")); err != nil {
			t.Fatal(err)
		}
		u := mustUser(t, s, &jihat.User{Email: "audited@example.com", Active: true})
		sess, err := s.CreateSession(ctx, u.ID, strings.Repeat("ab", 32), time.Hour, act("auth.login"))
		if err != nil {
			t.Fatal(err)
		}
		steps := []struct {
			action string
			do     func() error
		}{
			{"user.update_profile", func() error {
				_, err := s.UpdateProfile(ctx, u.ID, "name", jihat.LangAR, act("user.update_profile"))
				return err
			}},
			{"employee.permissions", func() error {
				_, err := s.SetPermissions(ctx, u.ID, nil, nil, act("employee.permissions"))
				return err
			}},
			{"user.change_password", func() error { return s.SetPassword(ctx, u.ID, "h2", false, sess.ID, act("user.change_password")) }},
			{"auth.logout", func() error { return s.RevokeSession(ctx, sess.ID, act("auth.logout")) }},
			{"user.disable", func() error { return s.SetActive(ctx, u.ID, false, act("user.disable")) }},
			{"auth.login_failed", func() error { return s.Audit(ctx, act("auth.login_failed")) }},
		}
		for _, st := range steps {
			if err := st.do(); err != nil {
				t.Fatalf("%s: %v", st.action, err)
			}
		}
		log, err := s.AuditLog(ctx, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		want := []struct{ action, target string }{
			{"entity.create", "entity:" + e.ID},
			{"department.create", "department:" + d.ID},
			{"case_type.create", "case_type:" + ct.ID},
			{"user.create", "user:" + u.ID},
			{"auth.login", "session:" + sess.ID},
			{"user.update_profile", "user:" + u.ID},
			{"employee.permissions", "user:" + u.ID},
			{"user.change_password", "user:" + u.ID},
			{"auth.logout", "session:" + sess.ID},
			{"user.disable", "user:" + u.ID},
			{"auth.login_failed", ""},
		}
		if len(log) != len(want) {
			t.Fatalf("audit log has %d entries, want %d", len(log), len(want))
		}
		for i, w := range want {
			got := log[len(log)-1-i] // AuditLog is newest first
			if got.Seq != int64(i+1) || got.Action != w.action || got.Target != w.target {
				t.Errorf("entry %d = seq %d %s %s; want %s %s", i+1, got.Seq, got.Action, got.Target, w.action, w.target)
			}
			if got.IP != "192.0.2.7" || got.UserAgent != "store-test" || got.At.IsZero() || got.Details != "{}" {
				t.Errorf("entry %d lost its context: %+v", i+1, got)
			}
		}
		if log[6].ActorID != u.ID { // the login names its user as actor
			t.Errorf("login actor = %q, want %q", log[6].ActorID, u.ID)
		}
		if bad, n, err := s.VerifyAudit(ctx); err != nil || bad != 0 || n != int64(len(want)) {
			t.Fatalf("VerifyAudit = %d, %d, %v", bad, n, err)
		}
		// Paging backwards.
		page, err := s.AuditLog(ctx, 5, 2)
		if err != nil || len(page) != 2 || page[0].Seq != 4 || page[1].Seq != 3 {
			t.Errorf("AuditLog(before 5, 2) = %+v, %v", page, err)
		}
	})
}

// disableAppendOnly removes the append-only protection, as an attacker
// with the database owner's rights would.
func disableAppendOnly(tb testing.TB, b *backend) {
	tb.Helper()
	raw := b.Raw(tb)
	var err error
	if b.Name == "postgres" {
		err = raw.Exec(`ALTER TABLE audit_log DISABLE TRIGGER USER`).Error
	} else {
		err = raw.Exec(`DROP TRIGGER audit_log_no_UPDATE`).Error
		if err == nil {
			err = raw.Exec(`DROP TRIGGER audit_log_no_DELETE`).Error
		}
	}
	if err != nil {
		tb.Fatalf("disable the append-only triggers: %v", err)
	}
}

// fillAudit appends n entries.
func fillAudit(tb testing.TB, s *store.Store, n int) {
	tb.Helper()
	for i := 0; i < n; i++ {
		a := act("test.fill")
		a.Details = fmt.Sprintf(`{"i":%d}`, i)
		if err := s.Audit(context.Background(), a); err != nil {
			tb.Fatal(err)
		}
	}
	// Link them now, as the chainer does after commit, so the test can
	// tamper with chained rows.
	if _, err := s.ChainAudit(context.Background()); err != nil {
		tb.Fatal(err)
	}
}

func TestAuditAppendOnly(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		fillAudit(t, s, 3)
		raw := b.Raw(t)
		if err := raw.Exec(`UPDATE audit_log SET details = '{"forged":true}' WHERE seq = 2`).Error; err == nil {
			t.Error("UPDATE of an audit row was allowed")
		}
		if err := raw.Exec(`DELETE FROM audit_log WHERE seq = 3`).Error; err == nil {
			t.Error("DELETE of an audit row was allowed")
		}
		if n := auditCount(t, s); n != 3 {
			t.Errorf("audit rows = %d, want 3", n)
		}
	})
}

// TestAuditTamper: with the triggers out of the way, a change to any field of
// one row, or the removal of a row, makes VerifyAudit name that row.
func TestAuditTamper(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		sql  string
		want int64
	}{
		{"details changed", `UPDATE audit_log SET details = '{"forged":true}' WHERE seq = 4`, 4},
		{"actor changed", `UPDATE audit_log SET actor_id = 'mallory' WHERE seq = 2`, 2},
		{"first row's action changed", `UPDATE audit_log SET action = 'nothing' WHERE seq = 1`, 1},
		{"last row's time changed", `UPDATE audit_log SET at = at - INTERVAL '1 second' WHERE seq = 6`, 6},
		{"row deleted", `DELETE FROM audit_log WHERE seq = 3`, 3},
		{"first row deleted", `DELETE FROM audit_log WHERE seq = 1`, 1},
		{"hash rewritten to match new details", "", 5},
		{"rows 3 and 4 swapped", "swap", 3},
		{"last two rows swapped", "swap-last", 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, b *backend) {
				s := b.Open(t)
				fillAudit(t, s, 6)
				disableAppendOnly(t, b)
				raw := b.Raw(t)
				q := tt.sql
				if b.Name == "sqlite" && strings.Contains(q, "INTERVAL") {
					q = `UPDATE audit_log SET at = '2001-01-01 00:00:00+00:00' WHERE seq = 6`
				}
				if q == "swap" || q == "swap-last" {
					// Reordering: two rows trade places, each keeping
					// everything it had but its position.
					a, b := int64(3), int64(4)
					if q == "swap-last" {
						a, b = 5, 6
					}
					swapAuditRows(t, s, raw, a, b)
				} else if q == "" {
					// A forger who recomputes the row's hash still breaks the
					// link of the next row.
					rows, err := s.AuditLog(ctx, 5, 1)
					if err != nil || len(rows) != 1 {
						t.Fatal(rows, err)
					}
					e := rows[0]
					e.Details = `{"forged":true}`
					e.Hash = e.ComputeHash()
					if err := raw.Exec(`UPDATE audit_log SET details = ?, hash = ? WHERE seq = 4`, e.Details, e.Hash).Error; err != nil {
						t.Fatal(err)
					}
				} else if err := raw.Exec(q).Error; err != nil {
					t.Fatal(err)
				}
				bad, checked, err := s.VerifyAudit(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if bad != tt.want {
					t.Fatalf("VerifyAudit names row %d, want %d", bad, tt.want)
				}
				if checked != tt.want-1 {
					t.Errorf("VerifyAudit checked %d rows before the bad one, want %d", checked, tt.want-1)
				}
			})
		})
	}
}

// TestAuditVerifyBatches: VerifyAudit reads the chain in batches; a break
// right after a batch boundary, or inside a later batch, is still found.
func TestAuditVerifyBatches(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		fillAudit(t, s, 1003)
		if bad, n, err := s.VerifyAudit(ctx); bad != 0 || n != 1003 || err != nil {
			t.Fatalf("VerifyAudit = %d, %d, %v", bad, n, err)
		}
		disableAppendOnly(t, b)
		raw := b.Raw(t)
		if err := raw.Exec(`UPDATE audit_log SET details = '{}' WHERE seq = 1002`).Error; err != nil {
			t.Fatal(err)
		}
		if bad, n, err := s.VerifyAudit(ctx); bad != 1002 || n != 1001 || err != nil {
			t.Fatalf("after changing row 1002: VerifyAudit = %d, %d, %v", bad, n, err)
		}
		if err := raw.Exec(`DELETE FROM audit_log WHERE seq = 1001`).Error; err != nil {
			t.Fatal(err)
		}
		if bad, n, err := s.VerifyAudit(ctx); bad != 1001 || n != 1000 || err != nil {
			t.Fatalf("after deleting row 1001: VerifyAudit = %d, %d, %v", bad, n, err)
		}
	})
}

// TestAuditConcurrentWrites: many writers at once (several connections on
// PostgreSQL) still build one unbroken chain without gaps or forks.
func TestAuditConcurrentWrites(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		e := mustEntity(t, s)
		const writers = 50
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := 0; i < writers; i++ {
			wg.Go(func() {
				d := &jihat.Department{EntityID: e.ID, NameAR: fmt.Sprintf("قسم %d", i), NameEN: "d"}
				if err := s.CreateDepartment(ctx, d, act("department.create")); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Errorf("CreateDepartment: %v", err)
		}
		if bad, n, err := s.VerifyAudit(ctx); err != nil || bad != 0 || n != writers+1 {
			t.Fatalf("VerifyAudit = %d, %d, %v; want an intact chain of %d", bad, n, err, writers+1)
		}
		ds, err := s.ListDepartments(ctx, e.ID)
		if err != nil || len(ds) != writers {
			t.Fatalf("departments = %d, %v", len(ds), err)
		}
	})
}

// swapAuditRows gives row a everything of row b and row b everything of row
// a, but their sequence numbers: the two entries trade places in the chain.
func swapAuditRows(tb testing.TB, s *store.Store, raw *gorm.DB, a, b int64) {
	tb.Helper()
	rows, err := s.AuditLog(context.Background(), 0, 1000)
	if err != nil {
		tb.Fatal(err)
	}
	bySeq := map[int64]jihat.AuditEntry{}
	for _, e := range rows {
		bySeq[e.Seq] = e
	}
	for _, p := range [][2]int64{{a, b}, {b, a}} {
		e := bySeq[p[1]]
		if err := raw.Exec(`UPDATE audit_log SET actor_id = ?, action = ?, target = ?, ip = ?, user_agent = ?, details = ?, at = ?, prev_hash = ?, hash = ? WHERE seq = ?`,
			e.ActorID, e.Action, e.Target, e.IP, e.UserAgent, e.Details, e.At, e.PrevHash, e.Hash, p[0]).Error; err != nil {
			tb.Fatal(err)
		}
	}
}

// TestAuditOffCommitPath: an audited write does not wait for the chain. With
// the chain's lock held elsewhere (a slow chainer on another node), writes
// still commit; their entries are linked, in one intact chain, once the lock
// is free. PostgreSQL only: SQLite has one writer, which orders everything.
func TestAuditOffCommitPath(t *testing.T) {
	t.Run("postgres", func(t *testing.T) {
		b := &backend{Name: "postgres", Cfg: store.Config{DatabaseURL: testenv.Postgres(t), Key: newKey(t)}}
		s := b.Open(t)
		e := mustEntity(t, s)
		base := auditCount(t, s)
		raw := b.Raw(t)
		lock := raw.Begin()
		if err := lock.Exec("SELECT pg_advisory_xact_lock(7202)").Error; err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		const writers = 20
		var wg sync.WaitGroup
		errs := make(chan error, writers)
		for i := 0; i < writers; i++ {
			wg.Go(func() {
				d := &jihat.Department{EntityID: e.ID, NameAR: fmt.Sprintf("قسم %d", i), NameEN: "d"}
				if err := s.CreateDepartment(ctx, d, act("department.create")); err != nil {
					errs <- err
				}
			})
		}
		wg.Wait() // would hang (and time out) if writes waited for the chain
		close(errs)
		for err := range errs {
			t.Fatalf("CreateDepartment with the chain locked: %v", err)
		}
		if n := b.Count(t, raw, "audit_pending"); n != writers {
			t.Errorf("pending entries while the chain is locked = %d, want %d", n, writers)
		}
		if err := lock.Rollback().Error; err != nil {
			t.Fatal(err)
		}
		if n := auditCount(t, s); n != base+writers {
			t.Fatalf("chain length = %d, want %d", n, base+writers)
		}
		if n := b.Count(t, raw, "audit_pending"); n != 0 {
			t.Errorf("pending entries after chaining = %d, want 0", n)
		}
	})
}

// TestAuditTwoNodes: two stores (two nodes) on one PostgreSQL database write
// audited rows at once; their chainers take turns and build one chain.
func TestAuditTwoNodes(t *testing.T) {
	ctx := context.Background()
	b := &backend{Name: "postgres", Cfg: store.Config{DatabaseURL: testenv.Postgres(t), Key: newKey(t)}}
	nodes := []*store.Store{b.Open(t), b.Open(t)}
	mustEntity(t, nodes[0])
	const each = 40
	var wg sync.WaitGroup
	errs := make(chan error, 2*each)
	for n, s := range nodes {
		for i := 0; i < each; i++ {
			wg.Go(func() {
				if err := s.Audit(ctx, act(fmt.Sprintf("test.node%d", n))); err != nil {
					errs <- err
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n := auditCount(t, nodes[1]); n != 2*each+1 {
		t.Fatalf("chain length = %d, want %d", n, 2*each+1)
	}
}

// TestCloseTwice: a store is closed twice (a test's explicit Close and its
// cleanup), with and without an audited write before; neither Close waits
// for a chainer that never started or already stopped.
func TestCloseTwice(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		for _, write := range []bool{false, true} {
			s := b.Open(t)
			if write {
				mustEntity(t, s)
			}
			done := make(chan struct{})
			go func() { s.Close(); s.Close(); close(done) }()
			select {
			case <-done:
			case <-time.After(30 * time.Second):
				t.Fatalf("Close twice (write=%v) did not return", write)
			}
		}
	})
}
