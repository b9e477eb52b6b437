package jihat

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"
)

// AuditEntry is one row of the append-only, hash-chained audit log: who did
// what to which target, when and from where.
type AuditEntry struct {
	Seq       int64 // position in the chain, from 1
	ActorID   string
	Action    string // e.g. "auth.login", "entity.create"
	Target    string // e.g. "entity:<id>"
	IP        string
	UserAgent string
	Details   string // JSON object as text
	At        time.Time
	PrevHash  string // Hash of the previous entry; "" for the first
	Hash      string
}

// ComputeHash returns the chain hash of e: SHA-256 over the previous hash and
// every field, each length-prefixed so no two different entries can encode to
// the same bytes.
func (e *AuditEntry) ComputeHash() string {
	h := sha256.New()
	for _, f := range []string{
		e.PrevHash, strconv.FormatInt(e.Seq, 10), e.ActorID, e.Action, e.Target, e.IP, e.UserAgent,
		e.Details, e.At.UTC().Format(time.RFC3339Nano),
	} {
		h.Write([]byte(strconv.Itoa(len(f))))
		h.Write([]byte{':'})
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// VerifyChain checks entries in order and returns the Seq of the first entry
// whose link or hash is wrong, or 0 when the chain is intact.
func VerifyChain(entries []AuditEntry, prevHash string) int64 {
	for i := range entries {
		e := &entries[i]
		if e.PrevHash != prevHash || e.ComputeHash() != e.Hash {
			return e.Seq
		}
		prevHash = e.Hash
	}
	return 0
}
