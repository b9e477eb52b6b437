package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testenv"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
	"github.com/jihat/jihat/store"
)

// TestCommitKilledChild is the server process of TestCommitKilledMidway:
// a plain server whose write budget lets one citizen post hundreds of
// comments a second.
func TestCommitKilledChild(t *testing.T) {
	serveChild(t, server.Config{Throttle: server.ThrottleConfig{WritesPerUser: 1 << 30, WriteWindow: time.Second}}, nil)
}

// TestCommitKilledMidway: 16 clients post comments to one case as fast as
// the server takes them, so that they are committed in groups; the server
// process is killed (SIGKILL) in the middle. Every comment the server
// acknowledged (201) is in the database afterwards, exactly once, and the
// case channel's sequence numbers are dense: a group is either committed and
// then acknowledged, or neither. On SQLite and on PostgreSQL.
func TestCommitKilledMidway(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { commitKilledMidway(t, "") })
	t.Run("postgres", func(t *testing.T) { commitKilledMidway(t, testenv.Postgres(t)) })
}

// commitKilledMidway is TestCommitKilledMidway on the PostgreSQL database
// dsn, or SQLite when dsn is "".
func commitKilledMidway(t *testing.T, dsn string) {
	dir := t.TempDir()
	key := make([]byte, store.KeySize)
	rand.Read(key)
	child, base := startChild(t, "TestCommitKilledChild", dir, key, childDatabaseEnv+"="+dsn)
	api := childAPI(t, base)
	_, entity, typ := childCaseSetup(t, api)
	const email = "writer@child.test"
	api("POST", "/api/v1/auth/register", "", map[string]any{"name": "مواطن التعليقات", "email": email,
		"mobile": "0" + testserver.Mobile(22345678)[4:], "password": testserver.Password, "lang": "ar"}, 201)
	token := testserver.Str(api("POST", "/api/v1/auth/login", "", map[string]string{"login": email, "password": testserver.Password}, 200), "token")
	caseID := testserver.Str(api("POST", "/api/v1/cases", token, map[string]any{"entity_id": entity, "case_type_id": typ,
		"subject": "تعليقات كثيرة", "body": "نص", "priority": "normal"}, 201), "case.id")

	var (
		mu    sync.Mutex
		acked = map[string]bool{}
		sent  atomic.Int64
	)
	enough := make(chan struct{})
	var once sync.Once
	client := &http.Client{Timeout: 30 * time.Second}
	var wg sync.WaitGroup
	for w := range 16 {
		wg.Go(func() {
			for i := 0; ; i++ {
				body := fmt.Sprintf("c%d-%d", w, i)
				b, _ := json.Marshal(map[string]string{"body": body})
				req, _ := http.NewRequest("POST", base+"/api/v1/cases/"+caseID+"/comments", bytes.NewReader(b))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+token)
				sent.Add(1)
				res, err := client.Do(req)
				if err != nil {
					return // the server is gone
				}
				res.Body.Close()
				if res.StatusCode != http.StatusCreated {
					t.Errorf("comment %s: %d", body, res.StatusCode)
					return
				}
				mu.Lock()
				acked[body] = true
				if len(acked) >= 300 {
					once.Do(func() { close(enough) })
				}
				mu.Unlock()
			}
		})
	}
	select {
	case <-enough:
	case <-time.After(120 * time.Second):
		t.Fatal("300 comments were not acknowledged within 2 minutes")
	}
	child.Kill() // with comments in flight
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()

	st, err := store.Open(context.Background(), store.Config{DataDir: dir, DatabaseURL: dsn, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	evs, err := st.Events(context.Background(), jihat.CaseChannel(caseID), 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	stored := map[string]int{}
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d: the sequence has a hole", i, e.Seq)
		}
		if e.Type == jihat.CaseEventComment {
			var d jihat.CommentData
			json.Unmarshal(e.Data, &d)
			stored[d.Body]++
		}
	}
	for body := range acked {
		if stored[body] != 1 {
			t.Errorf("acknowledged comment %s is stored %d times", body, stored[body])
		}
	}
	for body, n := range stored {
		if n != 1 {
			t.Errorf("comment %s is stored %d times", body, n)
		}
	}
	t.Logf("%d comments sent, %d acknowledged, %d stored (the rest were in flight at the kill)", sent.Load(), len(acked), len(stored))
}
