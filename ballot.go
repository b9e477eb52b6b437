package jihat

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"strconv"
	"strings"
)

// Secret ballots
//
// A secret ballot keeps two things apart: who has voted (one row per voter
// and motion) and the ballot box (the counts of each choice, nothing else).
// No row of either table names the other: no ballot ID, no timestamp, no
// order, no key joins them. A voter who changes their vote proves their
// previous choice with the Receipt the server handed back to them alone when
// they voted: sealed (AES-GCM) under a key only the server can derive, it
// names the motion, the voter, the voter's vote generation and the choice.
// The server opens it, moves one count from the old choice to the new one,
// raises the generation (so an old receipt cannot be replayed) and hands
// back a new receipt. Receipts are never stored, logged or audited.

// Receipt is the content of a secret-ballot receipt.
type Receipt struct {
	MotionID   string
	VoterID    string
	Generation int64 // the voter's vote count on the motion when issued (1 for the first vote)
	Choice     Choice
}

// SealReceipt encrypts r under key (32 bytes) into an opaque URL-safe text.
func SealReceipt(key []byte, r Receipt) (string, error) {
	aead, err := receiptAEAD(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	plain := r.MotionID + "|" + r.VoterID + "|" + strconv.FormatInt(r.Generation, 10) + "|" + string(r.Choice)
	out := aead.Seal(nonce, nonce, []byte(plain), nil)
	return base64.RawURLEncoding.EncodeToString(out), nil
}

// OpenReceipt decrypts a receipt sealed with key. A receipt that was not
// sealed with key, or was altered, is an EINVALID error on "receipt".
func OpenReceipt(key []byte, s string) (Receipt, error) {
	bad := invalidField("receipt", "meeting_bad_receipt")
	aead, err := receiptAEAD(key)
	if err != nil {
		return Receipt{}, err
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(raw) < aead.NonceSize()+aead.Overhead() || len(s) > 512 {
		return Receipt{}, bad
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], nil)
	if err != nil {
		return Receipt{}, bad
	}
	parts := strings.Split(string(plain), "|")
	if len(parts) != 4 {
		return Receipt{}, bad
	}
	gen, err := strconv.ParseInt(parts[2], 10, 64)
	c, cerr := ParseChoice(parts[3])
	if err != nil || cerr != nil {
		return Receipt{}, bad
	}
	return Receipt{MotionID: parts[0], VoterID: parts[1], Generation: gen, Choice: c}, nil
}

func receiptAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
