package server_test

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/notify"
	"github.com/jihat/jihat/store"
)

// The worker's default backoff (server.NotifyConfig): the first retry
// after 15–30 s, doubled each attempt; a claim is held for 2 minutes.
const (
	retryBase = 30 * time.Second
	lease     = 2 * time.Minute
)

// TestGatewayFailsThreeTimesThenSucceeds: the SMS gateway answers 503
// three times, then accepts. Each retry waits its exponential backoff (the
// clock is moved, nothing sleeps), the SMS is delivered once, the four
// attempts are recorded, and the e-mail that went out the first time is not
// sent again.
func TestGatewayFailsThreeTimesThenSucceeds(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db ...testserver.Option) {
		g := startGateway(t, func(n int) (int, string) {
			if n <= 3 {
				return http.StatusServiceUnavailable, `{"error": "busy"}`
			}
			return http.StatusOK, `{"id": "gw-ok"}`
		})
		d, err := notify.NewDelivery(notify.DeliveryConfig{SMS: notify.SMSConfig{URL: g.srv.URL}}) // e-mail to the log
		if err != nil {
			t.Fatal(err)
		}
		clock := newSettableClock()
		ts := testserver.Start(t, append(db, withNotifier(d), withClock(clock))...)
		citizen := registerPerson(t, ts, "ar")
		ts.OpenCase(citizen.Token, ts.NewCaseSetup(""), "طلب", "نص الطلب") // nobody to assign: one message

		for attempt := 1; attempt <= 3; attempt++ {
			if n := flush(t, ts.Server); n != 1 {
				t.Fatalf("attempt %d: flush handled %d messages, want 1", attempt, n)
			}
			msgs := outboxOf(t, ts.Store, citizen.ID)
			if len(msgs) != 1 || msgs[0].Status != store.OutboxPending || msgs[0].Attempts != attempt ||
				!strings.Contains(msgs[0].LastError, "503") {
				t.Fatalf("after failure %d: outbox %+v", attempt, msgs)
			}
			// The retry waits between half and all of base·2^(attempt-1).
			full := retryBase << (attempt - 1)
			wait := msgs[0].AvailableAt.Sub(clock.Now())
			if wait < full/2-time.Second || wait > full+time.Second {
				t.Fatalf("after failure %d: retry in %v, want %v–%v", attempt, wait, full/2, full)
			}
			clock.Add(full/2 - time.Second)
			if n := flush(t, ts.Server); n != 0 {
				t.Fatalf("after failure %d: retried before its backoff", attempt)
			}
			clock.Add(full/2 + time.Second)
		}
		if n := flush(t, ts.Server); n != 1 {
			t.Fatalf("fourth attempt: flush handled %d messages", n)
		}
		clock.Add(24 * time.Hour)
		if n := flush(t, ts.Server); n != 0 {
			t.Errorf("%d messages handled again after success", n)
		}

		if reqs := g.requests(); len(reqs) != 4 {
			t.Errorf("%d gateway requests, want 4 (3 refused, 1 accepted)", len(reqs))
		}
		msgs := outboxOf(t, ts.Store, citizen.ID)
		if len(msgs) != 1 || msgs[0].Status != store.OutboxSent || msgs[0].Attempts != 4 || msgs[0].SentAt.IsZero() ||
			!strings.Contains(msgs[0].ProviderID, "sms=gw-ok") {
			t.Fatalf("outbox %+v; want sent after 4 attempts with the gateway's ID", msgs)
		}
		deliveries, err := ts.Store.Deliveries(context.Background(), msgs[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{notify.ChannelSMS: 4, notify.ChannelEmail: 1, notify.ChannelInApp: 1}
		for _, dl := range deliveries {
			if dl.Status != store.DeliverySent || dl.Attempts != want[dl.Channel] {
				t.Errorf("%s: %s after %d attempts; want sent after %d", dl.Channel, dl.Status, dl.Attempts, want[dl.Channel])
			}
			delete(want, dl.Channel)
		}
		if len(want) != 0 {
			t.Errorf("no delivery recorded for %v", want)
		}
	})
}

