package server_test

import (
	"bytes"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/media"
	"github.com/jihat/jihat/server"
)

// Tests of GET /api/v1/attachments/{id}: Range, names, headers, who may
// download what (with uploads and the archive), and the audit log.

// download fetches an attachment as r with extra headers (name, value pairs).
func (w *attWorld) download(t *testing.T, r attRole, id string, headers ...string) *testserver.Response {
	t.Helper()
	res, err := w.ts.Raw("GET", "/api/v1/attachments/"+id, w.token(r), nil, headers...)
	if err != nil {
		t.Fatalf("download %s: %v", id, err)
	}
	return res
}

func TestDownloadRange(t *testing.T) {
	w := newAttWorld(t, media.Config{})
	data := attSample(t, "voice.webm")
	id := testserver.Str(w.mustUploadSample(t, attRequester, w.caseID, "voice.webm", "voice.webm", jihat.VisibilityPublic), "id")
	size := len(data)

	full := w.download(t, attAssignee, id)
	if full.Status != http.StatusOK || !bytes.Equal(full.Body, data) {
		t.Fatalf("full download: %d, %d bytes, want 200 and the %d bytes uploaded", full.Status, len(full.Body), size)
	}
	if got := full.Header.Get("Accept-Ranges"); got != "bytes" {
		t.Errorf("Accept-Ranges %q, want bytes", got)
	}
	if got := full.Header.Get("Content-Length"); got != strconv.Itoa(size) {
		t.Errorf("Content-Length %q, want %d", got, size)
	}

	for _, tt := range []struct {
		rng        string
		start, end int // the slice [start, end) of the file
	}{
		{"bytes=100-1099", 100, 1100},
		{"bytes=0-0", 0, 1},
		{"bytes=0-", 0, size},
		{"bytes=6000-", 6000, size},
		{"bytes=-500", size - 500, size},
		{"bytes=4000-99999", 4000, size}, // an end past the file is cut to it
	} {
		t.Run(tt.rng, func(t *testing.T) {
			res := w.download(t, attRequester, id, "Range", tt.rng)
			if res.Status != http.StatusPartialContent {
				t.Fatalf("status %d, want 206", res.Status)
			}
			if want := fmt.Sprintf("bytes %d-%d/%d", tt.start, tt.end-1, size); res.Header.Get("Content-Range") != want {
				t.Errorf("Content-Range %q, want %q", res.Header.Get("Content-Range"), want)
			}
			if !bytes.Equal(res.Body, data[tt.start:tt.end]) {
				t.Errorf("body: %d bytes that differ from the file's [%d:%d]", len(res.Body), tt.start, tt.end)
			}
			if got := res.Header.Get("Content-Type"); got != "audio/webm" {
				t.Errorf("Content-Type %q, want audio/webm", got)
			}
		})
	}

	t.Run("two ranges", func(t *testing.T) {
		res := w.download(t, attRequester, id, "Range", "bytes=10-19,3000-3099")
		mt, params, err := mime.ParseMediaType(res.Header.Get("Content-Type"))
		if res.Status != http.StatusPartialContent || err != nil || mt != "multipart/byteranges" {
			t.Fatalf("%d %q %v, want 206 multipart/byteranges", res.Status, res.Header.Get("Content-Type"), err)
		}
		mr := multipart.NewReader(bytes.NewReader(res.Body), params["boundary"])
		for _, want := range [][2]int{{10, 20}, {3000, 3100}} {
			p, err := mr.NextPart()
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(p)
			if !bytes.Equal(got, data[want[0]:want[1]]) || p.Header.Get("Content-Range") != fmt.Sprintf("bytes %d-%d/%d", want[0], want[1]-1, size) {
				t.Errorf("part %s: %d bytes, want the file's [%d:%d]", p.Header.Get("Content-Range"), len(got), want[0], want[1])
			}
		}
	})

	t.Run("with the session cookie", func(t *testing.T) {
		// A browser's <audio src> sends the HttpOnly cookie, not a header.
		res, err := w.ts.Raw("GET", "/api/v1/attachments/"+id, "", nil,
			"Cookie", server.SessionCookie+"="+w.token(attRequester), "Range", "bytes=10-19")
		if err != nil || res.Status != http.StatusPartialContent || !bytes.Equal(res.Body, data[10:20]) {
			t.Errorf("cookie download: %v %v", res.Status, err)
		}
	})

	t.Run("not an attachment", func(t *testing.T) {
		for path, status := range map[string]int{
			"/api/v1/attachments/0190f5a6-7c3b-7a1e-9b2d-3c4d5e6f7a8b": http.StatusNotFound,
			"/api/v1/attachments/" + w.caseID:                          http.StatusNotFound,
			"/api/v1/attachments/..%2f..%2fetc%2fpasswd":               http.StatusBadRequest,
			"/api/v1/attachments/not-an-id":                            http.StatusBadRequest,
		} {
			st, body := w.ts.For(t).Do("GET", path, w.token(attPlatformAdmin), nil)
			code := map[int]string{http.StatusNotFound: jihat.ENOTFOUND, http.StatusBadRequest: jihat.EINVALID}[status]
			wantError(t, st, body, status, code, "")
		}
	})

	t.Run("unsatisfiable", func(t *testing.T) {
		res := w.download(t, attRequester, id, "Range", fmt.Sprintf("bytes=%d-", size+10))
		if res.Status != http.StatusRequestedRangeNotSatisfiable || res.Header.Get("Content-Range") != fmt.Sprintf("bytes */%d", size) {
			t.Errorf("%d %q, want 416 bytes */%d", res.Status, res.Header.Get("Content-Range"), size)
		}
	})
}

