package media_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/media"
)

func TestPutAccepts(t *testing.T) {
	doc, img := media.AttachmentLimits(), media.AttachmentLimits()
	tests := []struct {
		file string
		lim  media.Limits
		kind media.Kind
		mime string
		ext  string
		dur  time.Duration // audio: expected duration (±60 ms)
		w, h int           // images
	}{
		{"doc.pdf", doc, media.KindDocument, "application/pdf", ".pdf", 0, 0, 0},
		{"doc.docx", doc, media.KindDocument, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", 0, 0, 0},
		{"sheet.xlsx", doc, media.KindDocument, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", 0, 0, 0},
		{"slides.pptx", doc, media.KindDocument, "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx", 0, 0, 0},
		{"doc.doc", doc, media.KindDocument, "application/msword", ".doc", 0, 0, 0},
		{"sheet.xls", doc, media.KindDocument, "application/vnd.ms-excel", ".xls", 0, 0, 0},
		{"slides.ppt.gz", doc, media.KindDocument, "application/vnd.ms-powerpoint", ".ppt", 0, 0, 0},
		{"doc.odt", doc, media.KindDocument, "application/vnd.oasis.opendocument.text", ".odt", 0, 0, 0},
		{"sheet.ods", doc, media.KindDocument, "application/vnd.oasis.opendocument.spreadsheet", ".ods", 0, 0, 0},
		{"slides.odp", doc, media.KindDocument, "application/vnd.oasis.opendocument.presentation", ".odp", 0, 0, 0},
		{"doc.txt", doc, media.KindDocument, "text/plain; charset=utf-8", ".txt", 0, 0, 0},
		{"doc.csv", doc, media.KindDocument, "text/csv", ".csv", 0, 0, 0},
		{"image.png", img, media.KindImage, "image/png", ".png", 0, 32, 24},
		{"image.jpg", img, media.KindImage, "image/jpeg", ".jpg", 0, 32, 24},
		{"image.gif", img, media.KindImage, "image/gif", ".gif", 0, 32, 24},
		{"image.webp", img, media.KindImage, "image/webp", ".webp", 0, 32, 24},
		{"image.heic", img, media.KindImage, "image/heic", ".heic", 0, 0, 0},
		{"voice.ogg", media.VoiceLimits(3 * time.Second), media.KindAudio, "audio/ogg", ".ogg", 3 * time.Second, 0, 0},
		{"voice.webm", media.VoiceLimits(3 * time.Second), media.KindAudio, "audio/webm", ".webm", 3 * time.Second, 0, 0},
		{"voice-live.webm", media.VoiceLimits(3 * time.Second), media.KindAudio, "audio/webm", ".webm", 3 * time.Second, 0, 0},
		{"voice-recorder.webm", media.VoiceLimits(3 * time.Second), media.KindAudio, "audio/webm", ".webm", 3 * time.Second, 0, 0},
		{"voice.m4a", media.VoiceLimits(3 * time.Second), media.KindAudio, "audio/mp4", ".m4a", 3 * time.Second, 0, 0},
		{"voice-frag.mp4", media.VoiceLimits(3 * time.Second), media.KindAudio, "audio/mp4", ".m4a", 3 * time.Second, 0, 0},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data := sample(t, tt.file)
			s := mustOpenLocal(t, media.Config{})
			p, err := s.Put(ctx, bytes.NewReader(data), tt.lim)
			if err != nil {
				t.Fatal(err)
			}
			b := p.Blob()
			sum := sha256.Sum256(data)
			if b.SHA256 != hex.EncodeToString(sum[:]) || b.Size != int64(len(data)) {
				t.Errorf("sha256 %s size %d, want %x %d", b.SHA256, b.Size, sum, len(data))
			}
			if b.Kind != tt.kind || b.MIME != tt.mime || b.Ext != tt.ext {
				t.Errorf("kind %q mime %q ext %q, want %q %q %q", b.Kind, b.MIME, b.Ext, tt.kind, tt.mime, tt.ext)
			}
			if d := b.Duration - tt.dur; d < -60*time.Millisecond || d > 60*time.Millisecond {
				t.Errorf("duration %v, want %v", b.Duration, tt.dur)
			}
			if b.Width != tt.w || b.Height != tt.h {
				t.Errorf("size %dx%d, want %dx%d", b.Width, b.Height, tt.w, tt.h)
			}
			if err := p.Commit(ctx); err != nil {
				t.Fatal(err)
			}
			f, err := s.Open(ctx, b.SHA256)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := io.ReadAll(f)
			if err != nil || !bytes.Equal(got, data) || f.Size != int64(len(data)) {
				t.Errorf("read back %d bytes (size %d, err %v), want %d", len(got), f.Size, err, len(data))
			}
			if files := storedFiles(t, s.Root()); len(files) != 1 {
				t.Errorf("stored %v, want the blob alone", files)
			}
		})
	}
}

