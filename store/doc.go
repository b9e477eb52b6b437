// Package store keeps Jihat's data in a relational database through GORM:
// SQLite (pure Go, no cgo) as the embedded default and PostgreSQL in
// production, with one code path and one shared test suite for both.
//
// The store owns transactions: every public method that changes state runs
// in one transaction and appends its audit entry in that same transaction, so
// a failed request leaves nothing half-written. GORM models stay inside this
// package and are mapped to the domain types of package jihat.
//
// Personal data (national ID, mobile) is encrypted at rest with AES-256-GCM
// and found by an HMAC-SHA256 blind index (see crypt.go).
//
// A *Store is safe for concurrent use.
package store
