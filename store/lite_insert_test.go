package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/schema"
)

// TestInsertLiteAsGorm: the rows a group commit writes on SQLite through
// insertLite are stored exactly as gorm's create stored them — every column's
// type and value, the defaults a zero field takes (data '{}', attempts 0,
// last_error ”), NULL for a nil pointer, the autoincrement key numbered by
// SQLite — compared column by column as SQLite holds them (typeof, quote).
func TestInsertLiteAsGorm(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2026, 12, 4, 19, 4, 5, 123456000, time.UTC)
	open := func() *Store {
		s, err := Open(ctx, Config{DataDir: t.TempDir(), Key: make([]byte, KeySize), Now: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { s.Close() })
		if _, err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		return s
	}
	viaGorm, viaLite := open(), open()
	caseID, sent := "0193a2c4-0000-7000-8000-000000000001", at.Add(-time.Second)
	// Fresh rows for each store: gorm's create sets a zero field with a
	// default to it in the rows it is given.
	events := func() []caseEventRow {
		return []caseEventRow{
			{ID: "e1", CaseID: caseID, EntityID: "ent", Channel: "case:x", Seq: 1, Type: "comment", ActorID: "u1", Visibility: "public", Data: `{"body":"نص"}`, CreatedAt: at},
			{ID: "e2", CaseID: caseID, EntityID: "ent", Channel: "case:x", Seq: 2, Type: "status", Visibility: "public", CreatedAt: at}, // data zero: its default
		}
	}
	outbox := func() []outboxRow {
		return []outboxRow{
			{ID: "o1", Kind: "case.citizen_reply", RecipientID: "u2", CaseID: &caseID, Data: `{"number":"1"}`, Status: "pending", AvailableAt: at, CreatedAt: at},
			{ID: "o2", Kind: "k", RecipientID: "u3", Status: "sent", Attempts: 2, AvailableAt: at, SentAt: &sent, LastError: "e", ProviderID: "p", CreatedAt: at},
		}
	}
	audit := func() []auditPendingRow {
		return []auditPendingRow{{ActorID: "u1", Action: "case.comment", Target: "case:" + caseID, IP: "::1", At: at}, {Action: "x", At: at}}
	}
	seqs := func() []channelSeqRow {
		return []channelSeqRow{{Channel: "case:x", LastSeq: 2}, {Channel: "case:x:staff", LastSeq: 0}}
	}
	write := func(s *Store, lite bool) {
		err := s.tx(ctx, func(tx *gorm.DB) error {
			if lite {
				return firstErr(insertLite(tx, events(), ""), insertLite(tx, outbox(), ""), insertLite(tx, audit(), ""), insertLite(tx, seqs(), ""),
					insertLite(tx, []channelSeqRow{{Channel: "case:x", LastSeq: 3}}, " ON CONFLICT (channel) DO UPDATE SET last_seq = excluded.last_seq"))
			}
			e, o, a, q := events(), outbox(), audit(), seqs()
			return firstErr(tx.Create(&e).Error, tx.Create(&o).Error, tx.Create(&a).Error, tx.Create(&q).Error,
				tx.Exec("UPDATE channel_seqs SET last_seq = 3 WHERE channel = 'case:x'").Error)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	write(viaGorm, false)
	write(viaLite, true)
	for _, table := range []string{"case_events", "outbox", "audit_pending", "channel_seqs"} {
		want, got := liteDump(t, viaGorm, table), liteDump(t, viaLite, table)
		if len(want) == 0 {
			t.Fatalf("%s: nothing written", table)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s through insertLite:\n%s\nthrough gorm:\n%s", table, strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	}
}

// liteHooked, liteSerialized and liteUnixTime are rows insertLite must
// leave to gorm: a create hook, a serializer, a unix-seconds creation time.
type liteHooked struct{ ID string }

func (*liteHooked) BeforeCreate(*gorm.DB) error { return nil }

type liteSerialized struct {
	ID   string
	Tags []string `gorm:"serializer:json"`
}

type liteUnixTime struct {
	ID        string
	CreatedAt int64
}

// TestInsertLitePlanFallsBack: the row types the group commit writes are
// inserted by insertLite itself; a type with a create hook, a serializer
// or a unix-seconds creation time falls back to gorm's create.
func TestInsertLitePlanFallsBack(t *testing.T) {
	db := &gorm.DB{Config: &gorm.Config{NamingStrategy: schema.NamingStrategy{}}}
	for name, plan := range map[string]func() (*litePlan, error){
		"caseEventRow":    func() (*litePlan, error) { return litePlanOf[caseEventRow](db) },
		"outboxRow":       func() (*litePlan, error) { return litePlanOf[outboxRow](db) },
		"auditPendingRow": func() (*litePlan, error) { return litePlanOf[auditPendingRow](db) },
		"liteWordsRow":    func() (*litePlan, error) { return litePlanOf[liteWordsRow](db) },
		"channelSeqRow":   func() (*litePlan, error) { return litePlanOf[channelSeqRow](db) },
		"caseRow":         func() (*litePlan, error) { return litePlanOf[caseRow](db) },
		"caseStatRow":     func() (*litePlan, error) { return litePlanOf[caseStatRow](db) },
		"liteHooked":      func() (*litePlan, error) { return litePlanOf[liteHooked](db) },
		"liteSerialized":  func() (*litePlan, error) { return litePlanOf[liteSerialized](db) },
		"liteUnixTime":    func() (*litePlan, error) { return litePlanOf[liteUnixTime](db) },
	} {
		p, err := plan()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if want := !strings.HasPrefix(name, "lite") || name == "liteWordsRow"; p.ok != want {
			t.Errorf("%s: insertLite writes it itself: %v; want %v", name, p.ok, want)
		}
	}
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// liteDump is every row of table, in rowid order, each column as its
// storage type and SQL literal.
func liteDump(t *testing.T, s *Store, table string) []string {
	t.Helper()
	var cols []string
	if err := s.db.Raw("SELECT name FROM pragma_table_info(?) ORDER BY cid", table).Scan(&cols).Error; err != nil {
		t.Fatal(err)
	}
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = fmt.Sprintf("'%s=' || typeof(%s) || ':' || quote(%s)", c, c, c)
	}
	var rows []string
	if err := s.db.Raw("SELECT " + strings.Join(parts, " || ' ' || ") + " FROM " + table + " ORDER BY rowid").Scan(&rows).Error; err != nil {
		t.Fatal(err)
	}
	return rows
}
