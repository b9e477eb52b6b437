package server_test

import (
	"net/http"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/notify"
)

// codeIn returns the six-digit code of the last message of msgs.
func codeIn(tb testing.TB, msgs []notify.Message) string {
	tb.Helper()
	if len(msgs) == 0 {
		tb.Fatal("no message carrying a code")
	}
	code := regexp.MustCompile(`\b[0-9]{6}\b`).FindString(msgs[len(msgs)-1].Text)
	if code == "" {
		tb.Fatalf("no code in %q", msgs[len(msgs)-1].Text)
	}
	return code
}

// wrongCode is a code that differs from code.
func wrongCode(code string) string {
	if code == "000000" {
		return "111111"
	}
	return "000000"
}

// wantField checks a 400 EINVALID answer (in English) whose field says key.
func wantField(tb testing.TB, status int, body map[string]any, field, key string) {
	tb.Helper()
	e := wantError(tb, status, body, http.StatusBadRequest, jihat.EINVALID, field)
	if got := e["fields"].(map[string]any)[field]; got != jihat.Message(jihat.LangEN, key) {
		tb.Fatalf("field %s: %q, want the text of %s", field, got, key)
	}
}

// TestContactVerification (issue 11, point 4): anyone can type someone
// else's e-mail or mobile when registering, so an address hears nothing from
// the platform but its six-digit code until the code comes back; the
// account works meanwhile and its notices stay in the app. Codes expire
// after 10 minutes and die after 5 wrong tries; a resend is throttled; a
// changed address is unverified again; a password reset, too, goes only to
// verified addresses. Staff addresses, vouched for by their admin, are
// verified from the start.
func TestContactVerification(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db ...testserver.Option) {
		rec := &recorder{}
		clock := newSettableClock()
		ts := testserver.Start(t, append(db, withNotifier(rec), withClock(clock))...)
		k := newCaseCast(t, ts)
		email, mobile := ts.Email("verify"), testserver.Mobile(time.Now().UnixNano()%100_000_000)
		started := time.Now()
		m := ts.Must(http.StatusCreated, "POST", "/api/v1/auth/register", "", map[string]any{
			"name": "مواطن التحقق", "email": email, "mobile": "0" + mobile[4:], "password": testserver.Password})
		cit := testserver.Account{ID: testserver.Str(m, "user.id"), Login: email, Password: testserver.Password,
			Token: ts.Login(email, testserver.Password)} // the first login: no code needed
		if d := time.Since(started); d > 5*time.Second {
			t.Errorf("registration and first login took %v", d)
		}
		k.citizen = cit
		me := func() map[string]any { return ts.Must(http.StatusOK, "GET", "/api/v1/me", cit.Token, nil) }
		wantVerified := func(step string, email, mobile bool) {
			t.Helper()
			u := me()
			e, m := testserver.Str(u, "user.email_verified"), testserver.Str(u, "user.mobile_verified")
			if e != strconv.FormatBool(email) || m != strconv.FormatBool(mobile) {
				t.Fatalf("%s: /me says email_verified %q, mobile_verified %q; want %v, %v", step, e, m, email, mobile)
			}
		}
		wantVerified("registered", false, false)
		if u := ts.Must(http.StatusOK, "GET", "/api/v1/me", k.employee.Token, nil); testserver.Str(u, "user.email_verified") != "true" {
			t.Errorf("an employee's e-mail, set by their admin, is not verified: %v", u)
		}

		// Registration sent one code to each address, and nothing else.
		flush(t, ts.Server)
		mails, texts := rec.sent(notify.ChannelEmail, email), rec.sent(notify.ChannelSMS, mobile)
		if len(mails) != 1 || mails[0].Kind != notify.KindVerifyEmail || len(texts) != 1 || texts[0].Kind != notify.KindVerifyMobile {
			t.Fatalf("after registering: e-mails %+v, SMS %+v; want one code each", mails, texts)
		}
		mailCode, smsCode := codeIn(t, mails), codeIn(t, texts)

		// The account works, but its notices stay in the app.
		id := testserver.Str(k.open(t, "طلب قبل التحقق", "نص"), "id")
		k.act(k.employee.Token, id, "comments", map[string]any{"body": "رد علني", "visibility": "public"})
		flush(t, ts.Server)
		if n, s := len(rec.sent(notify.ChannelEmail, email)), len(rec.sent(notify.ChannelSMS, mobile)); n != 1 || s != 1 {
			t.Errorf("unverified addresses got %d e-mails and %d SMS, want only the codes", n, s)
		}
		list := ts.Must(http.StatusOK, "GET", "/api/v1/notifications", cit.Token, nil)
		if n, _ := testserver.Get(list, "notifications").([]any); len(n) < 2 {
			t.Errorf("in-app notices: %v, want the case's", list)
		}

		verify := func(channel, code string) (int, map[string]any) {
			return ts.Do("POST", "/api/v1/me/contacts/verify", cit.Token, map[string]any{"channel": channel, "code": code}, "Accept-Language", "en")
		}
		// Five wrong tries end the code: the right one is refused after.
		for i := 1; i <= jihat.ContactCodeTries; i++ {
			st, body := verify("mobile", wrongCode(smsCode))
			wantField(t, st, body, "code", "contact_code_invalid")
		}
		st, body := verify("mobile", smsCode)
		wantField(t, st, body, "code", "contact_code_exhausted")
		wantVerified("after six tries", false, false)

		// The e-mail's code works (Arabic-Indic digits too).
		arabic := []rune{}
		for _, r := range mailCode {
			arabic = append(arabic, '٠'+(r-'0'))
		}
		if st, body := verify("email", string(arabic)); st != http.StatusOK || testserver.Str(body, "user.email_verified") != "true" {
			t.Fatalf("verify e-mail: %d %v", st, body)
		}
		wantVerified("e-mail verified", true, false)
		if st, body := verify("email", mailCode); st != http.StatusConflict {
			t.Errorf("verify a verified e-mail again: %d %v, want 409", st, body)
		}

		// A new mobile code; a second resend at once is throttled.
		resend := func(channel string) (int, map[string]any) {
			return ts.Do("POST", "/api/v1/me/contacts/resend", cit.Token, map[string]any{"channel": channel})
		}
		if st, body := resend("mobile"); st != http.StatusAccepted {
			t.Fatalf("resend: %d %v", st, body)
		}
		res, err := ts.Raw("POST", "/api/v1/me/contacts/resend", cit.Token, map[string]any{"channel": "mobile"})
		if err != nil || res.Status != http.StatusTooManyRequests || res.Header.Get("Retry-After") == "" {
			t.Errorf("second resend at once: %v %v, want 429 with Retry-After", res, err)
		}
		if st, _ := resend("email"); st != http.StatusConflict {
			t.Errorf("resend to a verified e-mail: %d, want 409", st)
		}
		flush(t, ts.Server)
		smsCode = codeIn(t, rec.sent(notify.ChannelSMS, mobile))
		// It lasts ten minutes.
		clock.Add(jihat.ContactCodeTTL + time.Second)
		st, body = verify("mobile", smsCode)
		wantField(t, st, body, "code", "contact_code_expired")
		if st, body := resend("mobile"); st != http.StatusAccepted {
			t.Fatalf("resend after the minute: %d %v", st, body)
		}
		flush(t, ts.Server)
		if st, body := verify("mobile", codeIn(t, rec.sent(notify.ChannelSMS, mobile))); st != http.StatusOK {
			t.Fatalf("verify mobile: %d %v", st, body)
		}
		wantVerified("both verified", true, true)

		// Verified: the next public reply goes by e-mail and SMS.
		mailsBefore, textsBefore := len(rec.sent(notify.ChannelEmail, email)), len(rec.sent(notify.ChannelSMS, mobile))
		k.act(k.employee.Token, id, "comments", map[string]any{"body": "رد علني ثان", "visibility": "public"})
		flush(t, ts.Server)
		if len(rec.sent(notify.ChannelEmail, email)) != mailsBefore+1 || len(rec.sent(notify.ChannelSMS, mobile)) != textsBefore+1 {
			t.Errorf("a verified person's reply notice: e-mails %d→%d, SMS %d→%d; want one more each", mailsBefore,
				len(rec.sent(notify.ChannelEmail, email)), textsBefore, len(rec.sent(notify.ChannelSMS, mobile)))
		}

		// A new e-mail needs the current password, and is unverified again.
		newEmail := ts.Email("moved")
		st, body = ts.Do("PATCH", "/api/v1/me", cit.Token, map[string]any{"email": newEmail})
		wantError(t, st, body, http.StatusBadRequest, jihat.EINVALID, "current_password")
		st, body = ts.Do("PATCH", "/api/v1/me", cit.Token, map[string]any{"email": k.employee.Login, "current_password": testserver.Password})
		wantError(t, st, body, http.StatusConflict, jihat.ECONFLICT, "")
		ts.Must(http.StatusOK, "PATCH", "/api/v1/me", cit.Token, map[string]any{"email": newEmail, "current_password": testserver.Password})
		wantVerified("e-mail changed", false, true)
		flush(t, ts.Server)
		if got := rec.sent(notify.ChannelEmail, newEmail); len(got) != 1 || got[0].Kind != notify.KindVerifyEmail {
			t.Fatalf("the new e-mail got %+v, want its code only", got)
		}
		k.act(k.employee.Token, id, "comments", map[string]any{"body": "رد علني ثالث", "visibility": "public"})
		ts.Must(http.StatusAccepted, "POST", "/api/v1/auth/password-reset", "", map[string]any{"login": newEmail})
		flush(t, ts.Server)
		if got := rec.sent(notify.ChannelEmail, newEmail); len(got) != 1 {
			t.Errorf("the unverified new e-mail got %d messages, want only its code", len(got))
		}
		if got := rec.sent(notify.ChannelSMS, mobile); got[len(got)-1].Kind != notify.KindPasswordReset {
			t.Errorf("the verified mobile did not get the reset code: last SMS %q", got[len(got)-1].Kind)
		}
		// Whoever has no address on a channel is told so; a bad channel is 400.
		st, body = ts.Do("POST", "/api/v1/me/contacts/resend", k.employee.Token, map[string]any{"channel": "mobile"})
		wantError(t, st, body, http.StatusBadRequest, jihat.EINVALID, "channel")
		st, body = ts.Do("POST", "/api/v1/me/contacts/verify", cit.Token, map[string]any{"channel": "fax", "code": "123456"})
		wantError(t, st, body, http.StatusBadRequest, jihat.EINVALID, "channel")
	})
}