// TestDownloadNamesAndHeaders: an Arabic name round-trips through the
// upload and Content-Disposition (RFC 5987); every download carries nosniff
// and a Content-Security-Policy that runs nothing.
func TestDownloadNamesAndHeaders(t *testing.T) {
	w := newAttWorld(t, media.Config{})
	tests := []struct {
		sample, name, stored, disposition, ctype string
	}{
		{"doc.pdf", "تقرير الحالة.pdf", "تقرير الحالة.pdf", "inline", "application/pdf"},
		{"doc.docx", "خطاب رسمي (نهائي).docx", "خطاب رسمي (نهائي).docx", "attachment", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"image.png", "صورة الهوية.png", "صورة الهوية.png", "inline", "image/png"},
		{"doc.txt", "ملاحظات.txt", "ملاحظات.txt", "attachment", "text/plain; charset=utf-8"},
		{"voice.ogg", "تسجيل.ogg", "تسجيل.ogg", "inline", "audio/ogg"},
		{"doc.pdf", `C:\Users\أحمد\..\..\secret "final".pdf`, "secret 'final'.pdf", "inline", "application/pdf"},
		{"image.jpg", "photo\u202Egpj.exe", "photogpj.jpg", "inline", "image/jpeg"}, // the bidi mark goes, and the name follows the content (never .exe)
		{"doc.pdf", "", "file.pdf", "inline", "application/pdf"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := w.mustUploadSample(t, attRequester, w.caseID, tt.sample, tt.name, jihat.VisibilityPublic)
			if got := testserver.Str(a, "name"); got != tt.stored {
				t.Errorf("stored name %q, want %q", got, tt.stored)
			}
			res := w.download(t, attRequester, testserver.Str(a, "id"))
			if res.Status != http.StatusOK || !bytes.Equal(res.Body, attSample(t, tt.sample)) {
				t.Fatalf("download: %d, %d bytes", res.Status, len(res.Body))
			}
			cd := res.Header.Get("Content-Disposition")
			disp, params, err := mime.ParseMediaType(cd)
			if err != nil {
				t.Fatalf("Content-Disposition %q: %v", cd, err)
			}
			if disp != tt.disposition || params["filename"] != tt.stored {
				t.Errorf("Content-Disposition %q: %s, filename %q; want %s, %q", cd, disp, params["filename"], tt.disposition, tt.stored)
			}
			if m := quotedFilename.FindStringSubmatch(cd); m == nil || strings.ContainsFunc(m[1], func(r rune) bool { return r < 0x20 || r > 0x7e }) {
				t.Errorf("Content-Disposition %q: want a quoted ASCII fallback filename", cd)
			}
			h := res.Header
			if got := h.Get("Content-Type"); got != tt.ctype {
				t.Errorf("Content-Type %q, want %q", got, tt.ctype)
			}
			if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
				t.Errorf("X-Content-Type-Options %q, want nosniff", got)
			}
			csp := map[string]string{}
			for _, d := range strings.Split(h.Get("Content-Security-Policy"), ";") {
				if f := strings.Fields(d); len(f) > 0 {
					csp[f[0]] = strings.Join(f[1:], " ")
				}
			}
			if csp["default-src"] != "'none'" {
				t.Errorf("Content-Security-Policy %q: want default-src 'none'", h.Get("Content-Security-Policy"))
			}
			for _, d := range []string{"script-src", "script-src-elem", "connect-src", "form-action"} {
				if v, ok := csp[d]; ok {
					t.Errorf("Content-Security-Policy allows %s %s", d, v)
				}
			}
			if v := csp["frame-ancestors"]; v == "" || strings.Contains(v, "*") {
				t.Errorf("Content-Security-Policy frame-ancestors %q: want it limited", v)
			}
		})
	}
}

