package testenv

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWithSearchPath(t *testing.T) {
	for _, tc := range []struct{ name, dsn, want string }{
		{"url", "postgres://u:p@127.0.0.1:5432/db?sslmode=disable", "postgres://u:p@127.0.0.1:5432/db?search_path=t_1&sslmode=disable"},
		{"url without query", "postgresql://u@h/db", "postgresql://u@h/db?search_path=t_1"},
		{"url replaces search_path", "postgres://h/db?search_path=public", "postgres://h/db?search_path=t_1"},
		{"key value", "host=127.0.0.1 user=u dbname=db ", "host=127.0.0.1 user=u dbname=db search_path=t_1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := withSearchPath(tc.dsn, "t_1"); got != tc.want {
				t.Errorf("withSearchPath(%q) = %q, want %q", tc.dsn, got, tc.want)
			}
		})
	}
}

func TestConfValue(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "redis.conf")
	body := "# comment\nbind 127.0.0.1\nPort 6390\npidfile /tmp/x/redis.pid\nsave \"\"\n"
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ directive, want string }{
		{"port", "6390"},
		{"pidfile", "/tmp/x/redis.pid"},
		{"bind", "127.0.0.1"},
	} {
		t.Run(tc.directive, func(t *testing.T) {
			got, err := confValue(conf, tc.directive)
			if err != nil || got != tc.want {
				t.Errorf("confValue(%q) = %q, %v; want %q", tc.directive, got, err, tc.want)
			}
		})
	}
	if _, err := confValue(conf, "logfile"); err == nil {
		t.Error("confValue of a missing directive: no error")
	}
}
