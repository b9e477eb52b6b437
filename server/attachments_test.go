package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/media"
)

// Tests of POST /api/v1/cases/{id}/attachments and /voice through the real
// HTTP front, with the real sample files of media/testdata. The fixtures
// (attWorld) are in attachments_world_test.go.

func TestUploadEachAllowedType(t *testing.T) {
	attOnBothDatabases(t, func(t *testing.T, db []testserver.Option) {
		w := newAttWorld(t, media.Config{}, db...)
		channel := jihat.CaseChannel(w.caseID)
		live := w.ts.For(t).DialLive(w.token(attRequester))
		evs := w.events(t, attRequester, w.caseID)
		since := int64(0)
		for _, e := range evs {
			if s, _ := e["seq"].(float64); testserver.Str(e, "channel") == channel && int64(s) > since {
				since = int64(s)
			}
		}
		if code := live.Subscribe(channel, since); code != "" {
			t.Fatalf("subscribe %s: %s", channel, code)
		}
		tests := []struct {
			file, name, kind, mime string
			voice                  bool
		}{
			{"doc.pdf", "تقرير.pdf", "document", "application/pdf", false},
			{"doc.docx", "خطاب.docx", "document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", false},
			{"sheet.xlsx", "جدول.xlsx", "document", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", false},
			{"doc.odt", "letter.odt", "document", "application/vnd.oasis.opendocument.text", false},
			{"doc.doc", "old.doc", "document", "application/msword", false},
			{"image.png", "صورة.png", "image", "image/png", false},
			{"image.jpg", "photo.jpg", "image", "image/jpeg", false},
			{"image.webp", "photo.webp", "image", "image/webp", false},
			{"voice.ogg", "voice.ogg", "audio", "audio/ogg", true},
			{"voice.webm", "voice.webm", "audio", "audio/webm", true},
			{"voice-recorder.webm", "recording.webm", "audio", "audio/webm", true},
			{"voice.m4a", "voice.m4a", "audio", "audio/mp4", true},
			{"voice-frag.mp4", "safari.mp4", "audio", "audio/mp4", true},
		}
		for _, tt := range tests {
			t.Run(tt.file, func(t *testing.T) {
				data := attSample(t, tt.file)
				field, parts := "file", []testserver.FormPart{}
				var measured int64
				if tt.voice {
					d, err := media.VoiceDuration(bytes.NewReader(data), int64(len(data)), tt.mime)
					if err != nil {
						t.Fatal(err)
					}
					measured = d.Milliseconds()
					// The claim is off by 300 ms: accepted, and the stored
					// duration is the container's, not the client's.
					field, parts = "audio", append(parts, testserver.FieldPart("duration_ms", strconv.FormatInt(measured+300, 10)))
				}
				// The client's Content-Type is a lie the server must ignore.
				part := testserver.FilePart(field, tt.name, data)
				part.Type = "application/x-msdownload"
				status, m := w.upload(t, attRequester, w.caseID, tt.voice, append(parts, part)...)
				if status != http.StatusCreated {
					t.Fatalf("status %d, want 201: %v", status, m)
				}
				a := m["attachment"].(map[string]any)
				id := testserver.Str(a, "id")
				for k, want := range map[string]string{"kind": tt.kind, "content_type": tt.mime, "name": tt.name,
					"size": strconv.Itoa(len(data)), "visibility": "public", "case_id": w.caseID, "case_number": w.number,
					"uploader_id": w.acct[attRequester].ID, "url": "/api/v1/attachments/" + id} {
					if got := testserver.Str(a, k); got != want {
						t.Errorf("attachment.%s = %q, want %q", k, got, want)
					}
				}
				if got := testserver.Str(a, "duration_ms"); tt.voice && got != strconv.FormatInt(measured, 10) || !tt.voice && got != "" {
					t.Errorf("attachment.duration_ms = %q, want %d (voice %v)", got, measured, tt.voice)
				}

				res, err := w.ts.Raw("GET", "/api/v1/attachments/"+id, w.token(attRequester), nil)
				if err != nil || res.Status != http.StatusOK || !bytes.Equal(res.Body, data) {
					t.Fatalf("download: %v %v, %d bytes (want the %d uploaded)", res.Status, err, len(res.Body), len(data))
				}
				if got := res.Header.Get("Content-Type"); got != tt.mime {
					t.Errorf("download Content-Type %q, want %q", got, tt.mime)
				}

				typ := string(jihat.CaseEventAttachment)
				if tt.voice {
					typ = string(jihat.CaseEventVoice)
				}
				ev := attachmentEvent(w.events(t, attRequester, w.caseID), id)
				if ev == nil {
					t.Fatalf("no event for attachment %s in the case's events", id)
				}
				for k, want := range map[string]string{"type": typ, "channel": channel, "visibility": "public",
					"actor.id": w.acct[attRequester].ID, "data.name": tt.name, "data.content_type": tt.mime,
					"data.size": strconv.Itoa(len(data))} {
					if got := testserver.Str(ev, k); got != want {
						t.Errorf("event %s = %q, want %q", k, got, want)
					}
				}
				if tt.voice && testserver.Str(ev, "data.duration_ms") != strconv.FormatInt(measured, 10) {
					t.Errorf("event duration_ms %q, want %d", testserver.Str(ev, "data.duration_ms"), measured)
				}

				f := live.WaitFrame(func(f testserver.LiveFrame) bool {
					return f.Type == "event" && f.Channel == channel && bytes.Contains(f.Data, []byte(id))
				})
				var got map[string]any
				if err := json.Unmarshal(f.Data, &got); err != nil {
					t.Fatal(err)
				}
				if testserver.Str(got, "type") != typ || testserver.Str(got, "data.attachment_id") != id ||
					f.Seq != int64(ev["seq"].(float64)) {
					t.Errorf("live frame seq %d %s, want seq %v type %s for %s", f.Seq, f.Data, ev["seq"], typ, id)
				}
			})
		}
	})
}

// TestUploadInternal: staff add internal files and voice notes; they go to
// the staff channel only, live and in the timeline, and the requester never
// sees them.
func TestUploadInternal(t *testing.T) {
	w := newAttWorld(t, media.Config{})
	staffChannel := jihat.CaseStaffChannel(w.caseID)
	staff := w.ts.For(t).DialLive(w.token(attSupervisor))
	if code := staff.Subscribe(staffChannel, 0); code != "" {
		t.Fatalf("supervisor subscribe %s: %s", staffChannel, code)
	}
	requester := w.ts.For(t).DialLive(w.token(attRequester))
	if code := requester.Subscribe(staffChannel, 0); code == "" {
		t.Fatalf("the requester subscribed to %s", staffChannel)
	}
	if code := requester.Subscribe(jihat.CaseChannel(w.caseID), 0); code != "" {
		t.Fatalf("requester subscribe: %s", code)
	}

	file := w.mustUploadSample(t, attAssignee, w.caseID, "doc.pdf", "مذكرة داخلية.pdf", jihat.VisibilityInternal)
	voice := w.mustUploadSample(t, attAssignee, w.caseID, "voice.ogg", "note.ogg", jihat.VisibilityInternal)
	public := w.mustUploadSample(t, attAssignee, w.caseID, "image.png", "public.png", jihat.VisibilityPublic)

	for _, a := range []map[string]any{file, voice} {
		id := testserver.Str(a, "id")
		if v := testserver.Str(a, "visibility"); v != "internal" {
			t.Errorf("visibility %q, want internal", v)
		}
		staff.WaitFrame(func(f testserver.LiveFrame) bool {
			return f.Type == "event" && f.Channel == staffChannel && bytes.Contains(f.Data, []byte(id))
		})
		ev := attachmentEvent(w.events(t, attAssignee, w.caseID), id)
		if ev == nil || testserver.Str(ev, "channel") != staffChannel || testserver.Str(ev, "visibility") != "internal" {
			t.Errorf("staff event of %s: %v", id, ev)
		}
		if ev := attachmentEvent(w.events(t, attRequester, w.caseID), id); ev != nil {
			t.Errorf("the requester sees the internal event %v", ev)
		}
	}
	// The public upload comes after the internal ones: once the requester has
	// it live, an internal frame would have arrived before it.
	pubID := testserver.Str(public, "id")
	requester.WaitFrame(func(f testserver.LiveFrame) bool { return f.Type == "event" && bytes.Contains(f.Data, []byte(pubID)) })
	for _, f := range requester.Frames() {
		if f.Type == "error" && f.Channel == staffChannel {
			continue // the refused subscription
		}
		for _, a := range []map[string]any{file, voice} {
			if bytes.Contains(f.Data, []byte(testserver.Str(a, "id"))) || f.Channel == staffChannel {
				t.Errorf("the requester got a staff frame: %+v", f)
			}
		}
	}
}

// TestUploadRefused: each refused upload answers with a coded error and
// leaves nothing behind: no row, no event, no file (not even a temporary
// one).
func TestUploadRefused(t *testing.T) {
	exe, err := os.ReadFile(os.Args[0]) // this test binary: an ELF executable
	if err != nil {
		t.Fatal(err)
	}
	html := []byte("<!DOCTYPE html>\n<html><head><title>x</title></head><body><script>alert(document.cookie)</script></body></html>\n")
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="4"/></svg>`)
	big := append(append([]byte(nil), attSample(t, "doc.pdf")...), make([]byte, 1<<20)...) // a 1 MB PDF
	pdf, png, ogg := attSample(t, "doc.pdf"), attSample(t, "image.png"), attSample(t, "voice.ogg")
	file := func(name string, data []byte, typ string) testserver.FormPart {
		p := testserver.FilePart("file", name, data)
		p.Type = typ
		return p
	}
	audio := func(data []byte) testserver.FormPart { return testserver.FilePart("audio", "voice.ogg", data) }
	field := testserver.FieldPart
	const maxSize = 64 << 10 // 0.06 MB in messages

	tests := []struct {
		name   string
		voice  bool
		parts  []testserver.FormPart
		status int
		code   string
		field  string // the field whose message is checked; "" for the main message
		key    string
		args   []any
	}{
		{"renamed executable", false, []testserver.FormPart{file("photo.png", exe, "image/png")}, 400, "EINVALID", "", "file_type_not_allowed", nil},
		{"HTML posing as an image", false, []testserver.FormPart{file("photo.jpg", html, "image/jpeg")}, 400, "EINVALID", "", "file_type_not_allowed", nil},
		{"SVG image", false, []testserver.FormPart{file("logo.svg", svg, "image/svg+xml")}, 400, "EINVALID", "", "file_type_not_allowed", nil},
		{"oversize file", false, []testserver.FormPart{file("big.pdf", big, "application/pdf")}, 413, "ETOOLARGE", "", "file_too_large", []any{"0.06"}},
		{"empty file", false, []testserver.FormPart{file("empty.pdf", nil, "application/pdf")}, 400, "EINVALID", "", "file_empty", nil},
		{"audio as an attachment", false, []testserver.FormPart{file("voice.ogg", ogg, "audio/ogg")}, 400, "EINVALID", "", "file_type_not_allowed", nil},
		{"video as a voice note", true, []testserver.FormPart{field("duration_ms", "1000"), testserver.FilePart("audio", "v.webm", attSample(t, "video.webm"))}, 400, "EINVALID", "", "file_type_not_allowed", nil},
		{"image as a voice note", true, []testserver.FormPart{field("duration_ms", "3000"), testserver.FilePart("audio", "p.png", png)}, 400, "EINVALID", "", "file_type_not_allowed", nil},
		{"duration_ms not a number", true, []testserver.FormPart{field("duration_ms", "3s"), audio(ogg)}, 400, "EINVALID", "duration_ms", "invalid_value", nil},
		{"duration_ms negative", true, []testserver.FormPart{audio(ogg), field("duration_ms", "-3000")}, 400, "EINVALID", "duration_ms", "invalid_value", nil},
		{"unknown field before the file", false, []testserver.FormPart{field("owner_id", "x"), file("a.pdf", pdf, "")}, 400, "EINVALID", "owner_id", "unknown_field", []any{"owner_id"}},
		{"unknown field after the file", false, []testserver.FormPart{file("a.pdf", pdf, ""), field("owner_id", "x")}, 400, "EINVALID", "owner_id", "unknown_field", []any{"owner_id"}},
		{"two files", false, []testserver.FormPart{file("a.pdf", pdf, ""), file("b.png", png, "")}, 400, "EINVALID", "file", "unknown_field", []any{"file"}},
		{"voice field on the attachment endpoint", false, []testserver.FormPart{file("a.pdf", pdf, ""), field("duration_ms", "3000")}, 400, "EINVALID", "duration_ms", "unknown_field", []any{"duration_ms"}},
		{"file under the wrong name", true, []testserver.FormPart{field("duration_ms", "3000"), testserver.FilePart("file", "voice.ogg", ogg)}, 400, "EINVALID", "file", "unknown_field", []any{"file"}},
		{"no file", false, []testserver.FormPart{field("visibility", "public")}, 400, "EINVALID", "file", "required", nil},
		{"no audio", true, []testserver.FormPart{field("duration_ms", "3000")}, 400, "EINVALID", "audio", "required", nil},
		{"unknown visibility", false, []testserver.FormPart{file("a.pdf", pdf, ""), field("visibility", "secret")}, 400, "EINVALID", "visibility", "invalid_visibility", nil},
		{"long field", false, []testserver.FormPart{field("visibility", string(bytes.Repeat([]byte("x"), 100))), file("a.pdf", pdf, "")}, 400, "EINVALID", "visibility", "too_long", nil},
	}
	w := newAttWorld(t, media.Config{MaxFileSize: maxSize})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := w.upload(t, attRequester, w.caseID, tt.voice, tt.parts...)
			wantRefused(t, status, body, tt.status, tt.code, tt.field, tt.key, tt.args...)
			w.assertNothingStored(t)
		})
	}

	t.Run("not multipart", func(t *testing.T) {
		for _, voice := range []bool{false, true} {
			for _, ctype := range []string{"application/json", "application/pdf", ""} {
				res, err := w.ts.Raw("POST", uploadPath(w.caseID, voice), w.token(attRequester), pdf, "Content-Type", ctype, "Accept-Language", "en")
				if err != nil {
					t.Fatal(err)
				}
				m, _ := res.JSON()
				field := "file"
				if voice {
					field = "audio"
				}
				wantRefused(t, res.Status, m, 400, "EINVALID", field, "multipart_required")
			}
		}
		w.assertNothingStored(t)
	})

	t.Run("truncated multipart body", func(t *testing.T) {
		body, ctype := testserver.MultipartForm(t, testserver.FieldPart("visibility", "public"), file("a.pdf", pdf, ""))
		for _, cut := range []int{len(body) / 2, bytes.Index(body, []byte("public")) + 3} {
			res, err := w.ts.Raw("POST", uploadPath(w.caseID, false), w.token(attRequester), body[:cut], "Content-Type", ctype, "Accept-Language", "en")
			if err != nil {
				t.Fatal(err)
			}
			m, _ := res.JSON()
			wantRefused(t, res.Status, m, 400, "EINVALID", "", media.KeyUploadIncomplete)
		}
		w.assertNothingStored(t)
	})

	t.Run("voice note longer than the limit", func(t *testing.T) {
		w := newAttWorld(t, media.Config{MaxVoiceDuration: time.Second})
		for _, sample := range []string{"voice.ogg", "voice.webm", "voice.m4a"} {
			status, body := w.upload(t, attRequester, w.caseID, true, field("duration_ms", "3000"), testserver.FilePart("audio", sample, attSample(t, sample)))
			wantRefused(t, status, body, 400, "EINVALID", "", "voice_too_long", "0:01")
		}
		w.assertNothingStored(t)
	})

	t.Run("case", func(t *testing.T) {
		status, body := w.upload(t, attRequester, "not-a-case", false, file("a.pdf", pdf, ""))
		wantError(t, status, body, 400, "EINVALID", "")
		status, body = w.upload(t, attRequester, "0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b", false, file("a.pdf", pdf, ""))
		wantError(t, status, body, 404, "ENOTFOUND", "")
		w.assertNothingStored(t)
	})
}
