package main

import (
	"testing"

	"github.com/jihat/jihat/client"
)

// TestTallyHead: the head of a tally frame is read whatever the order of
// its fields, and the changes after it are not needed.
func TestTallyHead(t *testing.T) {
	want := frameHead{Type: "tally", ID: "m1", Status: "open", Tally: client.Tally{Accept: 2, Voted: 2, Version: 7}}
	for _, data := range []string{
		`{"type":"tally","meeting_id":"x","id":"m1","title":"t","secret":false,"status":"open","tally":{"accept":2,"voted":2,"version":7},"since":3,"changes":{"u":"accept"}}`,
		`{"tally":{"accept":2,"voted":2,"version":7},"changes":{"u":"accept"},"status":"open","id":"m1","type":"tally"}`,
		// cut inside the changes: never read
		`{"type":"tally","id":"m1","status":"open","tally":{"accept":2,"voted":2,"version":7},"changes":{"u":`,
	} {
		got, ok := tallyHead([]byte(data))
		if !ok || got != want {
			t.Errorf("tallyHead(%s) = %+v, %v; want %+v", data, got, ok, want)
		}
	}
	for _, data := range []string{`[]`, `{"type":`, `{"type":"attendance","changes":[]}`} {
		if got, ok := tallyHead([]byte(data)); ok && got.Type == "tally" {
			t.Errorf("tallyHead(%s) = %+v, want no tally", data, got)
		}
	}
}
