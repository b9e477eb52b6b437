package media_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/media"
)

func TestPutReaderFailsMidway(t *testing.T) {
	pdf := sample(t, "doc.pdf")
	cause := errors.New("connection reset")
	s := mustOpenLocal(t, media.Config{})
	_, err := s.Put(context.Background(), &failingReader{data: pdf[:6000], err: cause}, media.AttachmentLimits())
	assertError(t, err, jihat.EINVALID, media.KeyUploadIncomplete)
	if !errors.Is(err, cause) {
		t.Errorf("error %v does not wrap the reader's error", err)
	}
	assertNothingStored(t, s)
}

// cancelReader cancels its context after the first read, like a client
// that goes away during the upload.
type cancelReader struct {
	r      io.Reader
	cancel context.CancelFunc
}

func (c *cancelReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.cancel()
	return n, err
}

func TestPutCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	s := mustOpenLocal(t, media.Config{})
	big := append(sample(t, "doc.pdf"), make([]byte, 1<<20)...)
	_, err := s.Put(ctx, &cancelReader{r: bytes.NewReader(big), cancel: cancel}, media.AttachmentLimits())
	assertError(t, err, jihat.EINVALID, media.KeyUploadIncomplete)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v does not wrap context.Canceled", err)
	}
	assertNothingStored(t, s)
}

// countingReader counts the bytes read from it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func TestPutStopsAtTheLimit(t *testing.T) {
	const limit = 1 << 20
	s := mustOpenLocal(t, media.Config{MaxFileSize: limit})
	stream := io.MultiReader(bytes.NewReader(sample(t, "doc.pdf")), bytes.NewReader(make([]byte, 64<<20)))
	cr := &countingReader{r: stream}
	_, err := s.Put(context.Background(), cr, media.AttachmentLimits())
	assertError(t, err, jihat.ETOOLARGE, media.KeyTooLarge)
	if cr.n > 2*limit {
		t.Errorf("read %d bytes of a stream over a %d-byte limit", cr.n, limit)
	}
	assertNothingStored(t, s)
}

func TestConcurrentPutOfTheSameContent(t *testing.T) {
	const n = 8
	data := sample(t, "voice.webm")
	s := mustOpenLocal(t, media.Config{})
	ctx := context.Background()
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p, err := s.Put(ctx, bytes.NewReader(data), media.VoiceLimits(3*time.Second))
			if err == nil {
				err = p.Commit(ctx)
			}
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	files := storedFiles(t, s.Root())
	if len(files) != 1 {
		t.Fatalf("stored %v, want one blob", files)
	}
	got, err := os.ReadFile(filepath.Join(s.Root(), files[0]))
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("stored blob differs from the upload (err %v)", err)
	}
}

func TestPendingLifecycle(t *testing.T) {
	ctx := context.Background()
	data := sample(t, "image.png")
	s := mustOpenLocal(t, media.Config{})

	p, err := s.Put(ctx, bytes.NewReader(data), media.AttachmentLimits())
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Discard(); err != nil {
		t.Fatal(err)
	}
	assertNothingStored(t, s)
	if err := p.Commit(ctx); err == nil {
		t.Error("Commit after Discard succeeded")
	}

	p, err = s.Put(ctx, bytes.NewReader(data), media.AttachmentLimits())
	if err != nil {
		t.Fatal(err)
	}
	if files := storedFiles(t, s.Root()); len(files) != 1 || filepath.Dir(files[0]) != "tmp" {
		t.Fatalf("before Commit: %v, want one temporary file", files)
	}
	if _, err := s.Open(ctx, p.Blob().SHA256); jihat.ErrorCode(err) != jihat.ENOTFOUND {
		t.Fatalf("Open before Commit: %v, want ENOTFOUND", err)
	}
	if err := p.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := p.Discard(); err != nil { // deferred Discard after Commit
		t.Fatal(err)
	}
	sha := p.Blob().SHA256
	want := filepath.Join(sha[:2], sha[2:4], sha)
	if files := storedFiles(t, s.Root()); len(files) != 1 || files[0] != want {
		t.Fatalf("after Commit: %v, want [%s]", files, want)
	}
}

