package media

import (
	"mime"
	"path"
	"slices"
	"strings"
)

// ExecutableExts are extensions that run, install or script something when
// opened on some system. A served name never ends with one: the extension
// of a served name is always the one of the sniffed content (NameFor),
// and no allowed type has one of these.
var ExecutableExts = []string{
	".exe", ".bat", ".cmd", ".com", ".ps1", ".psm1", ".psd1", ".ps2", ".sh", ".bash", ".zsh", ".csh", ".ksh",
	".command", ".run", ".bin", ".js", ".jse", ".mjs", ".cjs", ".vbs", ".vbe", ".wsf", ".wsh", ".ws", ".hta",
	".msi", ".msp", ".mst", ".scr", ".pif", ".cpl", ".dll", ".sys", ".drv", ".ocx", ".lnk", ".url", ".scf",
	".reg", ".inf", ".msc", ".gadget", ".application", ".appref-ms", ".jar", ".class", ".apk", ".app", ".dmg",
	".pkg", ".deb", ".rpm", ".py", ".pyw", ".pl", ".rb", ".php", ".cgi", ".html", ".htm", ".xhtml", ".shtml",
	".svg", ".xml", ".xsl", ".iso", ".img", ".vhd", ".elf", ".so", ".dylib",
}

// sameExt lists the other spellings of a canonical extension that a
// person's name may keep (photo.JPEG stays photo.JPEG).
var sameExt = map[string][]string{
	".jpg":  {".jpeg", ".jpe", ".jfif"},
	".txt":  {".text"},
	".heic": {".heif"},
	".heif": {".heic"},
	".m4a":  {".mp4", ".aac"},
	".ogg":  {".oga", ".opus"},
	".webm": {".weba"},
}

// NameFor is the name a file is stored and served under: the person's
// name (cleaned, CleanName) with the extension of its content ext
// (Blob.Ext), so what opens it is chosen by what it is. The base name is
// kept; a last extension that disagrees with the content is replaced (a
// PNG sent as setup.exe is setup.png, text sent as invoice.bat is
// invoice.txt), and executable extensions left before it are dropped
// (invoice.exe.bat → invoice.txt).
func NameFor(name, ext string) string {
	ext = strings.ToLower(ext)
	if ext == "" {
		ext = ".txt" // never served without an extension; text is the harmless default
	}
	name = CleanName(name)
	stem, cur := splitExt(name)
	if l := strings.ToLower(cur); l == ext || slices.Contains(sameExt[ext], l) {
		if !executable(stem) {
			return name
		}
	}
	for {
		s, e := splitExt(stem)
		if e == "" || !(executable(stem) || strings.EqualFold(e, ext)) {
			break
		}
		stem = s
	}
	stem = strings.TrimRight(stem, " .")
	if stem == "" {
		stem = "file"
	}
	return CleanName(stem + ext)
}

// splitExt splits name before an extension-like tail: a dot followed by one
// to five ASCII letters or digits, or a listed executable extension
// ("my.report" has none; "setup.exe" and "x.appref-ms" do).
func splitExt(name string) (stem, ext string) {
	e := path.Ext(name)
	if e == "" || e == name {
		return name, ""
	}
	if slices.Contains(ExecutableExts, strings.ToLower(e)) {
		return name[:len(name)-len(e)], e
	}
	if len(e) < 2 || len(e) > 6 {
		return name, ""
	}
	for _, c := range e[1:] {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return name, ""
		}
	}
	return name[:len(name)-len(e)], e
}

// executable reports whether name ends with an executable extension.
func executable(name string) bool {
	return slices.Contains(ExecutableExts, strings.ToLower(path.Ext(name)))
}

// officeExts are the extensions of the document types whose rule leaves the
// extension to its check.
var officeExts = map[string]string{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document":   ".docx",
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet":         ".xlsx",
	"application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
	"application/vnd.oasis.opendocument.text":                                   ".odt",
	"application/vnd.oasis.opendocument.spreadsheet":                            ".ods",
	"application/vnd.oasis.opendocument.presentation":                           ".odp",
	"application/msword":            ".doc",
	"application/vnd.ms-excel":      ".xls",
	"application/vnd.ms-powerpoint": ".ppt",
}

// ServeName is the name to serve a stored file under, given its served
// Content-Type: the stored name, unless it ends with an executable
// extension (a file stored before names followed content), which is then
// replaced by the extension of mimeType.
func ServeName(name, mimeType string) string {
	if !executable(CleanName(name)) {
		return name
	}
	essence, _, _ := mime.ParseMediaType(mimeType)
	ext := officeExts[essence]
	for _, r := range rules {
		if ext == "" && r.mime == essence && r.ext != "" {
			ext = r.ext
		}
	}
	return NameFor(name, ext)
}