// TestPendingSentAfterRestart: a node dies with messages pending — one in
// backoff after its notifier failed, one it had claimed and was sending,
// one queued after it died. A node started later on the same database
// (here in the same process: server.New over the store, as `jihat serve`
// does) sends each of them exactly once, and not before the dead node's
// lease runs out.
func TestPendingSentAfterRestart(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db ...testserver.Option) {
		down := &recorder{}
		down.failWith(func(notify.Message) error { return errGateway })
		clock := newSettableClock()
		ts := testserver.Start(t, append(db, withNotifier(down), withClock(clock))...)
		cs := ts.NewCaseSetup("")
		citizen := registerPerson(t, ts, "ar")
		ctx := context.Background()

		ts.OpenCase(citizen.Token, cs, "الأولى", "نص")
		if n := flush(t, ts.Server); n != 1 {
			t.Fatalf("flush handled %d, want 1", n)
		}
		second := testserver.Str(ts.OpenCase(citizen.Token, cs, "الثانية", "نص"), "id")
		// The first node's worker claims the second message and dies mid-send.
		claimed, err := ts.Store.ClaimOutbox(ctx, clock.Now(), 10, lease)
		if err != nil || len(claimed) != 1 || claimed[0].CaseID != second {
			t.Fatalf("claim = %+v, %v; want the second case's message", claimed, err)
		}
		// Queued while no node runs a worker.
		if err := ts.Store.Enqueue(ctx, store.Notice{Kind: "case.reply", RecipientID: citizen.ID, Data: map[string]any{"body": "رد"}}); err != nil {
			t.Fatal(err)
		}
		if got := down.all(); len(got) != 0 {
			t.Fatalf("the failing notifier delivered %d messages", len(got))
		}
		statuses := func() (out []string) {
			for _, m := range outboxOf(t, ts.Store, citizen.ID) {
				out = append(out, m.Status)
			}
			return out
		}
		if got := statuses(); !slices.Equal(got, []string{store.OutboxPending, store.OutboxSending, store.OutboxPending}) {
			t.Fatalf("before the restart: %v", got)
		}

		up := &recorder{}
		srv := restart(t, ts, up)
		if n := flush(t, srv); n != 1 { // the new one; the others wait for backoff and lease
			t.Fatalf("at restart: flush handled %d, want 1", n)
		}
		clock.Add(lease + time.Second)
		if n := flush(t, srv); n != 2 {
			t.Fatalf("after the lease: flush handled %d, want 2", n)
		}
		clock.Add(24 * time.Hour)
		if n := flush(t, srv); n != 0 {
			t.Errorf("%d messages handled again", n)
		}
		if got := statuses(); !slices.Equal(got, []string{store.OutboxSent, store.OutboxSent, store.OutboxSent}) {
			t.Errorf("after the restart: %v", got)
		}
		for _, ch := range []struct{ channel, address string }{{notify.ChannelSMS, citizen.Mobile}, {notify.ChannelEmail, citizen.Email}} {
			var kinds []string
			ids := map[string]bool{}
			for _, m := range up.sent(ch.channel, ch.address) {
				kinds, ids[m.ID] = append(kinds, m.Kind), true
			}
			slices.Sort(kinds)
			if want := []string{"case.created", "case.created", "case.reply"}; !slices.Equal(kinds, want) || len(ids) != 3 {
				t.Errorf("%s after the restart: %v (%d messages); want %v, once each", ch.channel, kinds, len(ids), want)
			}
		}
	})
}

// eachDatabase runs fn on SQLite and on PostgreSQL; db selects it.
func eachDatabase(t *testing.T, fn func(t *testing.T, db ...testserver.Option)) {
	t.Run("sqlite", func(t *testing.T) { fn(t) })
	t.Run("postgres", func(t *testing.T) { fn(t, testserver.Postgres()) })
}