func TestOpenSeeks(t *testing.T) {
	ctx := context.Background()
	data := sample(t, "voice.m4a")
	s := mustOpenLocal(t, media.Config{})
	p, err := s.Put(ctx, bytes.NewReader(data), media.VoiceLimits(0))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	f, err := s.Open(ctx, p.Blob().SHA256)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.Seek(1000, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	got := make([]byte, 500)
	if _, err := io.ReadFull(f, got); err != nil || !bytes.Equal(got, data[1000:1500]) {
		t.Errorf("bytes 1000-1499 differ (err %v)", err)
	}
	if f.ModTime.IsZero() || f.Size != int64(len(data)) {
		t.Errorf("ModTime %v Size %d", f.ModTime, f.Size)
	}
}

func TestOpenAndDeleteRefuseBadKeys(t *testing.T) {
	ctx := context.Background()
	s := mustOpenLocal(t, media.Config{})
	for _, key := range []string{"", "../../etc/passwd", "tmp", "ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789",
		"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"} {
		if _, err := s.Open(ctx, key); jihat.ErrorCode(err) != jihat.ENOTFOUND {
			t.Errorf("Open(%q): %v, want ENOTFOUND", key, err)
		}
	}
	if err := s.Delete(ctx, "../../etc/passwd"); jihat.ErrorCode(err) != jihat.ENOTFOUND {
		t.Errorf("Delete of a path: %v, want ENOTFOUND", err)
	}
	if err := s.Delete(ctx, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"); err != nil {
		t.Errorf("Delete of a missing blob: %v", err)
	}
}

func TestDeleteAndWalk(t *testing.T) {
	ctx := context.Background()
	s := mustOpenLocal(t, media.Config{})
	var shas []string
	for _, name := range []string{"image.png", "image.gif", "doc.pdf"} {
		p, err := s.Put(ctx, bytes.NewReader(sample(t, name)), media.AttachmentLimits())
		if err != nil {
			t.Fatal(err)
		}
		if err := p.Commit(ctx); err != nil {
			t.Fatal(err)
		}
		shas = append(shas, p.Blob().SHA256)
	}
	if err := s.Delete(ctx, shas[1]); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int64{}
	err := s.Walk(ctx, func(sha string, size int64, _ time.Time) error {
		seen[sha] = size
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2 || seen[shas[0]] != int64(len(sample(t, "image.png"))) || seen[shas[2]] == 0 {
		t.Errorf("Walk saw %v, want %s and %s", seen, shas[0], shas[2])
	}
}

func TestSweepRemovesStaleTemporaryFiles(t *testing.T) {
	ctx := context.Background()
	now := time.Now()
	s := mustOpenLocal(t, media.Config{Now: func() time.Time { return now }})
	// A Pending never committed: the process died before its transaction.
	p, err := s.Put(ctx, bytes.NewReader(sample(t, "doc.pdf")), media.AttachmentLimits())
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(s.Root(), "tmp")
	stale := filepath.Join(tmp, "upload-crashed")
	if err := os.WriteFile(stale, []byte("half an upload"), 0o600); err != nil {
		t.Fatal(err)
	}
	old := now.Add(-2 * time.Hour)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(tmp, "not-ours")
	if err := os.WriteFile(other, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(other, old, old); err != nil {
		t.Fatal(err)
	}

	n, err := s.Sweep(ctx, time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("Sweep: %d, %v; want 1 removed", n, err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("the stale upload is still there")
	}
	if _, err := os.Stat(other); err != nil {
		t.Error("Sweep removed a file that is not an upload")
	}
	if err := p.Commit(ctx); err != nil { // the fresh one survived
		t.Fatal(err)
	}
}