var quotedFilename = regexp.MustCompile(`filename="([^"]*)"`)

// TestAttachmentAuthorization is the matrix of who may upload, upload
// voice, download, and find in the archive, public and internal
// attachments of a case, and a file of another citizen's case.
func TestAttachmentAuthorization(t *testing.T) {
	attOnBothDatabases(t, func(t *testing.T, db []testserver.Option) {
		w := newAttWorld(t, media.Config{}, db...)
		pub := testserver.Str(w.mustUploadSample(t, attAssignee, w.caseID, "doc.pdf", "public.pdf", jihat.VisibilityPublic), "id")
		internal := testserver.Str(w.mustUploadSample(t, attAssignee, w.caseID, "image.png", "internal.png", jihat.VisibilityInternal), "id")
		internalVoice := testserver.Str(w.mustUploadSample(t, attSupervisor, w.caseID, "voice.m4a", "internal.m4a", jihat.VisibilityInternal), "id")
		otherCase, _ := w.openCase(t, attOtherCitizen)
		other := testserver.Str(w.mustUploadSample(t, attOtherCitizen, otherCase, "image.jpg", "mine.jpg", jihat.VisibilityPublic), "id")

		type want struct {
			upPublic, upInternal, voicePublic, voiceInternal int // on the requester's case
			getPublic, getInternal, getOther                 int
			archive                                          []string // what the archive shows of the four
		}
		staff := want{201, 201, 201, 201, 200, 200, 200, []string{pub, internal, internalVoice, other}}
		none := want{404, 404, 404, 404, 404, 404, 404, nil}
		matrix := map[attRole]want{
			attAnonymous:     {401, 401, 401, 401, 401, 401, 401, nil},
			attRequester:     {201, 403, 201, 403, 200, 404, 404, []string{pub}},
			attOtherCitizen:  {404, 404, 404, 404, 404, 404, 200, []string{other}},
			attAssignee:      staff,
			attSupervisor:    staff,
			attEntityAdmin:   staff,
			attOtherDept:     none,
			attOtherEntity:   none,
			attOversight:     {403, 403, 403, 403, 200, 404, 200, []string{pub, other}},
			attPlatformAdmin: staff,
		}
		ogg := attSample(t, "voice.ogg")
		created := 4
		for _, r := range attRoles {
			want := matrix[r]
			t.Run(string(r), func(t *testing.T) {
				for _, up := range []struct {
					what   string
					voice  bool
					vis    string
					status int
				}{
					{"file public", false, "public", want.upPublic},
					{"file internal", false, "internal", want.upInternal},
					{"voice public", true, "public", want.voicePublic},
					{"voice internal", true, "internal", want.voiceInternal},
				} {
					parts := []testserver.FormPart{testserver.FieldPart("visibility", up.vis), testserver.FilePart("file", "x.pdf", attSample(t, "doc.pdf"))}
					if up.voice {
						parts = []testserver.FormPart{testserver.FieldPart("visibility", up.vis), testserver.FieldPart("duration_ms", "3000"),
							testserver.FilePart("audio", "x.ogg", ogg)}
					}
					status, body := w.upload(t, r, w.caseID, up.voice, parts...)
					if status != up.status {
						t.Errorf("upload %s: %d, want %d: %v", up.what, status, up.status, body)
					}
					if status == http.StatusCreated {
						created++
						if got := testserver.Str(body, "attachment.visibility"); got != up.vis {
							t.Errorf("upload %s: visibility %q", up.what, got)
						}
					}
				}
				for _, get := range []struct {
					what, id string
					status   int
				}{{"public", pub, want.getPublic}, {"internal", internal, want.getInternal},
					{"internal voice", internalVoice, want.getInternal}, {"other citizen's", other, want.getOther}} {
					res := w.download(t, r, get.id)
					if res.Status != get.status {
						t.Errorf("download %s: %d, want %d", get.what, res.Status, get.status)
					}
					if res.Status != http.StatusOK && bytes.Contains(res.Body, attSample(t, "image.png")[:16]) {
						t.Errorf("download %s: refused but the body holds the file", get.what)
					}
				}
				if r == attAnonymous {
					res, err := w.ts.Raw("GET", "/api/v1/attachments", "", nil)
					if err != nil || res.Status != http.StatusUnauthorized {
						t.Errorf("anonymous archive: %v %v, want 401", res.Status, err)
					}
					return
				}
				var seen []string
				for _, a := range w.archive(t, r, "limit=100") {
					if id := testserver.Str(a, "id"); slices.Contains([]string{pub, internal, internalVoice, other}, id) {
						seen = append(seen, id)
					}
					if r == attRequester || r == attOtherCitizen || r == attOversight {
						if v := testserver.Str(a, "visibility"); v != "public" {
							t.Errorf("archive of %s lists an internal attachment %v", r, a)
						}
					}
				}
				slices.Sort(seen)
				wantSeen := slices.Clone(want.archive)
				slices.Sort(wantSeen)
				if !slices.Equal(seen, wantSeen) {
					t.Errorf("archive shows %v of the fixtures, want %v", seen, wantSeen)
				}
			})
		}
		// Refused uploads left nothing: as many rows as 201s, and no
		// temporary file (the bodies of 403 uploads were read into one).
		if n := w.ts.For(t).Count("attachments"); n != int64(created) {
			t.Errorf("%d attachment rows, want %d", n, created)
		}
		for _, f := range testserver.MediaFiles(t, w.files.Root()) {
			if strings.HasPrefix(f, "tmp") {
				t.Errorf("temporary file left: %s", f)
			}
		}
	})
}

