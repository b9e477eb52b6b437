package server_test

import (
	"net/http"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestSavedLanguage: a user's saved language (PATCH /me) is the language of
// the API's answers when the request has no Accept-Language (an explicit
// header still wins; anonymous answers stay Arabic), of an upload's errors,
// and of the notifications sent to them.
func TestSavedLanguage(t *testing.T) {
	ts := testserver.Start(t)
	k := newCaseCast(t, ts)
	const missing = "/api/v1/cases/0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b"
	message := func(token string, headers ...string) string {
		t.Helper()
		st, body := ts.Do("GET", missing, token, nil, headers...)
		return testserver.Str(wantError(t, st, body, http.StatusNotFound, "ENOTFOUND", ""), "message")
	}
	ar, en := jihat.Message(jihat.LangAR, "not_found"), jihat.Message(jihat.LangEN, "not_found")
	if got := message(k.citizen.Token); got != ar {
		t.Fatalf("before saving a language: %q, want Arabic %q", got, ar)
	}
	ts.Must(http.StatusOK, "PATCH", "/api/v1/me", k.citizen.Token, map[string]any{"lang": "en"})
	for name, tt := range map[string]struct {
		token   string
		headers []string
		want    string
	}{
		"saved, no header":  {k.citizen.Token, nil, en},
		"header wins":       {k.citizen.Token, []string{"Accept-Language", "ar"}, ar},
		"unknown header":    {k.citizen.Token, []string{"Accept-Language", "fr-FR"}, en},
		"anonymous":         {"", nil, ""},
		"another user (ar)": {k.other.Token, nil, ar},
	} {
		if tt.token == "" {
			st, body := ts.Do("GET", missing, "", nil)
			if msg := testserver.Str(wantError(t, st, body, http.StatusUnauthorized, "EUNAUTHORIZED", ""), "message"); msg != jihat.Message(jihat.LangAR, "unauthorized") {
				t.Errorf("%s: %q, want Arabic", name, msg)
			}
			continue
		}
		if got := message(tt.token, tt.headers...); got != tt.want {
			t.Errorf("%s: %q, want %q", name, got, tt.want)
		}
	}
	// Labels in answers follow too.
	c := k.open(t, "موضوع", "نص")
	if got := testserver.Str(c, "status_label"); got != jihat.Status(testserver.Str(c, "status")).Label(jihat.LangEN) {
		t.Errorf("status_label %q; want English", got)
	}
	// An upload's error (served outside the JSON API).
	st, body := ts.Do("POST", "/api/v1/cases/"+testserver.Str(c, "id")+"/attachments", k.citizen.Token, "not multipart", "Content-Type", "text/plain")
	if e := wantError(t, st, body, http.StatusBadRequest, "EINVALID", ""); !isEnglish(testserver.Str(e, "message")) {
		t.Errorf("upload error %v; want English", e)
	}
	// Notifications are written in the saved language.
	flush(t, ts.Server)
	var titles []string
	for _, n := range testserver.Objects(ts.Must(http.StatusOK, "GET", "/api/v1/notifications", k.citizen.Token, nil), "notifications") {
		titles = append(titles, testserver.Str(n, "title"))
		if n["kind"] == "case.created" && !isEnglish(testserver.Str(n, "title")) {
			t.Errorf("case.created notice %q; want English", testserver.Str(n, "title"))
		}
	}
	if len(titles) == 0 {
		t.Error("no notifications")
	}
}

func isEnglish(s string) bool {
	for _, r := range s {
		if r >= 0x0600 && r <= 0x06FF {
			return false
		}
	}
	return s != ""
}
