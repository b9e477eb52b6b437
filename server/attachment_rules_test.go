package server_test

import (
	"bytes"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/media"
)

// TestPublicFilesNotify: a public file or voice note follows the rules of a
// public reply: from staff it tells the requester (SMS, e-mail, in-app by
// default) and counts as the first response; from the requester it tells
// the assignee; an internal one tells nobody; a resolved case takes none.
func TestPublicFilesNotify(t *testing.T) {
	w := newAttWorld(t, media.Config{})
	ts := w.ts.For(t)
	requester, assignee := w.acct[attRequester].ID, w.acct[attAssignee].ID
	kinds := func(id string) []string { return kindsOf(outboxOf(t, ts.Store, id)) }
	count := func(list []string, kind string) int {
		n := 0
		for _, k := range list {
			if k == kind {
				n++
			}
		}
		return n
	}

	beforeReq, beforeAsg := kinds(requester), kinds(assignee)
	w.mustUploadSample(t, attAssignee, w.caseID, "voice.ogg", "note.ogg", jihat.VisibilityInternal)
	w.mustUploadSample(t, attAssignee, w.caseID, "doc.pdf", "memo.pdf", jihat.VisibilityInternal)
	if got := kinds(requester); !slices.Equal(got, beforeReq) {
		t.Fatalf("internal files told the requester: %v", got)
	}

	w.mustUploadSample(t, attAssignee, w.caseID, "doc.pdf", "الرد.pdf", jihat.VisibilityPublic)
	w.mustUploadSample(t, attAssignee, w.caseID, "voice.ogg", "reply.ogg", jihat.VisibilityPublic)
	got := kinds(requester)
	if count(got, "case.attachment") != 1 || count(got, "case.voice") != 1 {
		t.Errorf("the requester's outbox after the assignee's public file and voice note: %v", got)
	}
	c := ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+w.caseID, w.token(attRequester), nil)
	if testserver.Str(c, "case.status") != "in_progress" {
		t.Errorf("after staff's first public file the case is %s; want in_progress", testserver.Str(c, "case.status"))
	}

	w.mustUploadSample(t, attRequester, w.caseID, "image.png", "صورة.png", jihat.VisibilityPublic)
	w.mustUploadSample(t, attRequester, w.caseID, "voice.ogg", "me.ogg", jihat.VisibilityPublic)
	if n := count(kinds(assignee), "case.citizen_reply") - count(beforeAsg, "case.citizen_reply"); n != 2 {
		t.Errorf("the assignee heard of %d of the requester's 2 files: %v", n, kinds(assignee))
	}

	// The in-app notice renders, with the file's name and nothing unfilled.
	flush(t, ts.Server)
	found := false
	for _, n := range testserver.Objects(ts.Must(http.StatusOK, "GET", "/api/v1/notifications", w.token(attRequester), nil), "notifications") {
		if n["kind"] == "case.attachment" {
			found = true
			if body := testserver.Str(n, "body"); !strings.Contains(body, "الرد.pdf") || strings.Contains(body, "{{") || strings.Contains(body, "<no value>") {
				t.Errorf("case.attachment notice %q", body)
			}
		}
	}
	if !found {
		t.Error("no case.attachment notice in the requester's notifications")
	}

	ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+w.caseID+"/resolve", w.token(attAssignee), map[string]any{"resolution": "تم"})
	parts := []testserver.FormPart{testserver.FieldPart("visibility", "public"), testserver.FilePart("file", "late.pdf", attSample(t, "doc.pdf"))}
	status, body := w.upload(t, attAssignee, w.caseID, false, parts...)
	if status != http.StatusConflict {
		t.Errorf("a public file on a resolved case: %d %v; want 409", status, body)
	}
}

// TestVoiceDurationIsMeasured: the server measures a voice note; the
// client's duration_ms is a hint: absent or wrong, the note is accepted
// with the measured duration.
func TestVoiceDurationIsMeasured(t *testing.T) {
	w := newAttWorld(t, media.Config{})
	data := attSample(t, "voice.ogg")
	d, err := media.VoiceDuration(bytes.NewReader(data), int64(len(data)), "audio/ogg")
	if err != nil {
		t.Fatal(err)
	}
	measured := strconv.FormatInt(d.Milliseconds(), 10)
	for name, hint := range map[string]string{"no hint": "", "a wrong hint": "9000", "a far wrong hint": "1"} {
		parts := []testserver.FormPart{testserver.FilePart("audio", "v.ogg", data)}
		if hint != "" {
			parts = append(parts, testserver.FieldPart("duration_ms", hint))
		}
		status, m := w.upload(t, attRequester, w.caseID, true, parts...)
		if status != http.StatusCreated {
			t.Fatalf("%s: %d %v; want 201", name, status, m)
		}
		if got := testserver.Str(m, "attachment.duration_ms"); got != measured {
			t.Errorf("%s: duration_ms %s, want the measured %s", name, got, measured)
		}
	}
}
