package media_test

import (
	"bytes"
	"mime"
	"testing"
	"time"

	"github.com/gabriel-vasile/mimetype"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/media"
)

// Fuzz targets for everything that reads untrusted bytes: the sniffing and
// allow-list (Inspect) and each container parser. They must never panic,
// hang or allocate what a length field claims, and must answer with a
// coded error or a consistent result. Run one with, for example:
//
//	go test -run '^$' -fuzz '^FuzzWebMDuration$' -fuzztime 20s ./media/

func addSamples(f *testing.F, names ...string) {
	f.Helper()
	for _, name := range names {
		data := sample(f, name)
		f.Add(data)
		f.Add(data[:len(data)/2]) // cut short, like an interrupted upload
	}
}

var allSamples = []string{
	"doc.pdf", "doc.docx", "doc.doc", "doc.odt", "doc.txt", "doc.csv",
	"sheet.xlsx", "sheet.xls", "sheet.ods", "slides.pptx", "slides.odp",
	"image.png", "image.jpg", "image.gif", "image.webp", "image.heic",
	"voice.ogg", "voice.webm", "voice-live.webm", "voice-recorder.webm", "voice.m4a", "voice-frag.mp4",
	"video.webm", "video.mp4",
}

// neverAccepted are sniffed types that must never come out of Inspect.
var neverAccepted = map[string]bool{
	"text/html": true, "image/svg+xml": true, "application/xhtml+xml": true, "text/xml": true,
	"application/x-elf": true, "application/x-executable": true, "application/x-sharedlib": true,
	"application/vnd.microsoft.portable-executable": true, "application/x-mach-binary": true,
	"text/x-shellscript": true, "text/javascript": true, "text/x-php": true, "text/x-python": true,
}

func FuzzInspect(f *testing.F) {
	addSamples(f, allSamples...)
	f.Add([]byte("<!DOCTYPE html><script>alert(1)</script>"))
	f.Add([]byte("#!/bin/sh\necho\n"))
	f.Add(makeZip(f, "[Content_Types].xml", "<Types/>", "word/document.xml", "<w/>"))
	f.Add(makeZip(f, "mimetype", "application/vnd.oasis.opendocument.text", "content.xml", "<x/>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		lim := media.Limits{MaxSize: 1 << 20, MaxImagePixels: 1 << 24}
		b, err := media.Inspect(bytes.NewReader(data), int64(len(data)), lim)
		if err != nil {
			e := jihat.AsError(err)
			if (e.Code != jihat.EINVALID && e.Code != jihat.ETOOLARGE) || !jihat.HasMessage(e.Key) {
				t.Fatalf("error %v: want EINVALID or ETOOLARGE with a catalogue key", err)
			}
			return
		}
		sniffed, _, _ := mime.ParseMediaType(mimetype.Detect(data).String())
		switch {
		case neverAccepted[sniffed]:
			t.Fatalf("accepted a %s as %+v", sniffed, b)
		case b.Size != int64(len(data)) || b.MIME == "" || b.Ext == "":
			t.Fatalf("incomplete blob %+v", b)
		case b.Kind != media.KindDocument && b.Kind != media.KindImage && b.Kind != media.KindAudio:
			t.Fatalf("kind %q", b.Kind)
		case b.Kind == media.KindAudio && (b.Duration <= 0 || b.Duration > media.DefaultMaxVoiceDuration+time.Second):
			t.Fatalf("audio with duration %v", b.Duration)
		case int64(b.Width)*int64(b.Height) > lim.MaxImagePixels:
			t.Fatalf("image of %dx%d over the limit", b.Width, b.Height)
		}
	})
}

// fuzzDuration checks one parser: a duration is positive and plausible,
// an error is coded.
func fuzzDuration(f *testing.F, mimeType string, seeds ...string) {
	addSamples(f, seeds...)
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := media.VoiceDuration(bytes.NewReader(data), int64(len(data)), mimeType)
		if err != nil {
			if e := jihat.AsError(err); e.Code != jihat.EINVALID || !jihat.HasMessage(e.Key) {
				t.Fatalf("error %v: want EINVALID with a catalogue key", err)
			}
			return
		}
		if d <= 0 || d > 100*time.Hour {
			t.Fatalf("duration %v", d)
		}
	})
}

func FuzzOggDuration(f *testing.F) { fuzzDuration(f, "audio/ogg", "voice.ogg") }

func FuzzWebMDuration(f *testing.F) {
	fuzzDuration(f, "audio/webm", "voice.webm", "voice-live.webm", "voice-recorder.webm", "video.webm")
}

func FuzzMP4Duration(f *testing.F) {
	fuzzDuration(f, "audio/mp4", "voice.m4a", "voice-frag.mp4", "video.mp4")
}
