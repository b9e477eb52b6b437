package media_test

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/media"
)

// sample returns a file of testdata, gunzipped when its name ends in .gz.
func sample(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	if strings.HasSuffix(name, ".gz") {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			tb.Fatal(err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			tb.Fatal(err)
		}
	}
	return b
}

// mustOpenLocal opens a Local store in a fresh directory.
func mustOpenLocal(tb testing.TB, cfg media.Config) *media.Local {
	tb.Helper()
	if cfg.Root == "" {
		cfg.Root = tb.TempDir()
	}
	s, err := media.NewLocal(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

// storedFiles lists every regular file under root (temporary ones
// included), relative to root.
func storedFiles(tb testing.TB, root string) []string {
	tb.Helper()
	var files []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, path)
			files = append(files, rel)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return files
}

// assertNothingStored fails when any file is left under the store's root.
func assertNothingStored(tb testing.TB, s *media.Local) {
	tb.Helper()
	if files := storedFiles(tb, s.Root()); len(files) > 0 {
		tb.Errorf("files left behind: %v", files)
	}
}

// assertError checks err's code and message key.
func assertError(tb testing.TB, err error, code, key string) {
	tb.Helper()
	if err == nil {
		tb.Fatalf("no error, want %s %s", code, key)
	}
	var e *jihat.Error
	if !errors.As(err, &e) {
		tb.Fatalf("error %v is not a *jihat.Error", err)
	}
	if e.Code != code || e.Key != key {
		tb.Fatalf("error %s %s (%v), want %s %s", e.Code, e.Key, err, code, key)
	}
	if !jihat.HasMessage(e.Key) {
		tb.Errorf("key %q has no message in the catalogue", e.Key)
	}
}

// makeZip builds a zip with the given entries (name, content), in order.
func makeZip(tb testing.TB, entries ...string) []byte {
	tb.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for i := 0; i+1 < len(entries); i += 2 {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: entries[i], Method: zip.Store})
		if err != nil {
			tb.Fatal(err)
		}
		io.WriteString(w, entries[i+1])
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// withEntry returns the zip b with one more entry.
func withEntry(tb testing.TB, b []byte, name, content string) []byte {
	tb.Helper()
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatal(err)
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range zr.File {
		if err := zw.Copy(f); err != nil {
			tb.Fatal(err)
		}
	}
	w, err := zw.Create(name)
	if err != nil {
		tb.Fatal(err)
	}
	io.WriteString(w, content)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes()
}

// ownExecutable returns the start of the running test binary: a real ELF,
// Mach-O or PE file, whatever the platform.
func ownExecutable(tb testing.TB) []byte {
	tb.Helper()
	exe, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	f, err := os.Open(exe)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, 64<<10))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// failingReader returns data, then err.
type failingReader struct {
	data []byte
	err  error
}

func (r *failingReader) Read(p []byte) (int, error) {
	if len(r.data) == 0 {
		return 0, r.err
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}
