package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jihat/jihat"
)

// TestTransactionGuard: with GuardTransactions (every test store has it), a
// store call made from inside a store transaction's callback panics at
// once on SQLite, where it would wait forever for the one connection; the
// transaction is rolled back and the store goes on answering. On
// PostgreSQL a connection is free, so the call runs (the guard speaks only
// when the pool is full) and the update commits.
func TestTransactionGuard(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, be *backend) {
		s := be.Open(t)
		e := mustEntity(t, s)
		b := &jihat.Board{EntityID: e.ID, Name: "مجلس", Kind: "board"}
		if err := s.CreateBoard(ctx, b, act("board.create")); err != nil {
			t.Fatal(err)
		}
		nested := func() (msg string) {
			defer func() {
				r := recover()
				msg, _ = r.(string)
			}()
			_, _ = s.UpdateBoard(ctx, b.ID, act("board.update"), func(b *jihat.Board) error {
				b.Name = "مجلس آخر"
				_, err := s.Boards(ctx, e.ID) // outside the transaction
				return err
			})
			return ""
		}
		msg, want := nested(), "مجلس"
		switch {
		case be.Name == "sqlite" && !strings.Contains(msg, "outside the transaction"):
			t.Fatalf("a store call inside UpdateBoard's callback: panic %q, want the guard's", msg)
		case be.Name != "sqlite" && msg != "":
			t.Fatalf("with a connection free: panic %q, want none", msg)
		case be.Name != "sqlite":
			want = "مجلس آخر"
		}
		got, err := s.Board(ctx, b.ID)
		if err != nil || got.Name != want {
			t.Fatalf("after the nested call: %+v, %v, want the name %q", got, err, want)
		}
		if _, err := s.UpdateBoard(ctx, b.ID, act("board.update"), func(b *jihat.Board) error { b.Name = "مجلس آخر"; return nil }); err != nil {
			t.Fatalf("a later update: %v", err)
		}
	})
}