// TestAttachmentAudit: every upload and every download (not every seek of
// an audio player) is an entry of the audit log, with who, what and from
// where.
func TestAttachmentAudit(t *testing.T) {
	w := newAttWorld(t, media.Config{})
	file := w.mustUploadSample(t, attRequester, w.caseID, "doc.pdf", "تقرير.pdf", jihat.VisibilityPublic)
	voice := w.mustUploadSample(t, attAssignee, w.caseID, "voice.webm", "voice.webm", jihat.VisibilityInternal)
	fileID, voiceID := testserver.Str(file, "id"), testserver.Str(voice, "id")

	for _, d := range []struct {
		r   attRole
		id  string
		rng string
	}{
		{attAssignee, fileID, ""},
		{attRequester, fileID, ""},
		{attSupervisor, voiceID, ""},
		{attSupervisor, voiceID, "bytes=1000-"}, // seeking in the player: the same download
		{attSupervisor, voiceID, "bytes=0-"},    // a player's first request: a download
	} {
		var h []string
		if d.rng != "" {
			h = []string{"Range", d.rng}
		}
		if res := w.download(t, d.r, d.id, append(h, "User-Agent", "audit-test/"+string(d.r))...); res.Status/100 != 2 {
			t.Fatalf("download as %s: %d", d.r, res.Status)
		}
	}
	// Refused downloads and uploads are not downloads or uploads.
	if res := w.download(t, attRequester, voiceID); res.Status != http.StatusNotFound {
		t.Fatalf("requester downloading an internal voice note: %d", res.Status)
	}

	m := w.ts.For(t).Must(http.StatusOK, "GET", "/api/v1/audit?limit=500", w.token(attPlatformAdmin), nil)
	count := map[string]int{}
	for _, e := range m["entries"].([]any) {
		e := e.(map[string]any)
		action, target, actor := testserver.Str(e, "action"), testserver.Str(e, "target"), testserver.Str(e, "actor_id")
		switch action {
		case "case.attachment", "case.voice":
			a, r := file, attRequester
			if action == "case.voice" {
				a, r = voice, attAssignee
			}
			if target != "case:"+w.caseID || actor != w.acct[r].ID || testserver.Str(e, "ip") == "" {
				t.Errorf("%s entry: target %q actor %q ip %q", action, target, actor, testserver.Str(e, "ip"))
			}
			if testserver.Str(e, "details.name") != testserver.Str(a, "name") || testserver.Str(e, "details.size") != testserver.Str(a, "size") ||
				len(testserver.Str(e, "details.sha256")) != 64 || testserver.Str(e, "details.visibility") != testserver.Str(a, "visibility") {
				t.Errorf("%s entry details %v do not name the file %v", action, e["details"], a)
			}
			count[action]++
		case "attachment.download":
			id := strings.TrimPrefix(target, "attachment:")
			var who attRole
			for _, r := range attRoles {
				if w.acct[r].ID == actor {
					who = r
				}
			}
			if testserver.Str(e, "user_agent") != "audit-test/"+string(who) || testserver.Str(e, "ip") == "" {
				t.Errorf("download entry %v: want the user agent of %s and an IP", e, who)
			}
			count[string(who)+" "+id]++
		}
	}
	want := map[string]int{"case.attachment": 1, "case.voice": 1,
		string(attAssignee) + " " + fileID: 1, string(attRequester) + " " + fileID: 1, string(attSupervisor) + " " + voiceID: 2}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%d audit entries for %q, want %d (all: %v)", count[k], k, n, count)
		}
	}
	if len(count) != len(want) {
		t.Errorf("audit entries %v, want exactly %v", count, want)
	}
}
