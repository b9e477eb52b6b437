package media

import (
	"io"
	"mime"
	"time"

	"github.com/gabriel-vasile/mimetype"

	"github.com/jihat/jihat"
)

// sniffLen is how much of the start of a file is sniffed: mimetype's
// default read limit (its global SetLimit is left alone).
const sniffLen = 4096

// Blob describes stored content. Everything in it comes from the bytes.
type Blob struct {
	SHA256   string        // lowercase hex; the storage key
	Size     int64         // bytes
	MIME     string        // the Content-Type to serve, e.g. "audio/webm", "text/plain; charset=utf-8"
	Kind     Kind          // document, image or audio
	Ext      string        // canonical extension with the dot, e.g. ".pdf"
	Duration time.Duration // audio only
	Width    int           // images, when read (not HEIC/HEIF)
	Height   int
}

// sniff decides from the first bytes which rule applies, before anything is
// written: an executable or an HTML page is refused without storing a byte.
func sniff(head []byte, lim Limits) (rule, string, error) {
	detected := mimetype.Detect(head).String()
	essence, _, err := mime.ParseMediaType(detected)
	if err != nil {
		return rule{}, "", notAllowed()
	}
	r, ok := rules[essence]
	if !ok || !lim.allows(r.kind) {
		return rule{}, "", notAllowed()
	}
	return r, detected, nil
}

// finish applies the rule to the whole file and returns its Blob (without
// SHA256).
func finish(r io.ReaderAt, size int64, ru rule, detected string, lim Limits) (Blob, error) {
	b := Blob{Size: size, MIME: ru.mime, Kind: ru.kind, Ext: ru.ext}
	if b.MIME == "" {
		b.MIME = detected
	}
	if ru.check != nil {
		if err := ru.check(r, size, &b, lim); err != nil {
			return Blob{}, err
		}
	}
	return b, nil
}

// Inspect checks a whole file of size bytes against lim and the
// allow-list (allow.go) and describes it. It is what Store.Put runs on its
// temporary file; SHA256 is left empty. lim's zero fields take the package
// defaults.
//
// Errors are *jihat.Error: ETOOLARGE file_too_large; EINVALID file_empty,
// file_type_not_allowed, file_corrupt, office_macros_not_allowed,
// image_too_large, voice_too_long, voice_duration_mismatch,
// voice_unreadable. Other errors come from reading r.
func Inspect(r io.ReaderAt, size int64, lim Limits) (Blob, error) {
	lim = lim.Resolve(Config{})
	switch {
	case size <= 0:
		return Blob{}, jihat.Errorf(jihat.EINVALID, KeyEmpty)
	case size > lim.MaxSize:
		return Blob{}, tooLarge(lim.MaxSize)
	}
	head := make([]byte, min(size, sniffLen))
	if n, err := r.ReadAt(head, 0); n < len(head) {
		if err == nil {
			err = io.ErrUnexpectedEOF
		}
		return Blob{}, err
	}
	ru, detected, err := sniff(head, lim)
	if err != nil {
		return Blob{}, err
	}
	return finish(r, size, ru, detected, lim)
}
