package server_test

import (
	"net/http"
	"path/filepath"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/media"
)

// The fixtures of the attachment tests (attWorld): shared with
// attachments_test.go, downloads_test.go, archive_test.go and
// upload_crash_test.go.

// attRole is who acts in the attachment tests.
type attRole string

const (
	attAnonymous     attRole = "anonymous"
	attRequester     attRole = "requester"     // the citizen who opened the case
	attOtherCitizen  attRole = "other_citizen" // a citizen with a case of their own
	attAssignee      attRole = "assignee"      // employee of department D, assigned the case
	attSupervisor    attRole = "supervisor"    // of department D
	attEntityAdmin   attRole = "entity_admin"  // of entity A
	attOtherDept     attRole = "other_dept"    // supervisor of another department of entity A
	attOtherEntity   attRole = "other_entity"  // entity admin of entity B
	attOversight     attRole = "oversight"
	attPlatformAdmin attRole = "platform_admin"
)

var attRoles = []attRole{attAnonymous, attRequester, attOtherCitizen, attAssignee, attSupervisor, attEntityAdmin,
	attOtherDept, attOtherEntity, attOversight, attPlatformAdmin}

// attWorld is entity A (departments D and D2) and entity B with their
// staff, two citizens, oversight, and the requester's case of A assigned to
// the assignee, on a server whose media store the test can look into.
type attWorld struct {
	ts       *testserver.TestServer
	files    *media.Local
	acct     map[attRole]testserver.Account
	entity   string // A
	caseType string // of department D
	caseID   string // the requester's case
	number   string // its number
}

// newAttWorld starts a server with a media store configured by mcfg (zero:
// the defaults) and builds the fixtures.
func newAttWorld(t *testing.T, mcfg media.Config, opts ...testserver.Option) *attWorld {
	t.Helper()
	files, opt := testserver.LocalMedia(t, mcfg)
	ts := testserver.Start(t, append([]testserver.Option{opt}, opts...)...) // opts may wrap the media store
	admin := ts.Admin()
	a, b := ts.CreateEntity(admin), ts.CreateEntity(admin)
	d, d2, db := ts.CreateDepartment(admin, a), ts.CreateDepartment(admin, a), ts.CreateDepartment(admin, b)
	w := &attWorld{ts: ts, files: files, entity: a, caseType: ts.CreateCaseType(admin, a, d), acct: map[attRole]testserver.Account{
		attRequester:     ts.RegisterCitizen(),
		attOtherCitizen:  ts.RegisterCitizen(),
		attAssignee:      ts.CreateEmployee(admin, a, d, jihat.RoleEmployee),
		attSupervisor:    ts.CreateEmployee(admin, a, d, jihat.RoleSupervisor),
		attEntityAdmin:   ts.CreateEmployee(admin, a, "", jihat.RoleEntityAdmin),
		attOtherDept:     ts.CreateEmployee(admin, a, d2, jihat.RoleSupervisor),
		attOtherEntity:   ts.CreateEmployee(admin, b, db, jihat.RoleEntityAdmin),
		attOversight:     ts.CreateUser(&jihat.User{Role: jihat.RoleOversight}),
		attPlatformAdmin: {Login: testserver.AdminLogin, Password: testserver.AdminPassword, Token: admin},
	}}
	w.caseID, w.number = w.openCase(t, attRequester)
	return w
}

// attOnBothDatabases runs fn as the subtests "sqlite" and "postgres", with
// the options that choose the database (PostgreSQL is skipped when not
// configured, unless it is required).
func attOnBothDatabases(t *testing.T, fn func(t *testing.T, db []testserver.Option)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, nil) })
	t.Run("postgres", func(t *testing.T) { fn(t, []testserver.Option{testserver.Postgres()}) })
}

// token is r's session token ("" for anonymous).
func (w *attWorld) token(r attRole) string { return w.acct[r].Token }

// openCase opens a case of entity A as the citizen r, assigned to the
// assignee, and returns its ID and number.
func (w *attWorld) openCase(t *testing.T, r attRole) (id, number string) {
	t.Helper()
	ts := w.ts.For(t)
	m := ts.Must(http.StatusCreated, "POST", "/api/v1/cases", w.token(r), map[string]any{
		"entity_id": w.entity, "case_type_id": w.caseType, "subject": "طلب مرفقات", "body": "نص الطلب", "priority": "normal"})
	id = testserver.Str(m, "case.id")
	if testserver.Str(m, "case.assignee.id") != w.acct[attAssignee].ID {
		ts.Must(http.StatusOK, "POST", "/api/v1/cases/"+id+"/assign", w.token(attPlatformAdmin),
			map[string]any{"employee_id": w.acct[attAssignee].ID})
	}
	return id, testserver.Str(m, "case.number")
}

// uploadPath is the upload endpoint of a case.
func uploadPath(caseID string, voice bool) string {
	if voice {
		return "/api/v1/cases/" + caseID + "/voice"
	}
	return "/api/v1/cases/" + caseID + "/attachments"
}

