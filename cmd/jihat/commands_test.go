package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/glebarez/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

func TestVersionAndHelp(t *testing.T) {
	cleanEnv(t)
	out, _, err := runCmd(t, "version")
	if err != nil || out != "jihat "+version+"\n" {
		t.Errorf("version: %q, %v", out, err)
	}
	out, _, err = runCmd(t, "help")
	if err != nil || !strings.Contains(out, "usage: jihat") {
		t.Errorf("help: %q, %v", out, err)
	}
	for _, args := range [][]string{{"frobnicate"}, {"audit"}, {"audit", "delete"}, {"serve", "extra-arg"}, {"migrate", "--no-such-flag"}} {
		if _, _, err := runCmd(t, args...); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

func TestMigrateTwice(t *testing.T) {
	cleanEnv(t)
	dir := t.TempDir()
	first, _, err := runCmd(t, "migrate", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`schema version (\d+)`)
	v1 := want.FindStringSubmatch(first)
	if v1 == nil || v1[1] == "0" || !strings.Contains(first, `"msg":"migration applied"`) {
		t.Fatalf("first migrate:\n%s", first)
	}
	second, _, err := runCmd(t, "migrate", "--data-dir", dir)
	if err != nil {
		t.Fatal(err)
	}
	if v2 := want.FindStringSubmatch(second); v2 == nil || v2[1] != v1[1] || strings.Contains(second, "migration applied") {
		t.Fatalf("second migrate:\n%s", second)
	}
}

// TestDataKey: on the embedded default the key is generated once, 0600, and
// reused, so data written before a restart reads after it; JIHAT_DATA_KEY
// wins; PostgreSQL without a key is refused with a clear message.
func TestDataKey(t *testing.T) {
	cleanEnv(t)
	dir := t.TempDir()
	if _, _, err := runCmd(t, "migrate", "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "data.key")
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("data.key mode %v, want 0600", info.Mode().Perm())
	}
	key1, _ := os.ReadFile(path)
	if !regexp.MustCompile(`^[0-9a-f]{64}\n$`).Match(key1) {
		t.Errorf("data.key = %q", key1)
	}
	// Data written with the generated key...
	st := openTestStore(t, dir)
	u := &jihat.User{Name: "صاحب هوية", NationalID: "1234567897", Role: jihat.RoleCitizen, Active: true}
	if err := st.CreateUser(context.Background(), u, "h", jihat.AuditEntry{Action: "test"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	// ...survives a restart, which does not replace the key.
	if _, _, err := runCmd(t, "migrate", "--data-dir", dir); err != nil {
		t.Fatal(err)
	}
	if key2, _ := os.ReadFile(path); !bytes.Equal(key1, key2) {
		t.Fatal("the data key changed on restart")
	}
	st = openTestStore(t, dir)
	if got, _, err := st.UserByLogin(context.Background(), jihat.IdentNationalID, "1234567897"); err != nil || got.ID != u.ID {
		t.Fatalf("after the restart: %v, %v", got, err)
	}
	st.Close()

	// JIHAT_DATA_KEY wins over the file and writes none.
	other := t.TempDir()
	t.Setenv("JIHAT_DATA_KEY", strings.Repeat("ab", 32))
	if _, _, err := runCmd(t, "migrate", "--data-dir", other); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(other, "data.key")); !os.IsNotExist(err) {
		t.Errorf("a key file was written although JIHAT_DATA_KEY is set: %v", err)
	}
	for _, bad := range []string{"short", strings.Repeat("ab", 31), strings.Repeat("zz", 32)} {
		t.Setenv("JIHAT_DATA_KEY", bad)
		if _, _, err := runCmd(t, "migrate", "--data-dir", t.TempDir()); err == nil || !strings.Contains(err.Error(), "JIHAT_DATA_KEY") {
			t.Errorf("JIHAT_DATA_KEY=%q: %v", bad, err)
		}
	}

	// PostgreSQL needs an explicit key (checked before connecting).
	os.Unsetenv("JIHAT_DATA_KEY")
	t.Setenv("DATABASE_URL", "postgres://nobody@127.0.0.1:1/none")
	for _, cmd := range []string{"migrate", "serve"} {
		_, _, err := runCmd(t, cmd, "--data-dir", t.TempDir())
		if err == nil || !strings.Contains(err.Error(), "JIHAT_DATA_KEY is required") {
			t.Errorf("%s on PostgreSQL without a key: %v", cmd, err)
		}
	}
}

// openTestStore opens the data dir's SQLite store with its key file.
func openTestStore(t *testing.T, dir string) *store.Store {
	t.Helper()
	c := &config{DataDir: dir}
	key, err := c.dataKey()
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), store.Config{DataDir: dir, Key: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestAuditVerify: `jihat audit verify` passes on an intact chain and fails,
// naming the row, after one row is changed in the database file.
func TestAuditVerify(t *testing.T) {
	cleanEnv(t)
	dir := t.TempDir()
	out, _, err := runCmd(t, "audit", "verify", "--data-dir", dir)
	if err != nil || !strings.Contains(out, "audit chain intact: 0 rows") {
		t.Fatalf("fresh database: %v\n%s", err, out)
	}
	st := openTestStore(t, dir)
	for i := 0; i < 6; i++ {
		e := &jihat.Entity{NameAR: "جهة", NameEN: "Entity", Sector: jihat.SectorPrivate}
		if err := st.CreateEntity(context.Background(), e, false, jihat.AuditEntry{Action: "entity.create", IP: "192.0.2.1"}); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()
	out, _, err = runCmd(t, "audit", "verify", "--data-dir", dir)
	if err != nil || !strings.Contains(out, "audit chain intact: 6 rows") {
		t.Fatalf("intact chain: %v\n%s", err, out)
	}

	db, err := gorm.Open(sqlite.Open(filepath.Join(dir, "jihat.db")), &gorm.Config{Logger: logger.Discard})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`UPDATE audit_log SET details = '{"forged":true}' WHERE seq = 4`).Error; err == nil {
		t.Fatal("the append-only trigger let an UPDATE through")
	}
	if err := db.Exec(`DROP TRIGGER audit_log_no_UPDATE`).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(`UPDATE audit_log SET ip = '198.51.100.9' WHERE seq = 4`).Error; err != nil {
		t.Fatal(err)
	}
	sqlDB, _ := db.DB()
	sqlDB.Close()

	out, _, err = runCmd(t, "audit", "verify", "--data-dir", dir)
	if err == nil || !strings.Contains(err.Error(), "row 4") {
		t.Fatalf("tampered chain: err = %v", err)
	}
	if !strings.Contains(out, "BROKEN at row 4") || !strings.Contains(out, "3 rows intact") {
		t.Errorf("output %q does not name row 4", out)
	}
}
