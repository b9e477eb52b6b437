package server_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/internal/testserver"
	"github.com/jihat/jihat/server"
)

// TestDefaultArgon2 hashes once with the production parameters (the only
// test that pays for them): OWASP's m=19 MiB, t=2, p=1, in PHC form.
func TestDefaultArgon2(t *testing.T) {
	if server.DefaultArgon2 != (server.Argon2Params{MemoryKiB: 19456, Time: 2, Threads: 1}) {
		t.Fatalf("DefaultArgon2 = %+v", server.DefaultArgon2)
	}
	h, err := server.HashPassword("correct horse battery staple", server.DefaultArgon2)
	if err != nil {
		t.Fatal(err)
	}
	phc := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !phc.MatchString(h) {
		t.Fatalf("hash %q is not a PHC argon2id string with the default parameters", h)
	}
	if ok, err := server.CheckPassword("correct horse battery staple", h); !ok || err != nil {
		t.Fatalf("CheckPassword(right) = %v, %v", ok, err)
	}
}

func TestCheckPassword(t *testing.T) {
	cheap := testserver.CheapArgon2
	h1, _ := server.HashPassword("كلمة مرور طويلة", cheap)
	h2, _ := server.HashPassword("كلمة مرور طويلة", cheap)
	if h1 == h2 {
		t.Error("two hashes of one password are equal: no salt")
	}
	for _, h := range []string{h1, h2, testserver.HashPassword("كلمة مرور طويلة")} {
		if ok, err := server.CheckPassword("كلمة مرور طويلة", h); !ok || err != nil {
			t.Errorf("CheckPassword(right, %s) = %v, %v", h, ok, err)
		}
		if ok, err := server.CheckPassword("كلمة مرور طويلـة", h); ok || err != nil {
			t.Errorf("CheckPassword(wrong) = %v, %v", ok, err)
		}
	}
	for _, bad := range []string{
		"", "plain", "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA",
		"$argon2id$v=18$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA",
		"$argon2id$v=19$m=x,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$aGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$!!!$aGFzaA",
		"$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA$!!!",
		strings.Replace(h1, "$argon2id$", "$bcrypt$", 1),
	} {
		if ok, err := server.CheckPassword("x", bad); ok || err == nil {
			t.Errorf("CheckPassword(%q) = %v, %v; want an error", bad, ok, err)
		}
	}
}

func TestGeneratePassword(t *testing.T) {
	seen := map[string]bool{}
	alphabet := regexp.MustCompile(`^[a-km-zA-HJ-NP-Z2-9]{20}$`)
	for range 200 {
		pw := server.GeneratePassword()
		if !alphabet.MatchString(pw) {
			t.Fatalf("generated %q: want 20 characters without look-alikes", pw)
		}
		if err := jihat.ValidatePassword(pw); err != nil {
			t.Fatalf("generated %q fails the policy: %v", pw, err)
		}
		if seen[pw] {
			t.Fatalf("generated %q twice", pw)
		}
		seen[pw] = true
	}
}
