package server_test

import (
	"net/http"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestStaffMustSayVisibility: a staff comment or file without visibility is
// refused with a coded error naming the field, in Arabic and English, and
// writes nothing (an internal note must never become public by default);
// over the socket too. The requester's comment and file without it are
// public; the requester may not write an internal one.
func TestStaffMustSayVisibility(t *testing.T) {
	ts := testserver.Start(t)
	k := newCaseCast(t, ts)
	id := testserver.Str(k.open(t, "ظهور الرسائل", "نص"), "id")
	events := func() int { return len(ts.CaseEvents(k.admin.Token, id, "since=0&staff_since=0")) }
	png := testserver.ReadFile(t, "../media/testdata/image.png")

	for name, staff := range map[string]testserver.Account{"employee": k.employee, "entity_admin": k.admin} {
		before := events()
		for _, lang := range []string{"ar", "en"} {
			st, b := ts.Do("POST", "/api/v1/cases/"+id+"/comments", staff.Token, map[string]any{"body": "ملاحظة"}, "Accept-Language", lang)
			e := wantError(t, st, b, http.StatusBadRequest, jihat.EINVALID, "visibility")
			msg := e["fields"].(map[string]any)["visibility"].(string)
			if (lang == "ar") != hasArabic(msg) {
				t.Errorf("%s, %s: the visibility message is %q", name, lang, msg)
			}
		}
		res, err := ts.Upload("/api/v1/cases/"+id+"/attachments", staff.Token, testserver.FilePart("file", "a.png", png))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := res.JSON()
		wantError(t, res.Status, b, http.StatusBadRequest, jihat.EINVALID, "visibility")
		ws := ts.DialLive(staff.Token)
		if code := ws.Command("comment", jihat.CaseChannel(id), map[string]any{"body": "ملاحظة"}); code != jihat.EINVALID {
			t.Errorf("%s: a socket comment without visibility: %q, want %s", name, code, jihat.EINVALID)
		}
		if n := events(); n != before {
			t.Errorf("%s: %d events written by refused requests", name, n-before)
		}
		// Saying it works, both ways.
		ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", staff.Token, map[string]any{"body": "ملاحظة", "visibility": "internal"})
		ts.MustUpload(http.StatusCreated, "/api/v1/cases/"+id+"/attachments", staff.Token,
			testserver.FieldPart("visibility", "public"), testserver.FilePart("file", "a.png", png))
		if code := ws.Command("comment", jihat.CaseStaffChannel(id), map[string]any{"body": "على قناة الموظفين"}); code != "" {
			t.Errorf("%s: a comment on the staff channel (internal by its name): %q", name, code)
		}
	}

	// The requester: public without saying so; never internal.
	m := ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", k.citizen.Token, map[string]any{"body": "شكراً"})
	if got := testserver.Str(m, "event.visibility"); got != "public" {
		t.Errorf("the requester's comment is %q, want public", got)
	}
	att := ts.MustUpload(http.StatusCreated, "/api/v1/cases/"+id+"/attachments", k.citizen.Token, testserver.FilePart("file", "b.png", png))
	if got := testserver.Str(att, "attachment.visibility"); got != "public" {
		t.Errorf("the requester's file is %q, want public", got)
	}
	st, b := ts.Do("POST", "/api/v1/cases/"+id+"/comments", k.citizen.Token, map[string]any{"body": "سر", "visibility": "internal"})
	wantError(t, st, b, http.StatusForbidden, jihat.EFORBIDDEN, "")
}
