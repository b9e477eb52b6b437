package server_test

import (
	"net/http"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
)

// TestAttachmentNamesFollowContent (issue 11, point 9): a PNG uploaded as
// setup.exe is listed and downloaded as setup.png; text sent as invoice.bat
// or report.ps1 as invoice.txt and report.txt; a PNG cut to 100 bytes
// (whose header still reads) is refused with image_truncated and nothing is
// stored.
func TestAttachmentNamesFollowContent(t *testing.T) {
	ts := testserver.Start(t)
	k := newCaseCast(t, ts)
	id := testserver.Str(k.open(t, "أسماء الملفات", "نص"), "id")
	png := testserver.ReadFile(t, "../media/testdata/image.png")
	text := []byte("Write-Host 'hello'\r\nRemove-Item C:\\ -Recurse\r\n")
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"setup.exe", png, "setup.png"},
		{"invoice.bat", text, "invoice.txt"},
		{"report.ps1", text, "report.txt"},
	} {
		res, err := ts.Upload("/api/v1/cases/"+id+"/attachments", k.citizen.Token, testserver.FilePart("file", c.name, c.data))
		if err != nil || res.Status != http.StatusCreated {
			t.Fatalf("%s: %v %v", c.name, res, err)
		}
		m, _ := res.JSON()
		if got := testserver.Str(m, "attachment.name"); got != c.want {
			t.Errorf("%s stored as %q, want %q", c.name, got, c.want)
		}
		dl, err := ts.Raw("GET", "/api/v1/attachments/"+testserver.Str(m, "attachment.id"), k.citizen.Token, nil)
		if err != nil || dl.Status != http.StatusOK {
			t.Fatalf("%s: download %v %v", c.name, dl, err)
		}
		if cd := dl.Header.Get("Content-Disposition"); cd != `inline; filename="`+c.want+`"` && cd != `attachment; filename="`+c.want+`"` {
			t.Errorf("%s served with Content-Disposition %q, want the name %q", c.name, cd, c.want)
		}
	}
	before := len(ts.CaseEvents(k.citizen.Token, id, "since=0"))
	res, err := ts.Upload("/api/v1/cases/"+id+"/attachments", k.citizen.Token, testserver.FilePart("file", "cut.png", png[:100]))
	if err != nil {
		t.Fatal(err)
	}
	m, _ := res.JSON()
	e := wantError(t, res.Status, m, http.StatusBadRequest, jihat.EINVALID, "")
	if e["message"] != jihat.Message(jihat.LangAR, "image_truncated") {
		t.Errorf("cut PNG: %v, want image_truncated", e)
	}
	if n := len(ts.CaseEvents(k.citizen.Token, id, "since=0")); n != before {
		t.Errorf("%d events after a refused upload, want %d", n, before)
	}
}