// notifyCast is a case cast whose citizen has a mobile and an e-mail, with
// a recorder for what is sent.
func notifyCast(t *testing.T, lang string) (*testserver.TestServer, *caseCast, person, *recorder) {
	t.Helper()
	rec := &recorder{}
	ts := testserver.Start(t, withNotifier(rec))
	k := newCaseCast(t, ts)
	citizen := registerPerson(t, ts, lang)
	k.citizen = citizen.Account
	return ts, k, citizen, rec
}

// kindsTo lists the kinds of what rec sent on channel to address.
func kindsTo(rec *recorder, channel, address string) []string {
	var out []string
	for _, m := range rec.sent(channel, address) {
		out = append(out, m.Kind)
	}
	return out
}

// TestNoNotificationForInternalNote: an internal note and an internal file
// on a citizen's case queue nothing for the citizen and reach them on no
// channel; a public reply does.
func TestNoNotificationForInternalNote(t *testing.T) {
	ts, k, citizen, rec := notifyCast(t, "ar")
	id := testserver.Str(k.open(t, "موضوع", "نص"), "id")
	flush(t, ts.Server)
	before, sent := kindsOf(outboxOf(t, ts.Store, citizen.ID)), len(rec.all())
	if !slices.Equal(before, []string{"case.created", "case.assigned_requester"}) {
		t.Fatalf("citizen's outbox %v", before)
	}

	const secret = "ملاحظة داخلية: المستفيد كثير الشكاوى"
	ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", k.employee.Token,
		map[string]any{"body": secret, "visibility": "internal"})
	ts.MustUpload(http.StatusCreated, "/api/v1/cases/"+id+"/attachments", k.employee.Token,
		testserver.FieldPart("visibility", "internal"), testserver.FilePart("file", "internal.pdf", attSample(t, "doc.pdf")))
	if got := kindsOf(outboxOf(t, ts.Store, citizen.ID)); !slices.Equal(got, before) {
		t.Errorf("after an internal note the citizen's outbox is %v, want %v", got, before)
	}
	flush(t, ts.Server)
	if got := rec.all(); len(got) != sent {
		t.Errorf("%d messages sent after the internal note: %+v", len(got)-sent, got[sent:])
	}
	unread := testserver.Get(ts.Must(http.StatusOK, "GET", "/api/v1/notifications", citizen.Token, nil), "unread_count")
	if unread != float64(2) {
		t.Errorf("citizen's unread in-app notifications: %v, want 2", unread)
	}

	ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", k.employee.Token,
		map[string]any{"body": "نعمل على طلبك", "visibility": "public"})
	after := slices.Concat(before, []string{"case.reply"})
	if got := kindsOf(outboxOf(t, ts.Store, citizen.ID)); !slices.Equal(got, after) {
		t.Errorf("after a public reply the citizen's outbox is %v", got)
	}
	flush(t, ts.Server)
	for _, ch := range []struct{ channel, address string }{{notify.ChannelSMS, citizen.Mobile}, {notify.ChannelEmail, citizen.Email}} {
		if got := kindsTo(rec, ch.channel, ch.address); !slices.Equal(got, after) {
			t.Errorf("%s to the citizen: %v", ch.channel, got)
		}
	}
	for _, m := range rec.all() {
		if strings.Contains(m.Text, secret) || strings.Contains(m.Subject, secret) {
			t.Errorf("the internal note reached %s%s by %s", m.Email, m.Mobile, m.Channel)
		}
	}
}

