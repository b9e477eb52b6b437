package media

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jihat/jihat"
)

// TestNameForFollowsContent (issue 11, point 9): the served name keeps the
// person's base name and takes the extension of the content; it never ends
// with an executable or script extension.
func TestNameForFollowsContent(t *testing.T) {
	for _, c := range []struct{ name, ext, want string }{
		{"setup.exe", ".png", "setup.png"},
		{"invoice.bat", ".txt", "invoice.txt"},
		{"report.ps1", ".txt", "report.txt"},
		{"run.sh", ".txt", "run.txt"},
		{"photo.JPEG", ".jpg", "photo.JPEG"},
		{"photo.jpg", ".jpg", "photo.jpg"},
		{"scan.pdf", ".png", "scan.png"},
		{"invoice.exe.bat", ".txt", "invoice.txt"},
		{"a.png.exe", ".png", "a.png"},
		{"a.exe.png", ".png", "a.png"},
		{"my.report", ".pdf", "my.report.pdf"},
		{"notes", ".txt", "notes.txt"},
		{"", ".png", "file.png"},
		{".exe", ".png", "exe.png"}, // a dot file: its name is "exe"
		{"تقرير الربع.docx", ".docx", "تقرير الربع.docx"},
		{"C:\\Users\\x\\evil.HTA", ".pdf", "evil.pdf"},
		{"x.appref-ms", ".txt", "x.txt"},
	} {
		if got := NameFor(c.name, c.ext); got != c.want {
			t.Errorf("NameFor(%q, %q) = %q, want %q", c.name, c.ext, got, c.want)
		}
	}
	// Every executable extension, in any case, alone or doubled, is replaced.
	for _, e := range ExecutableExts {
		for _, name := range []string{"f" + e, "f" + strings.ToUpper(e), "f" + e + e, "f.txt" + e} {
			for _, ext := range []string{".png", ".txt", ".pdf", ".docx", ""} {
				got := NameFor(name, ext)
				if executable(got) || !strings.HasPrefix(got, "f") {
					t.Errorf("NameFor(%q, %q) = %q", name, ext, got)
				}
			}
		}
	}
	// Names stored before: served with the content's extension.
	if got := ServeName("setup.exe", "image/png"); got != "setup.png" {
		t.Errorf("ServeName(setup.exe, image/png) = %q", got)
	}
	if got := ServeName("invoice.bat", "text/plain; charset=utf-8"); got != "invoice.txt" {
		t.Errorf("ServeName(invoice.bat, text/plain) = %q", got)
	}
	if got := ServeName("x.vbs", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"); got != "x.docx" {
		t.Errorf("ServeName(x.vbs, docx) = %q", got)
	}
}

// TestTruncatedImagesRefused (issue 11, point 9): an image cut short reads
// its header (dimensions) but is refused with image_truncated; the whole one
// passes, and so does one with bytes after its end.
func TestTruncatedImagesRefused(t *testing.T) {
	for _, name := range []string{"image.png", "image.jpg", "image.gif", "image.webp"} {
		whole := readTestdata(t, name)
		if _, err := Inspect(bytes.NewReader(whole), int64(len(whole)), Limits{}); err != nil {
			t.Fatalf("%s whole: %v", name, err)
		}
		padded := append(append([]byte{}, whole...), 0, 0, 0, 0)
		if _, err := Inspect(bytes.NewReader(padded), int64(len(padded)), Limits{}); err != nil {
			t.Errorf("%s with trailing bytes: %v", name, err)
		}
		cuts := []int{100, len(whole) / 2, len(whole) - 1}
		for _, n := range cuts {
			if n >= len(whole) || n < 40 {
				continue
			}
			_, err := Inspect(bytes.NewReader(whole[:n]), int64(n), Limits{})
			if e := jihat.AsError(err); err == nil || e.Code != jihat.EINVALID || e.Key != KeyImageTruncated && e.Key != KeyCorrupt {
				t.Errorf("%s cut to %d bytes: %v, want EINVALID %s", name, n, err, KeyImageTruncated)
			}
		}
	}
	png := readTestdata(t, "image.png")
	_, err := Inspect(bytes.NewReader(png[:100]), 100, Limits{})
	if e := jihat.AsError(err); e.Key != KeyImageTruncated {
		t.Errorf("PNG cut to 100 bytes: %v, want %s (its header reads)", err, KeyImageTruncated)
	}
}

func readTestdata(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
