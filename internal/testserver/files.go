package testserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/jihat/jihat/media"
	"github.com/jihat/jihat/server"
)

// Helpers for tests of attachments, voice notes and the live channel:
// multipart uploads, a media store the test can look into, and a raw
// WebSocket client.

// LocalMedia opens a media store in cfg.Root (a fresh temp dir when empty)
// and returns it with the Option that makes the server use it. The server's
// MaxUploadBytes and MaxVoiceDuration are set from cfg, as cmd/jihat does, so
// a test can lower the limits. Walk the store's Root with MediaFiles.
func LocalMedia(tb testing.TB, cfg media.Config) (*media.Local, Option) {
	tb.Helper()
	if cfg.Root == "" {
		cfg.Root = filepath.Join(tb.TempDir(), "files")
	}
	l, err := media.NewLocal(cfg)
	if err != nil {
		tb.Fatalf("testserver: media store: %v", err)
	}
	return l, Configure(func(c *server.Config) {
		c.Media = l
		c.MaxUploadBytes = cfg.MaxFileSize
		c.MaxVoiceDuration = cfg.MaxVoiceDuration
	})
}

// MediaFiles lists every regular file under root (committed blobs and
// temporary uploads alike), relative to root and sorted.
func MediaFiles(tb testing.TB, root string) []string {
	tb.Helper()
	var out []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, err := filepath.Rel(root, path)
			if err != nil {
				return err
			}
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		tb.Fatalf("walk %s: %v", root, err)
	}
	slices.Sort(out)
	return out
}

// ReadFile returns the content of a file, failing the test when it cannot.
func ReadFile(tb testing.TB, path string) []byte {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// FormPart is one part of a multipart form: a file when FileName is set
// (or File is true), a plain field otherwise.
type FormPart struct {
	Name     string
	FileName string
	File     bool   // send as a file part even with an empty FileName
	Type     string // the part's Content-Type (a file's default: application/octet-stream)
	Data     []byte
}

// FilePart is a file part named field with the client's file name.
func FilePart(field, filename string, data []byte) FormPart {
	return FormPart{Name: field, FileName: filename, File: true, Data: data}
}

// FieldPart is a plain form field.
func FieldPart(name, value string) FormPart { return FormPart{Name: name, Data: []byte(value)} }

// MultipartForm encodes parts, in order, as a multipart/form-data body and
// returns it with its Content-Type.
func MultipartForm(tb testing.TB, parts ...FormPart) ([]byte, string) {
	tb.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		h := textproto.MIMEHeader{}
		disp := `form-data; name="` + quoteEscaper.Replace(p.Name) + `"`
		if p.File || p.FileName != "" {
			disp += `; filename="` + quoteEscaper.Replace(p.FileName) + `"`
			if p.Type == "" {
				p.Type = "application/octet-stream"
			}
		}
		h.Set("Content-Disposition", disp)
		if p.Type != "" {
			h.Set("Content-Type", p.Type)
		}
		w, err := mw.CreatePart(h)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write(p.Data); err != nil {
			tb.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		tb.Fatal(err)
	}
	return buf.Bytes(), mw.FormDataContentType()
}

var quoteEscaper = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// Upload POSTs parts as a multipart form to path (for example
// "/api/v1/cases/<id>/attachments") as token, and returns the answer
// without judging it. Safe to call from any goroutine.
func (ts *TestServer) Upload(path, token string, parts ...FormPart) (*Response, error) {
	body, ctype := MultipartForm(ts.tb, parts...)
	return ts.Raw("POST", path, token, body, "Content-Type", ctype)
}

// MustUpload is Upload that fails the test unless the status is want, and
// returns the decoded JSON answer.
func (ts *TestServer) MustUpload(want int, path, token string, parts ...FormPart) map[string]any {
	ts.tb.Helper()
	res, err := ts.Upload(path, token, parts...)
	if err != nil {
		ts.tb.Fatalf("upload to %s: %v", path, err)
	}
	m, err := res.JSON()
	if err != nil {
		ts.tb.Fatalf("upload to %s: %d with a body that is not a JSON object: %v\n%s", path, res.Status, err, res.Body)
	}
	if res.Status != want {
		ts.tb.Fatalf("upload to %s: status %d, want %d; body: %s", path, res.Status, want, res.Body)
	}
	return m
}

// LiveFrame is one server→client envelope of /ws.
type LiveFrame struct {
	Type    string          `json:"type"`
	ID      string          `json:"id"`
	Channel string          `json:"channel"`
	Seq     int64           `json:"seq"`
	Data    json.RawMessage `json:"data"`
}

// LiveConn is a raw WebSocket client of /ws that records every frame it
// reads. Its methods must be called from the test's goroutine.
type LiveConn struct {
	tb     testing.TB
	ws     *websocket.Conn
	mu     sync.Mutex // guards frames
	frames []LiveFrame
	n      int // subscription counter, for request IDs
}

// DialLive opens /ws authenticated with token (a Bearer header at upgrade),
// with headers (name, value, ...) added to the upgrade request. The
// connection is closed when the test ends.
func (ts *TestServer) DialLive(token string, headers ...string) *LiveConn {
	ts.tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/ws"
	h := http.Header{"Authorization": {"Bearer " + token}}
	for i := 0; i+1 < len(headers); i += 2 {
		h.Set(headers[i], headers[i+1])
	}
	ws, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPClient: ts.Client, HTTPHeader: h})
	if err != nil {
		ts.tb.Fatalf("dial %s: %v", url, err)
	}
	ws.SetReadLimit(1 << 20)
	c := &LiveConn{tb: ts.tb, ws: ws}
	go func() {
		for {
			_, b, err := ws.Read(context.Background())
			if err != nil {
				return
			}
			var f LiveFrame
			if json.Unmarshal(b, &f) == nil {
				c.mu.Lock()
				c.frames = append(c.frames, f)
				c.mu.Unlock()
			}
		}
	}()
	ts.tb.Cleanup(func() { ws.CloseNow() })
	return c
}

