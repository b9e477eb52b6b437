package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

func TestNotifications(t *testing.T) {
	ctx := context.Background()
	forEachBackend(t, func(t *testing.T, b *backend) {
		clk := newClock()
		s := b.Open(t, WithClock(clk))
		alice := mustUser(t, s, &jihat.User{})
		bob := mustUser(t, s, &jihat.User{})
		var ids []string
		var batch []*store.Notification
		for i := range 5 {
			m := mustEnqueue(t, s, store.Notice{Kind: "case.reply", RecipientID: alice.ID})
			batch = append(batch, &store.Notification{ID: m.ID, UserID: alice.ID, Kind: "case.reply", Title: "رد جديد", Body: "نص", CaseID: "",
				CreatedAt: clk.Now().Add(time.Duration(i) * time.Second)})
			ids = append(ids, m.ID)
		}
		if err := s.AddNotifications(ctx, batch[:2]); err != nil {
			t.Fatalf("AddNotifications: %v", err)
		}
		// Delivered twice (the first again, in a batch with the rest), stored once.
		again := &store.Notification{ID: ids[0], UserID: alice.ID, Kind: "case.reply", Title: "x", Body: "y"}
		if err := s.AddNotifications(ctx, append([]*store.Notification{again}, batch[2:]...)); err != nil {
			t.Fatalf("AddNotifications again: %v", err)
		}
		if n := b.Count(t, b.Raw(t), "notifications"); n != 5 {
			t.Fatalf("%d notification rows, want 5", n)
		}

		// Pages, newest first.
		page, next, err := s.Notifications(ctx, alice.ID, false, "", 2)
		if err != nil || len(page) != 2 || page[0].ID != ids[4] || page[1].ID != ids[3] || next != ids[3] {
			t.Fatalf("page 1 = %+v, %q, %v", page, next, err)
		}
		page, next, _ = s.Notifications(ctx, alice.ID, false, next, 2)
		if len(page) != 2 || page[0].ID != ids[2] {
			t.Fatalf("page 2 = %+v", page)
		}
		page, next, _ = s.Notifications(ctx, alice.ID, false, next, 2)
		if len(page) != 1 || next != "" || page[0].Title != "رد جديد" {
			t.Fatalf("page 3 = %+v, %q", page, next)
		}
		if others, _, _ := s.Notifications(ctx, bob.ID, false, "", 50); len(others) != 0 {
			t.Fatalf("bob sees %d notifications", len(others))
		}

		// Read one: only one's own; twice keeps the first time.
		wantCode(t, errOf(s.MarkNotificationRead(ctx, bob.ID, ids[1])), jihat.ENOTFOUND, "not_found")
		n, err := s.MarkNotificationRead(ctx, alice.ID, ids[1])
		if err != nil || n.ReadAt.IsZero() {
			t.Fatalf("MarkNotificationRead = %+v, %v", n, err)
		}
		first := n.ReadAt
		clk.Add(time.Hour)
		if n, _ = s.MarkNotificationRead(ctx, alice.ID, ids[1]); !n.ReadAt.Equal(first) {
			t.Errorf("read again at %v, want the first time %v", n.ReadAt, first)
		}
		unread, _, _ := s.Notifications(ctx, alice.ID, true, "", 50)
		if len(unread) != 4 {
			t.Fatalf("%d unread, want 4", len(unread))
		}
		if c, _ := s.UnreadNotifications(ctx, alice.ID); c != 4 {
			t.Fatalf("UnreadNotifications = %d", c)
		}
		changed, err := s.MarkAllNotificationsRead(ctx, alice.ID)
		if err != nil || changed != 4 {
			t.Fatalf("MarkAllNotificationsRead = %d, %v", changed, err)
		}
		if c, _ := s.UnreadNotifications(ctx, alice.ID); c != 0 {
			t.Fatalf("unread after read-all = %d", c)
		}
	})
}

func errOf[T any](_ T, err error) error { return err }

func TestNotificationPrefs(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		u := mustUser(t, s, &jihat.User{})
		other := mustUser(t, s, &jihat.User{})
		if got, err := s.NotificationPrefs(ctx, u.ID); err != nil || len(got) != 0 {
			t.Fatalf("fresh prefs = %+v, %v", got, err)
		}
		audits := auditCount(t, s)
		set := []store.NotificationPref{{"case.reply", "sms", false}, {"case.reply", "email", true}}
		if err := s.SetNotificationPrefs(ctx, u.ID, set, act("notifications.preferences")); err != nil {
			t.Fatal(err)
		}
		// A second change updates one and keeps the other.
		if err := s.SetNotificationPrefs(ctx, u.ID, []store.NotificationPref{{"case.reply", "sms", true}}, act("notifications.preferences")); err != nil {
			t.Fatal(err)
		}
		got, err := s.NotificationPrefs(ctx, u.ID)
		want := []store.NotificationPref{{"case.reply", "email", true}, {"case.reply", "sms", true}}
		if err != nil || len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
			t.Fatalf("prefs = %+v, %v; want %+v", got, err, want)
		}
		if theirs, _ := s.NotificationPrefs(ctx, other.ID); len(theirs) != 0 {
			t.Errorf("another user's prefs changed: %+v", theirs)
		}
		if n := auditCount(t, s); n != audits+2 {
			t.Errorf("audit rows %d, want %d", n, audits+2)
		}
	})
}

func TestNotificationTemplates(t *testing.T) {
	ctx := context.Background()
	forEachStore(t, func(t *testing.T, s *store.Store) {
		e := mustEntity(t, s)
		other := mustEntity(t, s)
		set := []store.Template{
			{Lang: jihat.LangAR, Channel: "sms", Body: "معاملتك {{.Number}}"},
			{Lang: jihat.LangEN, Channel: "email", Subject: "Case {{.Number}}", Body: "Hello {{.Name}}"},
		}
		if err := s.SetTemplates(ctx, e.ID, "case.created", set, act("notifications.templates")); err != nil {
			t.Fatal(err)
		}
		got, err := s.Templates(ctx, e.ID, "case.created")
		if err != nil || len(got) != 2 || got[0].Lang != jihat.LangAR || got[0].Body != "معاملتك {{.Number}}" ||
			got[1].Subject != "Case {{.Number}}" || got[1].EntityID != e.ID || got[1].Kind != "case.created" {
			t.Fatalf("Templates = %+v, %v", got, err)
		}
		if theirs, _ := s.Templates(ctx, other.ID, "case.created"); len(theirs) != 0 {
			t.Errorf("another entity has %d overrides", len(theirs))
		}
		if mine, _ := s.Templates(ctx, e.ID, "case.reply"); len(mine) != 0 {
			t.Errorf("another kind has %d overrides", len(mine))
		}
		// Replacing with nothing restores the defaults.
		if err := s.SetTemplates(ctx, e.ID, "case.created", nil, act("notifications.templates")); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Templates(ctx, e.ID, "case.created"); len(got) != 0 {
			t.Fatalf("after clearing: %+v", got)
		}
		wantCode(t, s.SetTemplates(ctx, "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b", "case.created", set, act("x")), jihat.ENOTFOUND, "")
	})
}
