package server_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/jihat/jihat/internal/testserver"
)

// TestInternalNoteKeepsPublicUpdatedAt (issue 11, point 11): a case's
// updated_at, as the requester sees it (the case, the list), does not move
// when staff add an internal note — it would tell them that something
// happened inside — while staff who read internal notes see it move; a
// public reply moves it for everyone.
func TestInternalNoteKeepsPublicUpdatedAt(t *testing.T) {
	eachDatabase(t, func(t *testing.T, db ...testserver.Option) {
		clock := newSettableClock()
		ts := testserver.Start(t, append(db, withClock(clock))...)
		k := newCaseCast(t, ts)
		id := testserver.Str(k.open(t, "تاريخ التحديث", "نص"), "id")
		comment := func(vis string) {
			t.Helper()
			clock.Add(time.Minute)
			ts.Must(http.StatusCreated, "POST", "/api/v1/cases/"+id+"/comments", k.employee.Token,
				map[string]any{"body": "تعليق " + vis, "visibility": vis})
		}
		updated := func(token string) (one, inList string) {
			t.Helper()
			one = testserver.Str(ts.Must(http.StatusOK, "GET", "/api/v1/cases/"+id, token, nil), "case.updated_at")
			list := ts.Must(http.StatusOK, "GET", "/api/v1/cases", token, nil)
			cases, _ := testserver.Get(list, "cases").([]any)
			for _, c := range cases {
				if testserver.Str(c, "id") == id {
					inList = testserver.Str(c, "updated_at")
				}
			}
			return one, inList
		}
		comment("public")
		public, _ := updated(k.citizen.Token)
		comment("internal")
		if one, inList := updated(k.citizen.Token); one != public || inList != public {
			t.Errorf("after an internal note the requester sees updated_at %s (list %s), want %s", one, inList, public)
		}
		if one, _ := updated(k.supervisor.Token); one == public {
			t.Errorf("the supervisor sees updated_at %s after the internal note, want it moved", one)
		}
		comment("public")
		if one, inList := updated(k.citizen.Token); one == public || inList != one {
			t.Errorf("after a public reply the requester sees updated_at %s (list %s), want it moved from %s", one, inList, public)
		}
	})
}