// Subscribe subscribes to channel from since (since < 0: none given, so a
// feed starts with its latest events) and waits for the answer; it returns
// the error frame's code, or "" for an ack.
func (c *LiveConn) Subscribe(channel string, since int64) string {
	c.tb.Helper()
	c.n++
	id := "sub-" + strconv.Itoa(c.n)
	msg := map[string]any{"type": "subscribe", "id": id, "channel": channel, "since": since}
	if since < 0 {
		delete(msg, "since")
	}
	b, _ := json.Marshal(msg)
	if err := c.ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.tb.Fatalf("subscribe %s: %v", channel, err)
	}
	f := c.WaitFrame(func(f LiveFrame) bool { return f.ID == id && (f.Type == "ack" || f.Type == "error") })
	if f.Type == "ack" {
		return ""
	}
	var e struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(f.Data, &e)
	if e.Code == "" {
		e.Code = "?"
	}
	return e.Code
}

// Close closes the connection normally.
func (c *LiveConn) Close() { _ = c.ws.Close(websocket.StatusNormalClosure, "") }

// Command sends a command (comment, vote, ...) on channel with data and
// waits for its answer; it returns the error frame's code, or "" for an ack.
func (c *LiveConn) Command(typ, channel string, data any) string {
	c.tb.Helper()
	c.n++
	id := "cmd-" + strconv.Itoa(c.n)
	b, _ := json.Marshal(map[string]any{"type": typ, "id": id, "channel": channel, "data": data})
	if err := c.ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.tb.Fatalf("%s: %v", typ, err)
	}
	f := c.WaitFrame(func(f LiveFrame) bool { return f.ID == id && (f.Type == "ack" || f.Type == "error") })
	if f.Type == "ack" {
		return ""
	}
	var e struct {
		Code string `json:"code"`
	}
	_ = json.Unmarshal(f.Data, &e)
	if e.Code == "" {
		e.Code = "?"
	}
	return e.Code
}

// Request sends msg with a fresh "id" and returns the frame that answers it
// (ack, error or pong with that id); it fails the test when none comes.
func (c *LiveConn) Request(msg map[string]any) LiveFrame {
	c.tb.Helper()
	c.n++
	id := "req-" + strconv.Itoa(c.n)
	msg["id"] = id
	b, _ := json.Marshal(msg)
	if err := c.ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.tb.Fatalf("send: %v", err)
	}
	return c.WaitFrame(func(f LiveFrame) bool { return f.ID == id })
}

// Fence proves absence without a sleep: it sends a ping and waits for its
// pong. The server queues a socket's frames in order, so every frame queued
// before the ping (the events of every request that has returned, on a
// single node) has been read once Fence returns.
func (c *LiveConn) Fence() {
	c.tb.Helper()
	c.n++
	id := "fence-" + strconv.Itoa(c.n)
	b, _ := json.Marshal(map[string]any{"type": "ping", "id": id})
	if err := c.ws.Write(context.Background(), websocket.MessageText, b); err != nil {
		c.tb.Fatalf("ping: %v", err)
	}
	c.WaitFrame(func(f LiveFrame) bool { return f.ID == id && f.Type == "pong" })
}

// Frames returns a copy of every frame read so far.
func (c *LiveConn) Frames() []LiveFrame {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.frames)
}

// WaitFrame returns the first frame that matches, waiting for it up to 10
// seconds (a bound against hanging, not a measure: the frames of a
// committed event arrive in milliseconds); it fails the test when none
// comes.
func (c *LiveConn) WaitFrame(match func(LiveFrame) bool) LiveFrame {
	c.tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		for _, f := range c.Frames() {
			if match(f) {
				return f
			}
		}
		if time.Now().After(deadline) {
			c.tb.Fatalf("no matching frame on /ws; got %d frames: %v", len(c.Frames()), c.Frames())
		}
		time.Sleep(10 * time.Millisecond)
	}
}
