package media

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"io"
	"strings"

	"github.com/jihat/jihat"
)

// maxZipEntries bounds the central directory read by archive/zip, which
// allocates per entry: an office document has tens of entries, a hostile
// 25 MB zip could claim half a million.
const maxZipEntries = 10_000

// odfTypes are the OpenDocument types accepted, by the content of their
// "mimetype" entry.
var odfTypes = map[string]string{
	"application/vnd.oasis.opendocument.text":         ".odt",
	"application/vnd.oasis.opendocument.spreadsheet":  ".ods",
	"application/vnd.oasis.opendocument.presentation": ".odp",
}

// ooxmlTypes are the Office Open XML types accepted, by the folder of
// their main part.
var ooxmlTypes = []struct{ dir, mime, ext string }{
	{"word/", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"},
	{"xl/", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"},
	{"ppt/", "application/vnd.openxmlformats-officedocument.presentationml.presentation", ".pptx"},
}

// checkZip accepts a zip only when it is an OOXML or OpenDocument file
// without macros, and sets the type from its entries. Nothing is
// decompressed but the few bytes of an OpenDocument "mimetype" entry.
func checkZip(r io.ReaderAt, size int64, b *Blob, _ Limits) error {
	if n, ok := zipEntries(r, size); ok && n > maxZipEntries {
		return corrupt()
	}
	zr, err := zip.NewReader(r, size)
	if err != nil || len(zr.File) == 0 || len(zr.File) > maxZipEntries {
		return corrupt()
	}
	var contentTypes, macros bool
	dirs := make([]bool, len(ooxmlTypes))
	for _, f := range zr.File {
		lower := strings.ToLower(f.Name)
		if strings.HasSuffix(lower, "vbaproject.bin") || strings.HasPrefix(lower, "basic/") {
			macros = true
		}
		if f.Name == "[Content_Types].xml" {
			contentTypes = true
		}
		for i, t := range ooxmlTypes {
			dirs[i] = dirs[i] || strings.HasPrefix(f.Name, t.dir)
		}
	}
	if first := zr.File[0]; first.Name == "mimetype" {
		m, err := readSmall(first, 100)
		if err != nil {
			return corrupt()
		}
		ext, ok := odfTypes[string(bytes.TrimSpace(m))]
		if !ok {
			return notAllowed()
		}
		if macros {
			return jihat.Errorf(jihat.EINVALID, KeyMacros)
		}
		b.MIME, b.Ext = string(bytes.TrimSpace(m)), ext
		return nil
	}
	if !contentTypes {
		return notAllowed()
	}
	for i, t := range ooxmlTypes {
		if dirs[i] {
			if macros {
				return jihat.Errorf(jihat.EINVALID, KeyMacros)
			}
			b.MIME, b.Ext = t.mime, t.ext
			return nil
		}
	}
	return notAllowed()
}

// readSmall reads at most n bytes of a zip entry.
func readSmall(f *zip.File, n int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, n))
}

// zipEntries reads the entry count from the end of central directory
// record; ok is false when there is none or it defers to ZIP64.
func zipEntries(r io.ReaderAt, size int64) (n int, ok bool) {
	tail := make([]byte, min(size, 22+65535))
	if _, err := r.ReadAt(tail, size-int64(len(tail))); err != nil {
		return 0, false
	}
	i := bytes.LastIndex(tail, []byte("PK\x05\x06"))
	if i < 0 || len(tail)-i < 22 {
		return 0, false
	}
	count := binary.LittleEndian.Uint16(tail[i+10:])
	if count == 0xFFFF {
		return 0, false
	}
	return int(count), true
}