// TestPreferencesRespected: a citizen who turns SMS off for replies gets
// them by e-mail and in the app only, and every other kind as before; the
// login of a new employee cannot be turned off, through the API or not.
func TestPreferencesRespected(t *testing.T) {
	ts, k, citizen, rec := notifyCast(t, "ar")
	m := ts.Must(http.StatusOK, "PUT", "/api/v1/me/notification-preferences", citizen.Token,
		map[string]any{"preferences": map[string]any{"case.reply": map[string]bool{"sms": false}}})
	prefs, _ := m["preferences"].(map[string]any) // kinds have dots: no testserver.Get
	for _, p := range []struct {
		kind, channel string
		want          bool
	}{{"case.reply", "sms", false}, {"case.reply", "email", true}, {"case.reply", "in_app", true}, {"case.created", "sms", true}} {
		if got := testserver.Get(prefs[p.kind], p.channel); got != p.want {
			t.Errorf("%s %s = %v, want %v", p.kind, p.channel, got, p.want)
		}
	}
	if _, ok := prefs[notify.KindCredentials]; ok || len(prefs) == 0 {
		t.Errorf("the preferences offer %s, or nothing: %v", notify.KindCredentials, m)
	}

	id := testserver.Str(k.open(t, "موضوع", "نص"), "id")
	ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", k.employee.Token,
		map[string]any{"body": "تم استلام طلبك", "visibility": "public"})
	flush(t, ts.Server)
	if got := kindsTo(rec, notify.ChannelSMS, citizen.Mobile); !slices.Equal(got, []string{"case.created", "case.assigned_requester"}) {
		t.Errorf("SMS to the citizen: %v; want no case.reply", got)
	}
	if got := kindsTo(rec, notify.ChannelEmail, citizen.Email); !slices.Equal(got, []string{"case.created", "case.assigned_requester", "case.reply"}) {
		t.Errorf("e-mail to the citizen: %v", got)
	}
	var inApp []string
	for _, n := range testserver.Objects(ts.Must(http.StatusOK, "GET", "/api/v1/notifications", citizen.Token, nil), "notifications") {
		inApp = append(inApp, testserver.Str(n, "kind"))
	}
	if !slices.Contains(inApp, "case.reply") {
		t.Errorf("in-app notifications %v lack case.reply", inApp)
	}
	msgs := outboxOf(t, ts.Store, citizen.ID)
	reply := msgs[len(msgs)-1]
	ds, err := ts.Store.Deliveries(context.Background(), reply.ID)
	if err != nil {
		t.Fatal(err)
	}
	var channels []string
	for _, d := range ds {
		channels = append(channels, d.Channel)
	}
	if reply.Kind != "case.reply" || reply.Status != store.OutboxSent || !slices.Equal(channels, []string{notify.ChannelEmail, notify.ChannelInApp}) {
		t.Errorf("reply %s %s delivered on %v; want e-mail and in-app", reply.Kind, reply.Status, channels)
	}

	// The credentials are fixed: the API refuses to change them ...
	for _, token := range []string{citizen.Token, k.employee.Token} {
		st, body := ts.Do("PUT", "/api/v1/me/notification-preferences", token,
			map[string]any{"preferences": map[string]any{notify.KindCredentials: map[string]bool{"email": false}}})
		e := wantError(t, st, body, http.StatusBadRequest, "EINVALID", "preferences."+notify.KindCredentials)
		fields, _ := e["fields"].(map[string]any)
		if msg := fields["preferences."+notify.KindCredentials]; msg != jihat.Message(jihat.LangAR, "notification_not_configurable") {
			t.Errorf("message %q", msg)
		}
	}
	// ... and a choice stored anyway does not stop them.
	ctx := context.Background()
	off := []store.NotificationPref{{Kind: notify.KindCredentials, Channel: notify.ChannelEmail, Enabled: false}}
	if err := ts.Store.SetNotificationPrefs(ctx, k.employee.ID, off, jihat.AuditEntry{Action: "test"}); err != nil {
		t.Fatal(err)
	}
	if err := ts.Store.Enqueue(ctx, store.Notice{Kind: notify.KindCredentials, RecipientID: k.employee.ID, Secret: true,
		Data: map[string]any{"password": "Temp-Pass-2026"}}); err != nil {
		t.Fatal(err)
	}
	flush(t, ts.Server)
	if got := kindsTo(rec, notify.ChannelEmail, k.employee.Login); !slices.Contains(got, notify.KindCredentials) {
		t.Errorf("e-mail to the employee: %v; want the credentials", got)
	}
}

