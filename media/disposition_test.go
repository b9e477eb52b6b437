package media_test

import (
	"mime"
	"strings"
	"testing"

	"github.com/jihat/jihat/media"
)

func TestContentDisposition(t *testing.T) {
	tests := []struct {
		name     string
		filename string
		inline   bool
		header   string // exact header, when given
		parsed   string // the name a client reads back
	}{
		{"ascii", "report.pdf", false, `attachment; filename="report.pdf"`, "report.pdf"},
		{"inline", "photo.jpg", true, `inline; filename="photo.jpg"`, "photo.jpg"},
		{"arabic", "تقرير الحالة ١٢.pdf", false,
			`attachment; filename="file.pdf"; filename*=UTF-8''%D8%AA%D9%82%D8%B1%D9%8A%D8%B1%20%D8%A7%D9%84%D8%AD%D8%A7%D9%84%D8%A9%20%D9%A1%D9%A2.pdf`,
			"تقرير الحالة ١٢.pdf"},
		{"mixed", "طلب-42 final.docx", false, "", "طلب-42 final.docx"},
		{"folders", `../../etc/passwd`, false, `attachment; filename="passwd"`, "passwd"},
		{"windows folders", `C:\Users\a\صورة.png`, true, "", "صورة.png"},
		{"header injection", "a.txt\r\nSet-Cookie: x=1", false, "", "a.txtSet-Cookie: x=1"},
		{"quotes", `say "hi".txt`, false, "", "say 'hi'.txt"},
		{"bidi override", "invoice\u202Egpj.exe", false, "", "invoicegpj.exe"},
		{"empty", "", false, `attachment; filename="file"`, "file"},
		{"dots", "..", false, `attachment; filename="file"`, "file"},
		{"percent", "100%.txt", false, "", "100%.txt"},
		{"invalid utf-8", "a\xffb.txt", false, "", "a_b.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := media.ContentDisposition(tt.filename, tt.inline)
			if tt.header != "" && h != tt.header {
				t.Errorf("header\n%s\nwant\n%s", h, tt.header)
			}
			if strings.ContainsAny(h, "\r\n") {
				t.Fatalf("header %q has a line break", h)
			}
			for _, r := range h {
				if r > 0x7E {
					t.Fatalf("header %q is not ASCII", h)
				}
			}
			disp, params, err := mime.ParseMediaType(h)
			if err != nil {
				t.Fatalf("%q does not parse: %v", h, err)
			}
			if want := map[bool]string{true: "inline", false: "attachment"}[tt.inline]; disp != want {
				t.Errorf("disposition %q, want %q", disp, want)
			}
			if params["filename"] != tt.parsed {
				t.Errorf("name read back %q, want %q", params["filename"], tt.parsed)
			}
		})
	}
}

func TestCleanNameKeepsTheExtensionWhenTruncating(t *testing.T) {
	long := strings.Repeat("ملف", 100) + ".pdf"
	got := media.CleanName(long)
	if len(got) > 255 || !strings.HasSuffix(got, ".pdf") || !strings.HasPrefix(got, "ملف") {
		t.Errorf("CleanName gave %d bytes: %q", len(got), got)
	}
}

func TestServeInline(t *testing.T) {
	for mimeType, want := range map[string]bool{
		"image/png": true, "application/pdf": true, "audio/webm": true, "audio/mp4": true,
		"text/plain; charset=utf-8": false, "application/msword": false, "text/html": false, "": false,
	} {
		if got := media.ServeInline(mimeType); got != want {
			t.Errorf("ServeInline(%q) = %v, want %v", mimeType, got, want)
		}
	}
}