func TestPutRefuses(t *testing.T) {
	docx := sample(t, "doc.docx")
	voice := sample(t, "voice.ogg")
	tests := []struct {
		name string
		data []byte
		lim  media.Limits
		cfg  media.Config
		code string
		key  string
	}{
		{"renamed executable", ownExecutable(t), media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyTypeNotAllowed},
		{"PE executable", append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 512)...), media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyTypeNotAllowed},
		{"Mach-O executable", append([]byte{0xCF, 0xFA, 0xED, 0xFE, 7, 0, 0, 1}, make([]byte, 512)...), media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyTypeNotAllowed},
		{"shell script", []byte("#!/bin/sh\nrm -rf ~\n"), media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyTypeNotAllowed},
		{"HTML posing as PNG", []byte("<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"), media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyTypeNotAllowed},
		{"SVG with a script", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyTypeNotAllowed},
		{"plain zip", makeZip(t, "a.txt", "hello", "b.exe", "MZ"), media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyTypeNotAllowed},
		{"zip with content types but no document", makeZip(t, "[Content_Types].xml", "<Types/>", "evil/x.xml", "x"), media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyTypeNotAllowed},
		{"docx with macros", withEntry(t, docx, "word/vbaProject.bin", "VBA"), media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyMacros},
		{"odt with macros", withEntry(t, sample(t, "doc.odt"), "Basic/Standard/Module1.xml", "<script/>"), media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyMacros},
		{"truncated docx", docx[:len(docx)/2], media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyCorrupt},
		{"JPEG header only", sample(t, "image.jpg")[:20], media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyCorrupt},
		{"image over the pixel limit", sample(t, "image.png"), media.AttachmentLimits(), media.Config{MaxImagePixels: 32*24 - 1}, jihat.EINVALID, media.KeyImageTooLarge},
		{"empty file", nil, media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyEmpty},
		{"oversize file", sample(t, "doc.pdf"), media.AttachmentLimits(), media.Config{MaxFileSize: 8 << 10}, jihat.ETOOLARGE, media.KeyTooLarge},
		{"oversize within the first 4 KiB", sample(t, "doc.pdf"), media.Limits{MaxSize: 1000}, media.Config{}, jihat.ETOOLARGE, media.KeyTooLarge},
		{"PDF as a voice note", sample(t, "doc.pdf"), media.VoiceLimits(time.Second), media.Config{}, jihat.EINVALID, media.KeyTypeNotAllowed},
		{"voice note as an attachment", voice, media.AttachmentLimits(), media.Config{}, jihat.EINVALID, media.KeyTypeNotAllowed},
		{"WebM with video", sample(t, "video.webm"), media.VoiceLimits(0), media.Config{}, jihat.EINVALID, media.KeyTypeNotAllowed},
		{"MP4 with video", sample(t, "video.mp4"), media.VoiceLimits(0), media.Config{}, jihat.EINVALID, media.KeyTypeNotAllowed},
		{"voice longer than the limit", voice, media.VoiceLimits(3 * time.Second), media.Config{MaxVoiceDuration: time.Second}, jihat.EINVALID, media.KeyVoiceTooLong},
		{"voice duration mismatch", voice, media.VoiceLimits(10 * time.Second), media.Config{}, jihat.EINVALID, media.KeyVoiceMismatch},
		{"voice cut after its headers", voice[:200], media.VoiceLimits(0), media.Config{}, jihat.EINVALID, media.KeyVoiceUnreadable},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mustOpenLocal(t, tt.cfg)
			p, err := s.Put(ctx, bytes.NewReader(tt.data), tt.lim)
			if p != nil {
				t.Errorf("got a Pending %+v with the error", p.Blob())
			}
			assertError(t, err, tt.code, tt.key)
			assertNothingStored(t, s)

			blob, err := media.Inspect(bytes.NewReader(tt.data), int64(len(tt.data)), tt.lim.Resolve(tt.cfg))
			assertError(t, err, tt.code, tt.key)
			if blob != (media.Blob{}) {
				t.Errorf("Inspect returned %+v with the error", blob)
			}
		})
	}
}
