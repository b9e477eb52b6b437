package testenv_test

import (
	"strings"
	"testing"

	"github.com/jihat/jihat/internal/testenv"
)

func TestRequire(t *testing.T) {
	for _, tc := range []struct {
		value string
		want  bool
	}{
		{"1", true},
		{"", false},
		{"0", false},
		{"true", false},
	} {
		t.Run("value="+tc.value, func(t *testing.T) {
			t.Setenv(testenv.EnvRequireServices, tc.value)
			if got := testenv.Require(); got != tc.want {
				t.Errorf("Require() with %q = %v, want %v", tc.value, got, tc.want)
			}
		})
	}
}

// TestMissingOrBrokenServices checks that a helper skips a test whose server
// is not configured, fails it instead under JIHAT_TEST_REQUIRE_SERVICES=1,
// and fails it whenever a configured server does not answer.
func TestMissingOrBrokenServices(t *testing.T) {
	call := map[string]func(testing.TB){
		"Postgres":     func(tb testing.TB) { testenv.Postgres(tb) },
		"Redis":        func(tb testing.TB) { testenv.Redis(tb) },
		"PrivateRedis": func(tb testing.TB) { testenv.PrivateRedis(tb) },
		"KillRedis":    func(tb testing.TB) { testenv.KillRedis(tb) },
		"StartRedis":   func(tb testing.TB) { testenv.StartRedis(tb) },
	}
	unset := map[string]string{
		testenv.EnvDatabaseURL: "",
		testenv.EnvRedisURL:    "",
		testenv.EnvRedisConf:   "",
	}
	for _, tc := range []struct {
		name     string
		helper   string
		env      map[string]string
		require  string
		wantSkip bool
		wantMsg  string
		dontSay  string
	}{
		{name: "postgres unset skips", helper: "Postgres", wantSkip: true, wantMsg: testenv.EnvDatabaseURL},
		{name: "postgres unset fails when required", helper: "Postgres", require: "1", wantMsg: testenv.EnvDatabaseURL},
		{name: "redis unset skips", helper: "Redis", wantSkip: true, wantMsg: testenv.EnvRedisURL},
		{name: "redis unset fails when required", helper: "Redis", require: "1", wantMsg: testenv.EnvRedisURL},
		{name: "private redis unset skips", helper: "PrivateRedis", wantSkip: true, wantMsg: testenv.EnvRedisURL},
		{name: "kill redis unset skips", helper: "KillRedis", wantSkip: true, wantMsg: testenv.EnvRedisConf},
		{name: "start redis unset fails when required", helper: "StartRedis", require: "1", wantMsg: testenv.EnvRedisConf},
		{
			name:    "postgres unreachable fails and hides the password",
			helper:  "Postgres",
			env:     map[string]string{testenv.EnvDatabaseURL: "postgres://u:s3cr3t@127.0.0.1:1/x?sslmode=disable&connect_timeout=5"},
			wantMsg: "create schema",
			dontSay: "s3cr3t",
		},
		{
			name:    "redis unreachable fails",
			helper:  "Redis",
			env:     map[string]string{testenv.EnvRedisURL: "redis://127.0.0.1:1/0"},
			wantMsg: "does not answer",
		},
		{
			name:    "redis bad url fails",
			helper:  "Redis",
			env:     map[string]string{testenv.EnvRedisURL: "http://127.0.0.1:1/"},
			wantMsg: testenv.EnvRedisURL,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range unset {
				t.Setenv(k, v)
			}
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			t.Setenv(testenv.EnvRequireServices, tc.require)

			f := runFake(t, call[tc.helper])

			if f.skipped != tc.wantSkip || f.failed == tc.wantSkip {
				t.Fatalf("%s: skipped=%v failed=%v (%q), want skipped=%v failed=%v",
					tc.helper, f.skipped, f.failed, f.msg, tc.wantSkip, !tc.wantSkip)
			}
			if !strings.Contains(f.msg, tc.wantMsg) {
				t.Errorf("%s: message %q does not mention %q", tc.helper, f.msg, tc.wantMsg)
			}
			if tc.dontSay != "" && strings.Contains(f.msg, tc.dontSay) {
				t.Errorf("%s: message %q gives away %q", tc.helper, f.msg, tc.dontSay)
			}
		})
	}
}
