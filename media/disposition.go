package media

import (
	"mime"
	"path"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxNameBytes bounds a download name (most file systems stop at 255).
const maxNameBytes = 255

// ContentDisposition returns the Content-Disposition header value for a
// download named filename (the name the user uploaded): "inline" or
// "attachment", a quoted ASCII fallback for old clients, and, when the name
// is not plain ASCII, filename*=UTF-8”... (RFC 5987, RFC 6266) so an
// Arabic name survives. Folders, control characters, bidi overrides (which
// can disguise "gpj.exe" as "exe.jpg") and quotes are removed first.
func ContentDisposition(filename string, inline bool) string {
	name := CleanName(filename)
	fallback := asciiName(name)
	var b strings.Builder
	if inline {
		b.WriteString("inline")
	} else {
		b.WriteString("attachment")
	}
	b.WriteString(`; filename="`)
	b.WriteString(fallback)
	b.WriteByte('"')
	if name != fallback {
		b.WriteString("; filename*=UTF-8''")
		for i := 0; i < len(name); i++ {
			if c := name[i]; isAttrChar(c) {
				b.WriteByte(c)
			} else {
				const hexDigits = "0123456789ABCDEF"
				b.WriteByte('%')
				b.WriteByte(hexDigits[c>>4])
				b.WriteByte(hexDigits[c&0x0F])
			}
		}
	}
	return b.String()
}

// CleanName makes a user's file name safe to store and show: the last path
// element only, valid UTF-8, no control or bidi-override characters, no
// surrounding spaces or dots, at most 255 bytes (the extension kept).
// An empty result becomes "file".
func CleanName(filename string) string {
	filename = strings.ToValidUTF8(filename, "_")
	filename = filename[strings.LastIndexAny(filename, `/\`)+1:]
	filename = strings.Map(func(r rune) rune {
		switch {
		case unicode.IsControl(r),
			r >= 0x202A && r <= 0x202E, // embeddings and overrides
			r >= 0x2066 && r <= 0x2069: // isolates
			return -1
		case r == '"':
			return '\''
		}
		return r
	}, filename)
	filename = strings.Trim(filename, " .")
	if filename == "" {
		return "file"
	}
	if len(filename) > maxNameBytes {
		ext := path.Ext(filename)
		if len(ext) > 16 {
			ext = ""
		}
		stem := filename[:maxNameBytes-len(ext)]
		for !utf8.ValidString(stem) {
			stem = stem[:len(stem)-1]
		}
		filename = stem + ext
	}
	return filename
}

// asciiName replaces what is not printable ASCII (and the characters old
// clients mangle) with "_", collapsing runs; a name left without a letter
// or digit becomes "file" plus its extension.
func asciiName(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7E || r == '"' || r == '\\' || r == '%' {
			r = '_'
		}
		if r == '_' && strings.HasSuffix(b.String(), "_") {
			continue
		}
		b.WriteRune(r)
	}
	s := b.String()
	ext := path.Ext(s)
	if strings.IndexFunc(strings.TrimSuffix(s, ext), func(r rune) bool {
		return r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r))
	}) < 0 {
		if strings.Trim(ext, "._") == "" {
			ext = ""
		}
		return "file" + ext
	}
	return s
}

// isAttrChar reports whether c may appear unencoded in an RFC 5987 value.
func isAttrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}

// ServeInline reports whether a blob of this type may be shown in the
// browser (Content-Disposition: inline): images, PDF and audio. Office
// files and text are downloaded as attachments. mimeType is Blob.MIME.
func ServeInline(mimeType string) bool {
	essence, _, err := mime.ParseMediaType(mimeType)
	if err != nil {
		return false
	}
	switch essence {
	case "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif",
		"application/pdf", "audio/webm", "audio/ogg", "audio/mp4":
		return true
	}
	return false
}
