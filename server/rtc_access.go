package server

import (
	"context"

	"github.com/jihat/jihat"
)

// meetingAudioAccess is the default AudioAccess: the meetings service says
// whether userID is a member present in the meeting (in the room or checked
// in, the meeting not ended) and whether they chair it.
func (s *Server) meetingAudioAccess(ctx context.Context, meetingID, userID string) (present, chair bool, err error) {
	seat, present, err := s.PresentMember(ctx, meetingID, userID)
	if err != nil {
		return false, false, err
	}
	return present, present && seat.Role == jihat.MeetingChair, nil
}
