package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// TestGroupCommit: many writers at once on one case channel, and on many,
// through UpdateCaseThen (the group commit). Every accepted change is stored
// exactly once, with dense sequence numbers per channel; a change its rules
// refuse after it wrote an event, or whose statement fails (PostgreSQL),
// leaves nothing while the others of its group commit; the hooks run in
// sequence order per channel, each after its change committed.
func TestGroupCommit(t *testing.T) {
	for _, cases := range []int{1, 10} {
		t.Run(fmt.Sprintf("%d channels", cases), func(t *testing.T) {
			forEachBackend(t, func(t *testing.T, b *backend) {
				testGroupCommit(t, b, cases)
			})
		})
	}
}

func testGroupCommit(t *testing.T, b *backend, ncases int) {
	ctx := context.Background()
	s := b.Open(t)
	w := newCaseWorld(t, s, jihat.AssignRoundRobin)
	emp := w.staff(t, s, 10)
	cases := make([]*jihat.Case, ncases)
	for i := range cases {
		cases[i] = w.mustCase(t, s, "موضوع", "نص")
	}
	const writers, each = 32, 20
	var (
		mu       sync.Mutex
		hookSeqs = map[string][]int64{} // channel → sequences in hook order
		accepted = map[string]bool{}    // bodies of accepted comments
		refused  = map[string]bool{}
	)
	var wg sync.WaitGroup
	for i := range writers {
		wg.Go(func() {
			for j := range each {
				c := cases[(i*each+j)%ncases]
				body := fmt.Sprintf("w%d-%d", i, j)
				refuse := j%5 == 4                         // refused by its rules after writing
				broken := j%7 == 6 && b.Name == "postgres" // a statement fails (value too long)
				_, events, err := s.UpdateCaseThen(ctx, c.ID, act("case.comment"), func(m *store.CaseTx) error {
					if _, err := m.Event(jihat.CaseEventComment, emp.ID, jihat.VisibilityPublic, jihat.CommentData{Body: body}); err != nil {
						return err
					}
					if err := m.Notify("case.reply", w.Requester.ID, map[string]any{"body": body}); err != nil {
						return err
					}
					if broken {
						return m.AddAttachment(&store.Attachment{UploaderID: emp.ID, Visibility: jihat.Visibility(strings.Repeat("x", 40)),
							Kind: "document", Name: "a.pdf", MIME: "application/pdf", SHA256: strings.Repeat("0", 64)})
					}
					if refuse {
						return jihat.Errorf(jihat.ECONFLICT, "refused")
					}
					return nil
				}, func(c *jihat.Case, events []jihat.CaseEvent) {
					mu.Lock()
					defer mu.Unlock()
					for _, e := range events {
						hookSeqs[e.Channel] = append(hookSeqs[e.Channel], e.Seq)
					}
				})
				mu.Lock()
				switch {
				case refuse || broken:
					if err == nil {
						t.Errorf("%s: a change that failed was accepted", body)
					}
					refused[body] = true
				case err != nil:
					t.Errorf("%s: %v", body, err)
				case len(events) != 1 || events[0].Seq == 0:
					t.Errorf("%s: events %+v", body, events)
				default:
					accepted[body] = true
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(accepted) == 0 || len(refused) == 0 {
		t.Fatalf("accepted %d, refused %d: the test exercises nothing", len(accepted), len(refused))
	}
	stored := map[string]int{}
	for _, c := range cases {
		ch := jihat.CaseChannel(c.ID)
		evs, err := s.Events(ctx, ch, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		for i, e := range evs {
			if e.Seq != int64(i+1) {
				t.Fatalf("%s: event %d has seq %d; want dense numbering", ch, i, e.Seq)
			}
			if e.Type == jihat.CaseEventComment {
				var d jihat.CommentData
				if err := json.Unmarshal(e.Data, &d); err != nil {
					t.Fatal(err)
				}
				stored[d.Body]++
			}
		}
		// The hooks saw this channel's comments in sequence order.
		seqs := hookSeqs[ch]
		for k := 1; k < len(seqs); k++ {
			if seqs[k] != seqs[k-1]+1 {
				t.Fatalf("%s: hooks ran with seq %d after %d", ch, seqs[k], seqs[k-1])
			}
		}
	}
	for body := range accepted {
		if stored[body] != 1 {
			t.Errorf("accepted %s stored %d times", body, stored[body])
		}
	}
	for body, n := range stored {
		if !accepted[body] {
			t.Errorf("%s stored %d times but was not accepted", body, n)
		}
	}
	// One outbox row and one audit entry per accepted change, none for the
	// refused ones.
	raw := b.Raw(t)
	var outbox int64
	if err := raw.Table("outbox").Where("kind = ? AND recipient_id = ?", "case.reply", w.Requester.ID).Count(&outbox).Error; err != nil {
		t.Fatal(err)
	}
	if outbox != int64(len(accepted)) {
		t.Errorf("outbox rows = %d, want %d", outbox, len(accepted))
	}
	if _, err := s.ChainAudit(ctx); err != nil {
		t.Fatal(err)
	}
	var audits int64
	if err := raw.Table("audit_log").Where("action = ?", "case.comment").Count(&audits).Error; err != nil {
		t.Fatal(err)
	}
	if audits != int64(len(accepted)) {
		t.Errorf("audit entries = %d, want %d", audits, len(accepted))
	}
	auditCount(t, s) // the chain is intact
	groups, changes := s.GroupCommitStats()
	t.Logf("%d changes in %d transactions", changes, groups)
	if changes != writers*each || groups >= changes {
		t.Errorf("%d changes in %d transactions: no group formed", changes, groups)
	}
}

// TestGroupCommitClosed: a change after Close is refused, not lost in a queue.
func TestGroupCommitClosed(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		c := w.mustCase(t, s, "موضوع", "نص")
		update(t, s, c.ID, func(m *store.CaseTx) error { return nil })
		s.Close()
		if _, _, err := s.UpdateCase(context.Background(), c.ID, act("x"), func(*store.CaseTx) error { return nil }); jihat.ErrorCode(err) != jihat.EUNAVAILABLE {
			t.Fatalf("UpdateCase after Close: %v", err)
		}
	})
}