// TestObjectionReceived: the citizen who objects is told, on every channel
// and in their language, that the objection was received and the case
// escalated; the row is written with the objection, so a refused objection
// queues nothing.
func TestObjectionReceived(t *testing.T) {
	for _, lang := range []string{"ar", "en"} {
		t.Run(lang, func(t *testing.T) {
			ts, k, citizen, rec := notifyCast(t, lang)
			k.setPerms(k.supervisor, []string{"case.handle"}, nil)
			c := k.open(t, "موضوع", "نص")
			id, number := testserver.Str(c, "id"), testserver.Str(c, "number")
			ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/resolve", k.employee.Token, map[string]any{"resolution": "تم"})
			before := kindsOf(outboxOf(t, ts.Store, citizen.ID))

			st, body := k.act(k.citizen.Token, id, "object", map[string]any{"reason": ""})
			wantError(t, st, body, http.StatusBadRequest, "EINVALID", "reason")
			if got := kindsOf(outboxOf(t, ts.Store, citizen.ID)); !slices.Equal(got, before) {
				t.Fatalf("after a refused objection the outbox is %v, want %v", got, before)
			}
			const reason = "الحل غير كاف"
			ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/object", citizen.Token, map[string]any{"reason": reason})
			// Received, then handled by the supervisor it was escalated to.
			want := slices.Concat(before, []string{"case.objection_received", "case.assigned_requester"})
			if got := kindsOf(outboxOf(t, ts.Store, citizen.ID)); !slices.Equal(got, want) {
				t.Fatalf("the citizen's outbox after the objection: %v", got)
			}
			if got := kindsOf(outboxOf(t, ts.Store, k.supervisor.ID)); !slices.Contains(got, "case.objection") {
				t.Errorf("the supervisor's outbox %v lacks case.objection", got)
			}
			flush(t, ts.Server)

			s := onlyOfKind(t, rec.sent(notify.ChannelSMS, citizen.Mobile), "case.objection_received")
			e := onlyOfKind(t, rec.sent(notify.ChannelEmail, citizen.Email), "case.objection_received")
			word := map[string]string{"ar": "اعتراضك", "en": "objection"}[lang]
			for _, text := range []string{s.Text, e.Subject, e.Text} {
				if !strings.Contains(text, number) || !strings.Contains(text, word) {
					t.Errorf("%s text %q lacks the number or %q", lang, text, word)
				}
			}
			if hasArabic(s.Text+e.Subject) != (lang == "ar") { // the body quotes the Arabic reason
				t.Errorf("%s: SMS %q, subject %q in the wrong language", lang, s.Text, e.Subject)
			}
			if !strings.Contains(e.Text, reason) || strings.Contains(e.Text, "{{") || strings.Contains(e.Text, "<no value>") {
				t.Errorf("e-mail body %q", e.Text)
			}
			var inApp []string
			for _, n := range testserver.Objects(ts.Must(http.StatusOK, "GET", "/api/v1/notifications", citizen.Token, nil), "notifications") {
				inApp = append(inApp, testserver.Str(n, "kind"))
			}
			if !slices.Contains(inApp, "case.objection_received") {
				t.Errorf("in-app notifications %v", inApp)
			}
		})
	}
}

// onlyOfKind returns the one message of kind among msgs.
func onlyOfKind(t *testing.T, msgs []notify.Message, kind string) notify.Message {
	t.Helper()
	var out []notify.Message
	for _, m := range msgs {
		if m.Kind == kind {
			out = append(out, m)
		}
	}
	if len(out) != 1 {
		t.Fatalf("%d messages of kind %s among %+v", len(out), kind, msgs)
	}
	return out[0]
}
