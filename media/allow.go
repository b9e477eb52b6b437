package media

import "io"

// The allow-list. A type is accepted only when the bytes say so (mimetype
// sniffs the first 4 KiB) and, for containers, when a second look at the
// whole file agrees:
//
// Documents
//   - PDF.
//   - Word, Excel, PowerPoint 2007+ (DOCX, XLSX, PPTX): the zip must hold
//     [Content_Types].xml and word/document.xml, xl/workbook.xml or
//     ppt/presentation.xml; a vbaProject.bin (macros: DOCM, XLSM...) is
//     refused. A zip that mimetype calls plain application/zip is looked at
//     the same way, since its first 4 KiB may not reach the word/ entries.
//   - OpenDocument text, spreadsheet, presentation (ODT, ODS, ODP): the
//     first entry "mimetype" names the type; Basic/ macros are refused.
//   - Word, Excel, PowerPoint 97-2003 (DOC, XLS, PPT), still common in
//     government offices: the OLE directory is read (ole.go) and must hold
//     a WordDocument, Workbook or PowerPoint Document stream and no VBA
//     storage; password-protected files cannot be inspected and are refused.
//   - Plain text and CSV (served with their charset; never as HTML).
//
// Images: JPEG, PNG (and APNG), GIF, WebP (dimensions read, at most
// MaxImagePixels), HEIC/HEIF as iPhones send them (dimensions not read).
// Not SVG (it runs scripts), not BMP/TIFF (no need).
//
// Audio (voice notes): Opus in WebM (Chrome, Firefox, Edge MediaRecorder;
// mimetype says video/webm, so the tracks are read and must all be audio),
// Opus in Ogg (Firefox), AAC or Opus in MP4 (Safari, iPhone), again with
// audio tracks only.
//
// Everything else is refused with EINVALID file_type_not_allowed: executables
// (ELF, PE, Mach-O, scripts: they sniff as their own types, never as text),
// HTML, SVG, XML, archives, video.

// rule is how one sniffed type is accepted.
type rule struct {
	kind Kind
	mime string // served Content-Type; "" keeps the sniffed one (text with its charset)
	ext  string
	// check looks at the whole file; it may refine b.MIME and b.Ext and
	// fill Duration, Width and Height.
	check func(r io.ReaderAt, size int64, b *Blob, lim Limits) error
}

// rules is keyed by the type mimetype detects (without parameters).
// It is never written after initialisation.
var rules = map[string]rule{
	"application/pdf": {kind: KindDocument, mime: "application/pdf", ext: ".pdf"},
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   {kind: KindDocument, check: checkZip},
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         {kind: KindDocument, check: checkZip},
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": {kind: KindDocument, check: checkZip},
	"application/vnd.oasis.opendocument.text":                                   {kind: KindDocument, check: checkZip},
	"application/vnd.oasis.opendocument.spreadsheet":                            {kind: KindDocument, check: checkZip},
	"application/vnd.oasis.opendocument.presentation":                           {kind: KindDocument, check: checkZip},
	"application/zip":               {kind: KindDocument, check: checkZip},
	"application/x-ole-storage":     {kind: KindDocument, check: checkOLE},
	"application/msword":            {kind: KindDocument, check: checkOLE},
	"application/vnd.ms-excel":      {kind: KindDocument, check: checkOLE},
	"application/vnd.ms-powerpoint": {kind: KindDocument, check: checkOLE},
	"text/plain":                    {kind: KindDocument, ext: ".txt"},
	"text/csv":                      {kind: KindDocument, ext: ".csv"},

	"image/jpeg": {kind: KindImage, mime: "image/jpeg", ext: ".jpg", check: checkImage},
	"image/png":  {kind: KindImage, mime: "image/png", ext: ".png", check: checkImage},
	"image/apng": {kind: KindImage, mime: "image/png", ext: ".png", check: checkImage},
	"image/gif":  {kind: KindImage, mime: "image/gif", ext: ".gif", check: checkImage},
	"image/webp": {kind: KindImage, mime: "image/webp", ext: ".webp", check: checkImage},
	"image/heic": {kind: KindImage, mime: "image/heic", ext: ".heic"},
	"image/heif": {kind: KindImage, mime: "image/heif", ext: ".heif"},

	"audio/ogg":   {kind: KindAudio, mime: "audio/ogg", ext: ".ogg", check: checkAudio},
	"video/webm":  {kind: KindAudio, mime: "audio/webm", ext: ".webm", check: checkAudio},
	"video/mp4":   {kind: KindAudio, mime: "audio/mp4", ext: ".m4a", check: checkAudio},
	"audio/mp4":   {kind: KindAudio, mime: "audio/mp4", ext: ".m4a", check: checkAudio},
	"audio/x-m4a": {kind: KindAudio, mime: "audio/mp4", ext: ".m4a", check: checkAudio},
}

// audioCodecs lists the codecs a voice note may use, by container.
var audioCodecs = map[string]bool{
	"opus":   true, // Ogg
	"A_OPUS": true, // WebM
	"mp4a":   true, // MP4: AAC
	"Opus":   true, // MP4: Opus (Chrome's audio/mp4)
}

// checkAudio reads the container: every track must be audio in an allowed
// codec, and the duration must pass CheckVoiceDuration.
func checkAudio(r io.ReaderAt, size int64, b *Blob, lim Limits) error {
	c, err := parseAudio(r, size, b.MIME)
	if err != nil {
		return audioError(err)
	}
	if len(c.tracks) == 0 {
		return corrupt()
	}
	for _, t := range c.tracks {
		if t.kind != trackAudio || !audioCodecs[t.codec] {
			return notAllowed()
		}
	}
	if err := CheckVoiceDuration(c.duration, lim.ClaimedDuration, lim.MaxDuration); err != nil {
		return err
	}
	b.Duration = c.duration
	return nil
}
