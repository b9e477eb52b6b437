package server_test

import (
	"strings"

	"github.com/jihat/jihat/server"
)

// meetingAuthzCovered reports the meeting operations, whose who-may and
// who-may-not depend on meeting roles (chair, secretary, member, observer)
// that the general matrix does not have: TestMeetingAuthorization covers
// each of them for every role.
func meetingAuthzCovered(op server.Operation) bool {
	for _, p := range []string{"/api/v1/meetings", "/api/v1/motions/", "/api/v1/boards/", "/api/v1/notes/"} {
		if strings.HasPrefix(op.Path, p) {
			return true
		}
	}
	return strings.HasSuffix(op.Path, "/boards")
}
