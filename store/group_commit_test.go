package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
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
	g0, c0 := s.GroupCommitStats() // the cases' creations went through it too
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
	groups, changes = groups-g0, changes-c0
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

// TestGroupCommitCreate: 240 cases opened at once by 32 goroutines in four
// departments go through the group commit; one in seven is refused by its
// callback after it recorded its events, notification and assignment. Every
// accepted case is stored once with a number of its own, its two events
// (sequences 1 and 2, channel counter 2), its two intents and its audit
// entry; the refused ones leave no case, event, intent, open-case count or
// audit entry; creations shared transactions.
func TestGroupCommitCreate(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		ctx := context.Background()
		var worlds []*caseWorld
		var staff []string
		for range 4 {
			w := newCaseWorld(t, s, jihat.AssignRoundRobin)
			for range 3 {
				staff = append(staff, w.staff(t, s, 1000).ID)
			}
			worlds = append(worlds, w)
		}
		audits := auditCount(t, s)
		g0, c0 := s.GroupCommitStats()
		const writers, each = 32, 8
		boom := errors.New("refused")
		var (
			mu       sync.Mutex
			accepted []*jihat.Case
			wg       sync.WaitGroup
		)
		for i := range writers {
			wg.Go(func() {
				for j := range each {
					c := worlds[(i+j)%len(worlds)].newCase(fmt.Sprintf("طلب %d-%d", i, j), "نص")
					refuse := (i*each+j)%7 == 3
					events, err := s.CreateCase(ctx, c, act("case.create"), func(m *store.CaseTx) error {
						if _, err := m.Event(jihat.CaseEventCreated, c.RequesterID, jihat.VisibilityPublic, nil); err != nil {
							return err
						}
						if err := m.Notify("case.created", c.RequesterID, map[string]any{"number": c.Number}); err != nil {
							return err
						}
						if err := assignAuto(nil)(m); err != nil {
							return err
						}
						if refuse {
							return boom
						}
						return nil
					})
					if refuse {
						if !errors.Is(err, boom) || c.ID != "" || events != nil {
							t.Errorf("refused creation: err %v, id %q, %d events", err, c.ID, len(events))
						}
						continue
					}
					if err != nil {
						t.Errorf("creation: %v", err)
						continue
					}
					if len(events) != 2 || events[0].Seq != 1 || events[1].Seq != 2 || c.AssigneeID == "" {
						t.Errorf("case %s: events %+v, assignee %q", c.Number, events, c.AssigneeID)
					}
					mu.Lock()
					accepted = append(accepted, c)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		numbers := map[string]bool{}
		for _, c := range accepted {
			if numbers[c.Number] {
				t.Errorf("number %s given twice", c.Number)
			}
			numbers[c.Number] = true
			got, err := s.Case(ctx, c.ID)
			if err != nil || got.Number != c.Number || got.AssigneeID != c.AssigneeID || got.Status != jihat.StatusAssigned {
				t.Errorf("stored case %+v, %v; want %s assigned to %s", got, err, c.Number, c.AssigneeID)
			}
			evs, err := s.Events(ctx, jihat.CaseChannel(c.ID), 0, 0)
			if err != nil || len(evs) != 2 || evs[0].Type != jihat.CaseEventCreated || evs[1].Type != jihat.CaseEventAssigned {
				t.Errorf("events of %s: %+v, %v", c.Number, evs, err)
			}
			if seq, err := s.LastSeq(ctx, jihat.CaseChannel(c.ID)); err != nil || seq != 2 {
				t.Errorf("LastSeq of %s = %d, %v; want 2", c.Number, seq, err)
			}
		}
		n := int64(len(accepted))
		if want := int64(writers*each - (writers*each+6)/7); n != want {
			t.Errorf("%d creations accepted; want %d", n, want)
		}
		raw := b.Raw(t)
		for table, want := range map[string]int64{"cases": n, "case_events": 2 * n, "outbox": 2 * n} {
			if got := b.Count(t, raw, table); got != want {
				t.Errorf("%s has %d rows; want %d", table, got, want)
			}
		}
		if got := b.Count(t, raw.Where("channel LIKE ?", "case:%"), "channel_seqs"); got != n {
			t.Errorf("%d case channel counters; want %d", got, n)
		}
		held := 0
		for _, v := range openCounts(t, raw, staff) {
			held += v
		}
		if int64(held) != n {
			t.Errorf("open cases of the staff = %d; want %d", held, n)
		}
		if got := auditCount(t, s); got != audits+n {
			t.Errorf("audit entries %d → %d; want %d more", audits, got, n)
		}
		groups, changes := s.GroupCommitStats()
		t.Logf("%d creations in %d transactions", changes-c0, groups-g0)
		if changes-c0 != writers*each || groups-g0 >= changes-c0 {
			t.Errorf("%d creations in %d transactions: no group formed", changes-c0, groups-g0)
		}
	})
}

// TestGroupCommitState: changes to one case that share a group see each
// other's effects, also when some of them fail and their group runs again
// without them (group_fast.go): 32 goroutines each add an objection to one
// case and record an event, one change in three refused after doing so.
// The case ends with one objection per accepted change, and its channel
// with one event per accepted change, densely numbered.
func TestGroupCommitState(t *testing.T) {
	forEachBackend(t, func(t *testing.T, b *backend) {
		s := b.Open(t)
		ctx := context.Background()
		w := newCaseWorld(t, s, jihat.AssignRoundRobin)
		c := w.mustCase(t, s, "موضوع", "نص")
		before, err := s.Events(ctx, jihat.CaseChannel(c.ID), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		const writers, each = 32, 10
		var accepted atomic.Int64
		var wg sync.WaitGroup
		for i := range writers {
			wg.Go(func() {
				for j := range each {
					refuse := (i+j)%3 == 0
					_, _, err := s.UpdateCase(ctx, c.ID, act("case.count"), func(m *store.CaseTx) error {
						m.Case.Objections++
						if _, err := m.Event(jihat.CaseEventComment, w.Requester.ID, jihat.VisibilityPublic, jihat.CommentData{Body: "x"}); err != nil {
							return err
						}
						if refuse {
							return jihat.Errorf(jihat.ECONFLICT, "refused")
						}
						return nil
					})
					switch {
					case refuse && err == nil:
						t.Error("a refused change was accepted")
					case !refuse && err != nil:
						t.Error(err)
					case !refuse:
						accepted.Add(1)
					}
				}
			})
		}
		wg.Wait()
		n := accepted.Load()
		got, err := s.Case(ctx, c.ID)
		if err != nil || int64(got.Objections) != n {
			t.Fatalf("objections %d, %v; want %d (one per accepted change)", got.Objections, err, n)
		}
		evs, err := s.Events(ctx, jihat.CaseChannel(c.ID), 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if int64(len(evs)-len(before)) != n {
			t.Errorf("%d events added; want %d", len(evs)-len(before), n)
		}
		for i, e := range evs {
			if e.Seq != int64(i+1) {
				t.Fatalf("event %d has seq %d; want dense numbering", i, e.Seq)
			}
		}
		if seq, err := s.LastSeq(ctx, jihat.CaseChannel(c.ID)); err != nil || seq != int64(len(evs)) {
			t.Errorf("LastSeq = %d, %v; want %d", seq, err, len(evs))
		}
	})
}
