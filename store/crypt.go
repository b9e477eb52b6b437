package store

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
)

// KeySize is the length of the data key in bytes (AES-256).
const KeySize = 32

// crypter encrypts personal data and computes blind indexes. Two sub-keys are
// derived from the data key so the index key never encrypts and vice versa.
type crypter struct {
	aead     cipher.AEAD
	indexKey []byte
}

func newCrypter(key []byte) (*crypter, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("store: data key must be %d bytes, got %d", KeySize, len(key))
	}
	block, err := aes.NewCipher(derive(key, "jihat/pii-encryption/v1"))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &crypter{aead: aead, indexKey: derive(key, "jihat/pii-index/v1")}, nil
}

func derive(key []byte, label string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// seal encrypts plain with a random nonce; "" stays "". The field name is
// bound as additional data so a ciphertext cannot be moved to another column.
func (c *crypter) seal(field, plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	nonce := make([]byte, c.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	out := c.aead.Seal(nonce, nonce, []byte(plain), []byte(field))
	return base64.RawStdEncoding.EncodeToString(out), nil
}

// open decrypts what seal produced.
func (c *crypter) open(field, sealed string) (string, error) {
	if sealed == "" {
		return "", nil
	}
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil {
		return "", err
	}
	n := c.aead.NonceSize()
	if len(raw) < n {
		return "", errors.New("store: ciphertext too short")
	}
	plain, err := c.aead.Open(nil, raw[:n], raw[n:], []byte(field))
	if err != nil {
		return "", fmt.Errorf("store: decrypt %s: %w", field, err)
	}
	return string(plain), nil
}

// index returns the blind index of a normalised value for exact lookup, or
// nil for "" (so empty values never collide in a unique index).
func (c *crypter) index(field, value string) *string {
	if value == "" {
		return nil
	}
	m := hmac.New(sha256.New, c.indexKey)
	m.Write([]byte(field))
	m.Write([]byte{0})
	m.Write([]byte(value))
	s := hex.EncodeToString(m.Sum(nil))
	return &s
}
