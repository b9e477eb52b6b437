package media_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jihat/jihat/internal/testproc"
	"github.com/jihat/jihat/media"
)

// TestKillDuringUpload kills (SIGKILL) a process in the middle of a Put:
// no file may appear under a real name, and Sweep removes what it left.
func TestKillDuringUpload(t *testing.T) {
	root := t.TempDir()
	child := testproc.StartChild(t, "TestCrashHelper", "MEDIA_CRASH_ROOT="+root)

	upload := append(sample(t, "doc.pdf"), make([]byte, 1<<20)...)
	if _, err := child.Stdin().Write(upload); err != nil {
		t.Fatal(err)
	}
	// Wait until the helper has written all of it to its temporary file.
	tmp := filepath.Join(root, "tmp")
	for deadline := time.Now().Add(30 * time.Second); ; {
		if size := uploadBytes(t, tmp); size == int64(len(upload)) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the helper wrote %d of %d bytes", uploadBytes(t, tmp), len(upload))
		}
		time.Sleep(10 * time.Millisecond)
	}
	child.Kill()

	for _, f := range storedFiles(t, root) {
		if !strings.HasPrefix(f, filepath.Join("tmp", "upload-")) {
			t.Errorf("a killed upload left %s", f)
		}
	}
	later := time.Now().Add(2 * time.Hour)
	s := mustOpenLocal(t, media.Config{Root: root, Now: func() time.Time { return later }})
	if n, err := s.Sweep(context.Background(), time.Hour); err != nil || n != 1 {
		t.Fatalf("Sweep: %d, %v; want 1 removed", n, err)
	}
	assertNothingStored(t, s)
}

// uploadBytes is the size of the temporary upload in dir, 0 if none yet.
func uploadBytes(tb testing.TB, dir string) int64 {
	tb.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil && !os.IsNotExist(err) {
		tb.Fatal(err)
	}
	for _, e := range entries {
		if info, err := e.Info(); err == nil && strings.HasPrefix(e.Name(), "upload-") {
			return info.Size()
		}
	}
	return 0
}

// TestCrashHelper is the process TestKillDuringUpload kills: it uploads its
// standard input, which never ends.
func TestCrashHelper(t *testing.T) {
	root := os.Getenv("MEDIA_CRASH_ROOT")
	if root == "" {
		t.Skip("helper process of TestKillDuringUpload")
	}
	s := mustOpenLocal(t, media.Config{Root: root})
	_, err := s.Put(context.Background(), os.Stdin, media.AttachmentLimits())
	t.Fatalf("Put returned (%v) before the process was killed", err)
}
