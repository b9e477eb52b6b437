package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// TestTransactionGuard: with GuardTransactions (every test store has it), a
// store call made from inside a store transaction's callback panics at
// once, where on SQLite it would wait forever for the one connection; the
// transaction is rolled back and the store goes on answering.
func TestTransactionGuard(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
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
		if msg := nested(); !strings.Contains(msg, "outside the transaction") {
			t.Fatalf("a store call inside UpdateBoard's callback: panic %q, want the guard's", msg)
		}
		got, err := s.Board(ctx, b.ID)
		if err != nil || got.Name != "مجلس" {
			t.Fatalf("after the guard: %+v, %v (the change must be rolled back)", got, err)
		}
		if _, err := s.UpdateBoard(ctx, b.ID, act("board.update"), func(b *jihat.Board) error { b.Name = "مجلس آخر"; return nil }); err != nil {
			t.Fatalf("a later update: %v", err)
		}
	})
}
