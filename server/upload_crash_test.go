package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/media"
	"github.com/jihat/jihat/server"
	"github.com/jihat/jihat/store"
)

// What an interrupted upload leaves behind: a request cancelled in the
// middle, a process that dies between the blob's commit and the database's,
// and a server process killed (SIGKILL) in the middle of an upload.

// bigPDF returns a valid PDF of about n bytes: the sample, then random
// bytes after its end (readers ignore what follows %%EOF; the media store
// only sniffs the head).
func bigPDF(tb testing.TB, n int) []byte {
	tb.Helper()
	b := attSample(tb, "doc.pdf")
	pad := make([]byte, max(n-len(b), 0))
	if _, err := rand.Read(pad); err != nil {
		tb.Fatal(err)
	}
	return append(b, pad...)
}

// waitUntil polls cond every 10 ms and fails the test when it is still false
// after 10 s (a bound against hanging, not a measure).
func waitUntil(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatalf("still waiting for %s after 10 s", what)
		}
	}
}

// tmpSize returns the size of the largest temporary upload under root
// (-1 when there is none).
func tmpSize(root string) int64 {
	entries, _ := os.ReadDir(filepath.Join(root, "tmp"))
	size := int64(-1)
	for _, e := range entries {
		if info, err := e.Info(); err == nil && strings.HasPrefix(e.Name(), "upload-") {
			size = max(size, info.Size())
		}
	}
	return size
}

// streamUpload starts a multipart upload of data to url through a pipe: it
// writes the first n bytes of the file, then, when closeFile is set, the
// start of another part (so the file part is complete but the body is
// not), and stalls until ctx ends. It returns the client's result.
func streamUpload(ctx context.Context, client *http.Client, url, token string, data []byte, n int, closeFile bool) <-chan error {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		part, err := mw.CreateFormFile("file", "big.pdf")
		if err == nil {
			_, err = part.Write(data[:n])
		}
		if err == nil && closeFile {
			_, err = mw.CreateFormField("visibility")
		}
		if err != nil {
			pw.CloseWithError(err)
			return
		}
		<-ctx.Done()
		pw.CloseWithError(ctx.Err())
	}()
	done := make(chan error, 1)
	go func() {
		req, err := http.NewRequestWithContext(ctx, "POST", url, pr)
		if err != nil {
			done <- err
			return
		}
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err == nil {
			body, _ := io.ReadAll(res.Body)
			res.Body.Close()
			err = fmt.Errorf("the server answered %d before the body ended: %s", res.StatusCode, body)
		}
		done <- err
	}()
	return done
}

// TestUploadCancelled: a client that sends part of a large upload and then
// goes away leaves no row and no file, not even a temporary one.
func TestUploadCancelled(t *testing.T) {
	data := bigPDF(t, 8<<20)
	for _, tt := range []struct {
		name      string
		n         int  // bytes of the file sent
		closeFile bool // the file part is complete, another part begun
	}{
		{"inside the file", 4 << 20, false},
		{"after the file", len(data), true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			w := newAttWorld(t, media.Config{})
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			done := streamUpload(ctx, w.ts.Client, w.ts.URL+uploadPath(w.caseID, false), w.token(attRequester), data, tt.n, tt.closeFile)
			// The server is streaming into a temporary file (half of what was
			// sent), or has all of the file: past that point the media store
			// reads no more of the body, so the file is a pending upload when
			// the client goes away.
			want := int64(tt.n / 2)
			if tt.closeFile {
				want = int64(len(data))
			}
			waitUntil(t, "the temporary upload", func() bool { return tmpSize(w.files.Root()) >= want })
			select {
			case err := <-done:
				t.Fatalf("the upload ended before it was cancelled: %v", err)
			default:
			}
			cancel()
			if err := <-done; !errors.Is(err, context.Canceled) {
				t.Fatalf("client: %v, want context.Canceled", err)
			}
			waitUntil(t, "the server to drop the temporary file", func() bool { return tmpSize(w.files.Root()) < 0 })
			w.assertNothingStored(t)
			// The server still serves uploads.
			w.mustUploadSample(t, attRequester, w.caseID, "doc.pdf", "after.pdf", jihat.VisibilityPublic)
		})
	}
}

