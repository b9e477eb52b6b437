package jihat_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/jihat/jihat"
)

// chain builds n linked entries.
func chain(n int) []jihat.AuditEntry {
	at := time.Date(2026, 3, 1, 9, 30, 0, 123456000, time.UTC)
	out := make([]jihat.AuditEntry, n)
	prev := ""
	for i := range out {
		e := jihat.AuditEntry{Seq: int64(i + 1), ActorID: fmt.Sprintf("actor-%d", i), Action: "entity.create",
			Target: fmt.Sprintf("entity:%d", i), IP: "192.0.2.1", UserAgent: "test", Details: `{"n":1}`,
			At: at.Add(time.Duration(i) * time.Second), PrevHash: prev}
		e.Hash = e.ComputeHash()
		prev = e.Hash
		out[i] = e
	}
	return out
}

func TestComputeHash(t *testing.T) {
	e := chain(1)[0]
	if len(e.Hash) != 64 {
		t.Fatalf("hash %q is not hex SHA-256", e.Hash)
	}
	// A known value pins the encoding: changing it breaks every stored chain.
	const want = "1e97eca9e9a8d2562670fc0a52603b3040ae5e189de1e3a85cd47b48775abb1f"
	if e.Hash != want {
		t.Fatalf("hash = %s, want %s: the encoding changed, and with it every stored chain", e.Hash, want)
	}
	if e.ComputeHash() != e.Hash {
		t.Fatal("ComputeHash is not stable")
	}
	// The time zone of At does not matter, only the instant.
	local := e
	local.At = e.At.In(time.FixedZone("AST", 3*3600))
	if local.ComputeHash() != e.Hash {
		t.Error("the same instant in another zone hashes differently")
	}
	// Every field is covered, and moving text between adjacent fields changes the hash.
	changes := map[string]func(*jihat.AuditEntry){
		"seq":         func(e *jihat.AuditEntry) { e.Seq++ },
		"actor":       func(e *jihat.AuditEntry) { e.ActorID += "x" },
		"action":      func(e *jihat.AuditEntry) { e.Action = "entity.delete" },
		"target":      func(e *jihat.AuditEntry) { e.Target += "x" },
		"ip":          func(e *jihat.AuditEntry) { e.IP = "192.0.2.2" },
		"user agent":  func(e *jihat.AuditEntry) { e.UserAgent = "other" },
		"details":     func(e *jihat.AuditEntry) { e.Details = `{"n":2}` },
		"time":        func(e *jihat.AuditEntry) { e.At = e.At.Add(time.Microsecond) },
		"prev hash":   func(e *jihat.AuditEntry) { e.PrevHash = "00" },
		"field shift": func(e *jihat.AuditEntry) { e.Action, e.Target = e.Action+e.Target[:1], e.Target[1:] },
	}
	for name, change := range changes {
		c := e
		change(&c)
		if c.ComputeHash() == e.Hash {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
}

func TestVerifyChain(t *testing.T) {
	if bad := jihat.VerifyChain(chain(5), ""); bad != 0 {
		t.Fatalf("intact chain: VerifyChain = %d", bad)
	}
	if bad := jihat.VerifyChain(nil, ""); bad != 0 {
		t.Fatalf("empty chain: VerifyChain = %d", bad)
	}
	tests := []struct {
		name   string
		tamper func([]jihat.AuditEntry) []jihat.AuditEntry
		want   int64
	}{
		{"details of row 3 changed", func(es []jihat.AuditEntry) []jihat.AuditEntry { es[2].Details = `{"n":9}`; return es }, 3},
		{"actor of row 1 changed", func(es []jihat.AuditEntry) []jihat.AuditEntry { es[0].ActorID = "mallory"; return es }, 1},
		{"last row's hash recomputed after a change", func(es []jihat.AuditEntry) []jihat.AuditEntry {
			es[4].Action = "x"
			es[4].Hash = es[4].ComputeHash()
			return es
		}, 0}, // undetectable without an anchor: documents the limit of a bare chain
		{"row 2 rewritten with a fresh hash", func(es []jihat.AuditEntry) []jihat.AuditEntry {
			es[1].Action = "x"
			es[1].Hash = es[1].ComputeHash()
			return es
		}, 3}, // row 3 no longer links to it
		{"row 3 deleted", func(es []jihat.AuditEntry) []jihat.AuditEntry { return append(es[:2], es[3:]...) }, 4},
		{"rows swapped", func(es []jihat.AuditEntry) []jihat.AuditEntry { es[1], es[2] = es[2], es[1]; return es }, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := jihat.VerifyChain(tt.tamper(chain(5)), ""); got != tt.want {
				t.Fatalf("VerifyChain = %d, want %d", got, tt.want)
			}
		})
	}
	// Verifying a later part of the chain needs the hash before it.
	es := chain(5)
	if bad := jihat.VerifyChain(es[2:], es[1].Hash); bad != 0 {
		t.Errorf("tail with the right previous hash: %d", bad)
	}
	if bad := jihat.VerifyChain(es[2:], es[0].Hash); bad != 3 {
		t.Errorf("tail with the wrong previous hash: %d, want 3", bad)
	}
}
