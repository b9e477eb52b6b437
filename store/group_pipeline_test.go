package store_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// TestGroupCommitFailedWrite: when the group's rows cannot be written (an
// event row already holds the sequence number the group counted: a unique
// violation in the statement that goes with COMMIT on PostgreSQL), every
// change of the group gets an error and nothing of it is stored: no event,
// no counter moved, no hook run. Then, with the obstacle gone, the next
// changes commit with the next sequence numbers, on the connections that
// came back to the pool (none was left inside a failed transaction).
func TestGroupCommitFailedWrite(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		ctx := context.Background()
		s := b.Open(t)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		c := w.mustCase(t, s, "موضوع", "نص")
		channel := jihat.CaseEventChannel(c.ID, jihat.VisibilityPublic)
		last, err := s.LastSeq(ctx, channel)
		if err != nil {
			t.Fatal(err)
		}
		// A row at last+1 that the counter does not know of.
		err = store.ExecSQL(ctx, s, `INSERT INTO case_events (id, case_id, entity_id, channel, seq, type, actor_id, visibility, data, created_at)
VALUES (?, ?, ?, ?, ?, 'comment', ?, 'public', '{}', ?)`, "00000000-0000-7000-8000-000000000001", c.ID, c.EntityID, channel, last+1, w.Requester.ID, s.Now())
		if err != nil {
			t.Fatal(err)
		}
		comment := func(body string) ([]jihat.CaseEvent, bool, error) {
			hooked := false
			_, events, err := s.UpdateCaseThen(ctx, c.ID, act("case.comment"), func(m *store.CaseTx) error {
				_, err := m.Event(jihat.CaseEventComment, w.Requester.ID, jihat.VisibilityPublic, jihat.CommentData{Body: body})
				return err
			}, func(*jihat.Case, []jihat.CaseEvent) { hooked = true })
			return events, hooked, err
		}
		if events, hooked, err := comment("refused by the table"); err == nil || hooked || len(events) > 0 {
			t.Fatalf("comment on a taken sequence: err %v, hook run %v, events %v", err, hooked, events)
		}
		if n, err := s.LastSeq(ctx, channel); err != nil || n != last {
			t.Fatalf("counter after the failed group: %d, %v; want %d", n, err, last)
		}
		if err := store.ExecSQL(ctx, s, `DELETE FROM case_events WHERE id = ?`, "00000000-0000-7000-8000-000000000001"); err != nil {
			t.Fatal(err)
		}
		// More groups than the pool has connections: each takes one.
		for i := range 40 {
			events, hooked, err := comment(fmt.Sprintf("after %d", i))
			if err != nil || !hooked || len(events) != 1 || events[0].Seq != last+1+int64(i) {
				t.Fatalf("comment %d after the failure: err %v, hook run %v, events %+v; want sequence %d", i, err, hooked, events, last+1+int64(i))
			}
		}
		got, err := s.Events(ctx, channel, last, 100)
		if err != nil || len(got) != 40 {
			t.Fatalf("events after the failure: %d, %v; want 40", len(got), err)
		}
	})
}