// commitThenDie is a media store whose uploads, while die is set, commit
// their blob and then fail, as a process that dies between the blob's commit
// (the last step of the transaction) and the database's commit.
type commitThenDie struct {
	media.Store
	die *atomic.Bool
}

func (m commitThenDie) Put(ctx context.Context, r io.Reader, lim media.Limits) (media.Pending, error) {
	p, err := m.Store.Put(ctx, r, lim)
	if err != nil || !m.die.Load() {
		return p, err
	}
	return diesAfterCommit{p}, nil
}

type diesAfterCommit struct{ media.Pending }

func (p diesAfterCommit) Commit(ctx context.Context) error {
	if err := p.Pending.Commit(ctx); err != nil {
		return err
	}
	return errors.New("test: the process died after the blob's commit")
}

// attClock is a settable clock, safe for concurrent use.
type attClock struct {
	mu sync.Mutex
	d  time.Duration // added to the real time
}

func (c *attClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.d)
}

func (c *attClock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.d += d
}

// TestUploadOrphanBlobSwept: a blob committed by a transaction that then
// failed has no row; it is never served, and the media sweep removes it
// once it is older than the grace period, while blobs with rows stay. The
// sweep also removes stale temporary files of crashed uploads.
func TestUploadOrphanBlobSwept(t *testing.T) {
	var die atomic.Bool
	clk := &attClock{}
	w := newAttWorld(t, media.Config{}, testserver.Configure(func(c *server.Config) {
		c.Media = commitThenDie{Store: c.Media, die: &die}
		c.Now = clk.Now
	}))
	ctx := context.Background()
	kept := w.mustUploadSample(t, attRequester, w.caseID, "image.png", "kept.png", jihat.VisibilityPublic)
	blobs := testserver.MediaFiles(t, w.files.Root())
	if len(blobs) != 1 {
		t.Fatalf("after one upload: %v", blobs)
	}

	die.Store(true)
	pdf := attSample(t, "doc.pdf")
	status, body := w.upload(t, attRequester, w.caseID, false, testserver.FilePart("file", "orphan.pdf", pdf))
	wantError(t, status, body, http.StatusInternalServerError, jihat.EINTERNAL, "")
	die.Store(false)
	if n := w.ts.For(t).Count("attachments"); n != 1 {
		t.Fatalf("%d attachment rows, want only the first", n)
	}
	if ev := w.events(t, attPlatformAdmin, w.caseID); len(ev) > 0 && testserver.Str(ev[len(ev)-1], "data.name") == "orphan.pdf" {
		t.Fatalf("the failed upload left an event: %v", ev[len(ev)-1])
	}
	files := testserver.MediaFiles(t, w.files.Root())
	if len(files) != 2 || strings.HasPrefix(files[0], "tmp") || strings.HasPrefix(files[1], "tmp") {
		t.Fatalf("want the kept blob and the orphan, no temporary file: %v", files)
	}
	// A stale temporary file of a crashed upload, and a fresh one still
	// being written.
	stale, fresh := filepath.Join(w.files.Root(), "tmp", "upload-stale"), filepath.Join(w.files.Root(), "tmp", "upload-fresh")
	for _, f := range []string{stale, fresh} {
		if err := os.WriteFile(f, []byte("%PDF-1.7 half"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	old := time.Now().Add(-2 * server.MediaGrace)
	if err := os.Chtimes(stale, old, old); err != nil {
		t.Fatal(err)
	}

	// Within the grace period the orphan stays: an upload of the same
	// content may be committing.
	w.ts.Server.SweepMedia(ctx)
	if got := testserver.MediaFiles(t, w.files.Root()); len(got) != 3 || !slices.Contains(got, "tmp/upload-fresh") {
		t.Fatalf("after a sweep within the grace period: %v", got)
	}
	clk.Add(server.MediaGrace + time.Minute)
	w.ts.Server.SweepMedia(ctx)
	got := testserver.MediaFiles(t, w.files.Root())
	if want := []string{blobs[0], "tmp/upload-fresh"}; strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("after the grace period: %v, want %v", got, want)
	}
	res := w.download(t, attRequester, testserver.Str(kept, "id"))
	if res.Status != http.StatusOK || !bytes.Equal(res.Body, attSample(t, "image.png")) {
		t.Fatalf("the kept attachment: %d", res.Status)
	}
	// The same content uploaded again is stored again.
	again := w.mustUploadSample(t, attRequester, w.caseID, "doc.pdf", "again.pdf", jihat.VisibilityPublic)
	if res := w.download(t, attRequester, testserver.Str(again, "id")); !bytes.Equal(res.Body, pdf) {
		t.Fatalf("the re-uploaded PDF: %d, %d bytes", res.Status, len(res.Body))
	}
}

// TestUploadKilledChild is not a test on its own: it is the server process
// that TestUploadKilledMidway starts (the helper-process pattern) and kills
// with SIGKILL. It serves until it is killed.
func TestUploadKilledChild(t *testing.T) {
	serveChild(t, server.Config{}, nil)
}

// TestUploadKilledMidway kills the server process (SIGKILL) while it
// streams an upload: no row and no visible file remain; the temporary file
// the process was writing is removed by the sweep once it is stale.
func TestUploadKilledMidway(t *testing.T) {
	dir := t.TempDir()
	key := make([]byte, store.KeySize)
	rand.Read(key)
	cmd, base := startChild(t, "TestUploadKilledChild", dir, key)

	api := childAPI(t, base)
	admin, entity, typ := childCaseSetup(t, api)
	caseID := testserver.Str(api("POST", "/api/v1/cases", admin, map[string]any{"entity_id": entity, "case_type_id": typ,
		"subject": "طلب", "body": "نص", "priority": "normal"}, 201), "case.id")

	root := filepath.Join(dir, "files")
	data := bigPDF(t, 8<<20)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := streamUpload(ctx, http.DefaultClient, base+uploadPath(caseID, false), admin, data, 4<<20, false)
	waitUntil(t, "the temporary upload", func() bool { return tmpSize(root) >= 2<<20 })
	cmd.Kill()
	// The client's transport waits for its body writer before it reports
	// the broken connection: stop the body.
	cancel()
	if err := <-done; err == nil || strings.Contains(err.Error(), "answered") {
		t.Fatalf("client: %v, want a broken connection", err)
	}

	// What the dead process left: no row, no blob; at most its temporary file.
	st, err := store.Open(context.Background(), store.Config{DataDir: dir, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if list, _, err := st.ListAttachments(context.Background(), store.AttachmentQuery{AllEntities: true}); err != nil || len(list) != 0 {
		t.Fatalf("attachments after the kill: %v, %v", list, err)
	}
	left := testserver.MediaFiles(t, root)
	for _, f := range left {
		if !strings.HasPrefix(f, "tmp"+string(filepath.Separator)+"upload-") {
			t.Errorf("a visible file after the kill: %s", f)
		}
	}
	if len(left) != 1 {
		t.Errorf("files after the kill: %v, want the one temporary upload", left)
	}
	// A restarted server's sweep removes it once it is stale (an hour).
	later, err := media.NewLocal(media.Config{Root: root, Now: func() time.Time { return time.Now().Add(server.MediaGrace + time.Minute) }})
	if err != nil {
		t.Fatal(err)
	}
	if n, err := later.Sweep(context.Background(), server.MediaGrace); err != nil || n != len(left) {
		t.Errorf("Sweep = %d, %v; want %d", n, err, len(left))
	}
	if got := testserver.MediaFiles(t, root); len(got) != 0 {
		t.Errorf("files after the sweep: %v", got)
	}
}
