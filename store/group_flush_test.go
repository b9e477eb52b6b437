package store

import (
	"strings"
	"testing"
)

// TestRenumber: the placeholders of one part of the WITH statement move by
// the parameters of the parts before it; a dollar sign that is not a
// placeholder stays.
func TestRenumber(t *testing.T) {
	var b strings.Builder
	renumber(&b, `INSERT INTO t (a, "b$") VALUES ($1,$2),($10, $2::timestamptz) -- $`, 7)
	if want := `INSERT INTO t (a, "b$") VALUES ($8,$9),($17, $9::timestamptz) -- $`; b.String() != want {
		t.Errorf("renumber = %s; want %s", b.String(), want)
	}
}
