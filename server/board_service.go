package server

import (
	"context"
	"maps"

	"github.com/jihat/jihat"
)

// Board services: boards and committees of an entity and their seats
// (chair, secretary, member, observer), used by meetings (meeting_service.go).
// seatInput is one member as a request gives it.
type seatInput struct {
	UserID string `json:"user_id"`
	Role   string `json:"role"`
}

// checkSeats validates members for a board or a meeting of entityID and
// returns them as seats. Problems go into fields under name.
func (s *Server) checkSeats(ctx context.Context, fields map[string]string, name, entityID string, in []seatInput) ([]jihat.MeetingSeat, error) {
	if len(in) > jihat.MaxMeetingSize {
		fields[name] = "meeting_too_many"
		return nil, nil
	}
	ids := make([]string, 0, len(in))
	seen := map[string]bool{}
	out := make([]jihat.MeetingSeat, 0, len(in))
	for _, x := range in {
		role := jihat.MeetingRole(x.Role)
		if x.Role == "" {
			role = jihat.MeetingMember
		}
		switch {
		case !jihat.IsUUID(x.UserID):
			fields[name] = "meeting_bad_member"
		case !role.Valid():
			fields[name] = "meeting_bad_role"
		case seen[x.UserID]:
			fields[name] = "meeting_duplicate_member"
		}
		seen[x.UserID] = true
		ids = append(ids, x.UserID)
		out = append(out, jihat.MeetingSeat{UserID: x.UserID, Role: role})
	}
	if fields[name] != "" {
		return nil, nil
	}
	users, err := s.store.ActiveUsers(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i := range out {
		u := users[out[i].UserID]
		if !seatable(u, entityID) {
			fields[name] = "meeting_bad_member"
			return nil, nil
		}
		out[i].Name = u.Name
	}
	return out, nil
}

// boardInput is the body of POST /entities/{id}/boards and PATCH /boards/{id}.
type boardInput struct {
	Name       *string      `json:"name"`
	Kind       *string      `json:"kind"`
	QuorumRule *string      `json:"quorum_rule"`
	ResultRule *string      `json:"result_rule"`
	Members    *[]seatInput `json:"members"`
}

// boardSeats checks in's members, when it gives them, as seats of entityID.
// It runs before the board's transaction, never inside it: it reads users,
// and a read inside the transaction would wait for a second connection
// (SQLite has one writer connection: PATCH /boards/{id} with members hung).
func (s *Server) boardSeats(ctx context.Context, entityID string, in boardInput) (seats []jihat.MeetingSeat, fields map[string]string, err error) {
	fields = map[string]string{}
	if in.Members != nil {
		seats, err = s.checkSeats(ctx, fields, "members", entityID, *in.Members)
	}
	return seats, fields, err
}

// applyBoard validates in and applies it to b; seats and seatFields are
// boardSeats' answer for in.
func applyBoard(b *jihat.Board, in boardInput, seats []jihat.MeetingSeat, seatFields map[string]string, creating bool) error {
	fields := maps.Clone(seatFields)
	if in.Name != nil || creating {
		b.Name = jihat.ValidateTitle(fields, "name", derefString(in.Name), jihat.MaxMeetingTitle)
	}
	if in.Kind != nil {
		b.Kind = *in.Kind
	}
	if b.Kind == "" {
		b.Kind = "board"
	}
	if b.Kind != "board" && b.Kind != "committee" {
		fields["kind"] = "invalid_value"
	}
	if in.QuorumRule != nil {
		b.Quorum = jihat.QuorumRule(*in.QuorumRule)
	}
	if in.ResultRule != nil {
		b.Result = jihat.ResultRule(*in.ResultRule)
	}
	if b.Quorum == "" {
		b.Quorum = jihat.QuorumMajority
	}
	if b.Result == "" {
		b.Result = jihat.ResultMajority
	}
	if !b.Quorum.Valid() {
		fields["quorum_rule"] = "meeting_bad_rule"
	}
	if !b.Result.Valid() {
		fields["result_rule"] = "meeting_bad_rule"
	}
	if in.Members != nil {
		b.Members = seats
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	return nil
}

func derefString(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// CreateBoard creates a board or committee of entityID (entity admins and
// platform admins).
func (s *Server) CreateBoard(ctx context.Context, u *jihat.User, a jihat.AuditEntry, entityID string, in boardInput) (*jihat.Board, error) {
	if !canAdminMeetings(u, entityID) {
		return nil, jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
	}
	if _, err := s.store.Entity(ctx, entityID); err != nil {
		return nil, err
	}
	seats, fields, err := s.boardSeats(ctx, entityID, in)
	if err != nil {
		return nil, err
	}
	b := &jihat.Board{EntityID: entityID}
	if err := applyBoard(b, in, seats, fields, true); err != nil {
		return nil, err
	}
	a.Action = "board.create"
	if err := s.store.CreateBoard(ctx, b, a); err != nil {
		return nil, err
	}
	return b, nil
}

// UpdateBoard changes a board's name, rules or members.
func (s *Server) UpdateBoard(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id string, in boardInput) (*jihat.Board, error) {
	b, err := s.store.Board(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canAdminMeetings(u, b.EntityID) {
		if s.boardSeat(b, u.ID) != "" {
			return nil, jihat.Errorf(jihat.EFORBIDDEN, "forbidden")
		}
		return nil, hidden()
	}
	seats, fields, err := s.boardSeats(ctx, b.EntityID, in)
	if err != nil {
		return nil, err
	}
	a.Action = "board.update"
	return s.store.UpdateBoard(ctx, id, a, func(b *jihat.Board) error { return applyBoard(b, in, seats, fields, false) })
}

// Board returns a board to its members and the entity's admins.
func (s *Server) Board(ctx context.Context, u *jihat.User, id string) (*jihat.Board, error) {
	b, err := s.store.Board(ctx, id)
	if err != nil {
		return nil, err
	}
	if !canAdminMeetings(u, b.EntityID) && s.boardSeat(b, u.ID) == "" {
		return nil, hidden()
	}
	return b, nil
}

func (s *Server) boardSeat(b *jihat.Board, userID string) jihat.MeetingRole {
	for _, m := range b.Members {
		if m.UserID == userID {
			return m.Role
		}
	}
	return ""
}
