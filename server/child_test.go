package server_test

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jihat/jihat/internal/testproc"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/media"
	"github.com/jihat/jihat/server"
	"github.com/jihat/jihat/store"
)

// Helpers for the tests that run the server in a child process and kill it
// (TestUploadKilledMidway, TestNotifyKilledMidSend).

// childCall calls a server over HTTP: method path as token (none when
// empty) with body as JSON (none when nil); it fails the test unless the
// answer is want.
type childCall func(method, path, token string, body any, want int) map[string]any

// childAPI returns a childCall for the server at base.
func childAPI(t *testing.T, base string) childCall {
	return func(method, path, token string, body any, want int) map[string]any {
		t.Helper()
		var b []byte
		if body != nil {
			b, _ = json.Marshal(body)
		}
		req, _ := http.NewRequest(method, base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var m map[string]any
		json.NewDecoder(res.Body).Decode(&m)
		if res.StatusCode != want {
			t.Fatalf("%s %s: %d, want %d: %v", method, path, res.StatusCode, want, m)
		}
		return m
	}
}

// childCaseSetup logs in as the child's admin and creates an entity with a
// department and a case type: the admin's token, the entity, the type.
func childCaseSetup(t *testing.T, api childCall) (admin, entity, caseType string) {
	t.Helper()
	admin = testserver.Str(api("POST", "/api/v1/auth/login", "", map[string]string{"login": childAdminLogin, "password": childAdminPasswd}, 200), "token")
	entity = testserver.Str(api("POST", "/api/v1/entities", admin, map[string]any{"name_ar": "جهة", "name_en": "Entity", "sector": "government"}, 201), "id")
	dept := testserver.Str(api("POST", "/api/v1/entities/"+entity+"/departments", admin, map[string]any{"name_ar": "قسم", "name_en": "Dept"}, 201), "id")
	caseType = testserver.Str(api("POST", "/api/v1/entities/"+entity+"/case-types", admin, map[string]any{"name_ar": "نوع", "name_en": "Type",
		"department_id": dept, "sla_hours": map[string]int{"normal": 24, "important": 8, "very_important": 4}}, 201), "id")
	return admin, entity, caseType
}

// The child process learns its data dir and data key from these, and its
// PostgreSQL database, when it uses one instead of SQLite in the data dir,
// from childDatabaseEnv.
const (
	childDirEnv      = "JIHAT_CHILD_DIR"
	childKeyEnv      = "JIHAT_CHILD_KEY"
	childDatabaseEnv = "JIHAT_CHILD_DATABASE_URL"
	childAdminLogin  = "admin@child.test"
	childAdminPasswd = "child admin passphrase 2026"
)

// startChild runs the test named run of this test binary as a server
// process on the SQLite database in dir (or the PostgreSQL one that env
// names with childDatabaseEnv) with key, with env added, and
// returns the process and its base URL once it listens. The process is
// killed at the end of the test.
func startChild(t *testing.T, run, dir string, key []byte, env ...string) (*testproc.Child, string) {
	t.Helper()
	child := testproc.StartChild(t, run, append([]string{childDirEnv + "=" + dir, childKeyEnv + "=" + hex.EncodeToString(key)}, env...)...)
	return child, "http://" + child.WaitLine(t, "LISTEN ", 60*time.Second)
}

// serveChild is the body of a child server process started by startChild:
// it opens and migrates the store of its data dir, adds the store, the
// files and cheap hashing to cfg, creates the admin, runs start (the
// workers the test needs), prints its address and serves until killed.
// Outside a child process (no data dir) the test is skipped.
func serveChild(t *testing.T, cfg server.Config, start func(ctx context.Context, srv *server.Server)) {
	dir := os.Getenv(childDirEnv)
	if dir == "" {
		t.Skip("a server process that another test starts")
	}
	ctx := context.Background()
	key, err := hex.DecodeString(os.Getenv(childKeyEnv))
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, store.Config{DataDir: dir, DatabaseURL: os.Getenv(childDatabaseEnv), Key: key})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	files, err := media.NewLocal(media.Config{Root: filepath.Join(dir, "files")})
	if err != nil {
		t.Fatal(err)
	}
	cfg.Store, cfg.Media, cfg.Argon2 = st, files, testserver.CheapArgon2
	srv, err := server.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.Bootstrap(ctx, server.BootstrapConfig{AdminLogin: childAdminLogin, AdminPassword: childAdminPasswd}); err != nil {
		t.Fatal(err)
	}
	if start != nil {
		start(ctx, srv)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	fmt.Printf("LISTEN %s\n", ln.Addr())
	t.Fatal(srv.Serve(ctx, ln)) // until killed
}