// upload sends parts to the case's endpoint as r, asking for English
// messages, and returns the status and the decoded answer.
func (w *attWorld) upload(t *testing.T, r attRole, caseID string, voice bool, parts ...testserver.FormPart) (int, map[string]any) {
	t.Helper()
	body, ctype := testserver.MultipartForm(t, parts...)
	res, err := w.ts.Raw("POST", uploadPath(caseID, voice), w.token(r), body, "Content-Type", ctype, "Accept-Language", "en")
	if err != nil {
		t.Fatalf("upload: %v", err)
	}
	m, err := res.JSON()
	if err != nil {
		t.Fatalf("upload: %d, body not JSON: %s", res.Status, res.Body)
	}
	return res.Status, m
}

// mustUploadSample uploads a sample of media/testdata as r (public; a voice
// note with duration_ms 3000) and returns the attachment.
func (w *attWorld) mustUploadSample(t *testing.T, r attRole, caseID, sample, name string, vis jihat.Visibility) map[string]any {
	t.Helper()
	voice := isVoiceSample(sample)
	field := "file"
	parts := []testserver.FormPart{}
	if voice {
		field = "audio"
		parts = append(parts, testserver.FieldPart("duration_ms", "3000"))
	}
	parts = append(parts, testserver.FieldPart("visibility", string(vis)), testserver.FilePart(field, name, attSample(t, sample)))
	status, m := w.upload(t, r, caseID, voice, parts...)
	if status != http.StatusCreated {
		t.Fatalf("upload %s as %s: %d %v", sample, r, status, m)
	}
	return m["attachment"].(map[string]any)
}

func isVoiceSample(name string) bool {
	switch filepath.Ext(name) {
	case ".ogg", ".webm", ".m4a", ".mp4":
		return true
	}
	return false
}

// attSample reads a file of media/testdata.
func attSample(tb testing.TB, name string) []byte {
	tb.Helper()
	return testserver.ReadFile(tb, filepath.Join("..", "media", "testdata", name))
}

// events returns the case's events as r sees them.
func (w *attWorld) events(t *testing.T, r attRole, caseID string) []map[string]any {
	t.Helper()
	m := w.ts.For(t).Must(http.StatusOK, "GET", "/api/v1/cases/"+caseID+"/events", w.token(r), nil)
	var out []map[string]any
	for _, e := range m["events"].([]any) {
		out = append(out, e.(map[string]any))
	}
	return out
}

// attachmentEvent returns the event that announced attachment id, or nil.
func attachmentEvent(events []map[string]any, id string) map[string]any {
	for _, e := range events {
		if testserver.Str(e, "data.attachment_id") == id {
			return e
		}
	}
	return nil
}

// archive returns every attachment r finds in the archive with query (no
// leading "?"), following next_cursor.
func (w *attWorld) archive(t *testing.T, r attRole, query string) []map[string]any {
	t.Helper()
	var out []map[string]any
	cursor := ""
	for page := 0; ; page++ {
		q := query
		if cursor != "" {
			q += "&cursor=" + cursor
		}
		m := w.ts.For(t).Must(http.StatusOK, "GET", "/api/v1/attachments?"+q, w.token(r), nil)
		for _, a := range m["attachments"].([]any) {
			out = append(out, a.(map[string]any))
		}
		if cursor = testserver.Str(m, "next_cursor"); cursor == "" {
			return out
		}
		if page > 1000 {
			t.Fatal("archive: the cursor never ends")
		}
	}
}

// assertNothingStored fails unless the server holds no attachment: no row
// (counted in the database and seen by the platform admin in the archive),
// no attachment or voice event, and no file at all under the media root
// (temporary ones included).
func (w *attWorld) assertNothingStored(t *testing.T) {
	t.Helper()
	if n := w.ts.For(t).Count("attachments"); n != 0 {
		t.Errorf("%d attachment rows stored", n)
	}
	if got := w.archive(t, attPlatformAdmin, "limit=100"); len(got) != 0 {
		t.Errorf("the archive lists %d attachments: %v", len(got), got)
	}
	for _, e := range w.events(t, attPlatformAdmin, w.caseID) {
		if typ := testserver.Str(e, "type"); typ == string(jihat.CaseEventAttachment) || typ == string(jihat.CaseEventVoice) {
			t.Errorf("an event %s was recorded: %v", typ, e)
		}
	}
	if files := testserver.MediaFiles(t, w.files.Root()); len(files) != 0 {
		t.Errorf("files left under the media root: %v", files)
	}
}

// wantRefused checks an error answer: status, code, the English message of
// key (with args), and, when field is not "", that field's message.
func wantRefused(t *testing.T, status int, body map[string]any, wantStatus int, code, field, key string, args ...any) {
	t.Helper()
	e := wantError(t, status, body, wantStatus, code, field)
	msg := testserver.Str(e, "message")
	if field != "" {
		msg = testserver.Str(e, "fields."+field)
	}
	if want := jihat.Message(jihat.LangEN, key, args...); msg != want {
		t.Errorf("message %q, want %q (%s)", msg, want, key)
	}
}

// TestUploadEachAllowedType uploads every kind of allowed file through HTTP
// and checks the answer, the stored bytes, the event in the case's
// timeline and the same event live on a WebSocket subscription.
