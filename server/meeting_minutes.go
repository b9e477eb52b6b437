package server

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Minutes: the automatic draft, saved versions, approval and grants.

// minutesView is a version of the minutes. Generated is true for the
// automatic draft shown before anyone saved one.
type minutesView struct {
	MeetingID  string `json:"meeting_id"`
	Version    int    `json:"version"`
	Status     string `json:"status"`
	Body       string `json:"body"`
	Generated  bool   `json:"generated"`
	UpdatedBy  string `json:"updated_by,omitempty"`
	UpdatedAt  string `json:"updated_at,omitempty"`
	ApprovedBy string `json:"approved_by,omitempty"`
	ApprovedAt string `json:"approved_at,omitempty"`
}

func newMinutesView(mi *jihat.Minutes) minutesView {
	v := minutesView{MeetingID: mi.MeetingID, Version: mi.Version, Status: mi.Status, Body: mi.Body, UpdatedBy: mi.UpdatedBy,
		UpdatedAt: rfc3339(mi.UpdatedAt), ApprovedBy: mi.ApprovedBy}
	if mi.ApprovedAt != nil {
		v.ApprovedAt = rfc3339(*mi.ApprovedAt)
	}
	return v
}

// Minutes returns the latest minutes of meeting id, or the draft filled
// in automatically when none was saved. Readable by the members, the
// admins and those granted access.
func (s *Server) Minutes(ctx context.Context, u *jihat.User, id string) (*jihat.Meeting, minutesView, error) {
	m, err := s.store.Meeting(ctx, id)
	if err != nil {
		return nil, minutesView{}, err
	}
	if !accessTo(u, m).minute {
		return nil, minutesView{}, hidden()
	}
	mi, err := s.store.Minutes(ctx, id)
	if err != nil {
		return nil, minutesView{}, err
	}
	if mi != nil {
		return m, newMinutesView(mi), nil
	}
	body, err := s.draftMinutes(ctx, m)
	if err != nil {
		return nil, minutesView{}, err
	}
	return m, minutesView{MeetingID: id, Status: "draft", Body: body, Generated: true}, nil
}

// draftMinutes fills in the minutes from what happened: the meeting,
// attendance, the agenda, and each motion's decision and vote.
func (s *Server) draftMinutes(ctx context.Context, m *jihat.Meeting) (string, error) {
	stays, err := s.store.Attendance(ctx, m.ID)
	if err != nil {
		return "", err
	}
	motions, err := s.store.Motions(ctx, m.ID)
	if err != nil {
		return "", err
	}
	loc, err := time.LoadLocation(m.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	names := map[string]string{}
	for _, x := range m.Members {
		names[x.UserID] = x.Name
	}
	var b strings.Builder
	fmt.Fprintf(&b, "محضر اجتماع: %s\n", m.Title)
	fmt.Fprintf(&b, "الموعد: %s – %s (%s)\n\n", m.StartsAt.In(loc).Format("2006-01-02 15:04"), m.EndsAt.In(loc).Format("15:04"), m.TimeZone)
	b.WriteString("الحضور:\n")
	seen := map[string]bool{}
	for _, st := range stays {
		if seen[st.UserID] {
			continue
		}
		seen[st.UserID] = true
		role := ""
		if seat, ok := m.Member(st.UserID); ok {
			role = roleAR[seat.Role]
		}
		fmt.Fprintf(&b, "- %s %s (%s)\n", nameOr(names, st.UserID), role, st.JoinedAt.In(loc).Format("15:04"))
	}
	b.WriteString("\nالغياب:\n")
	for _, x := range m.Members {
		if !seen[x.UserID] {
			fmt.Fprintf(&b, "- %s %s\n", x.Name, roleAR[x.Role])
		}
	}
	b.WriteString("\nجدول الأعمال:\n")
	for _, it := range m.Agenda {
		fmt.Fprintf(&b, "%d. %s\n", it.Position, it.Title)
	}
	b.WriteString("\nالقرارات:\n")
	for _, mo := range motions {
		if mo.Status != jihat.MotionClosed {
			continue
		}
		t := mo.Tally
		kind := "علني"
		if mo.Secret {
			kind = "سري"
		}
		fmt.Fprintf(&b, "- %s: %s (تصويت %s؛ موافق %d، غير موافق %d، ممتنع %d؛ حضر %d من %d)\n",
			mo.Title, resultAR[mo.Result], kind, t.Accept, t.Reject, t.Abstain, t.Present, t.Eligible)
	}
	return b.String(), nil
}

var roleAR = map[jihat.MeetingRole]string{jihat.MeetingChair: "(الرئيس)", jihat.MeetingSecretary: "(أمين السر)",
	jihat.MeetingMember: "", jihat.MeetingObserver: "(مراقب)"}

var resultAR = map[jihat.MotionResult]string{jihat.ResultApproved: "اعتُمد", jihat.ResultRejected: "رُفض",
	jihat.ResultNoQuorum: "لم يكتمل النصاب"}

func nameOr(names map[string]string, id string) string {
	if n := names[id]; n != "" {
		return n
	}
	return id
}

// SaveMinutes saves the text of the minutes (the chair, the secretary or
// an admin). Editing approved minutes starts the next version as a draft;
// the approved one stays frozen. ifVersion, when not 0, must be the latest
// version (ECONFLICT otherwise), so two editors do not overwrite each other.
func (s *Server) SaveMinutes(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id, body string, ifVersion int) (*jihat.Minutes, error) {
	if len([]rune(body)) > jihat.MaxMinutesBody {
		return nil, jihat.Invalid(map[string]string{"body": "invalid_value"})
	}
	a.Action = "minutes.update"
	var out *jihat.Minutes
	_, _, err := s.store.UpdateMeeting(ctx, id, a, func(mt *store.MeetingTx) error {
		if err := mayRun(u, mt.Meeting); err != nil {
			return err
		}
		var err error
		out, err = mt.Minutes(func(cur *jihat.Minutes) (*jihat.Minutes, error) {
			next := &jihat.Minutes{MeetingID: id, Version: 1, Status: "draft", Body: body, UpdatedBy: u.ID}
			if cur != nil {
				if ifVersion != 0 && ifVersion != cur.Version {
					return nil, jihat.Errorf(jihat.ECONFLICT, "meeting_stale")
				}
				next.Version = cur.Version
				if cur.Status == "approved" {
					next.Version++
				}
			}
			return next, nil
		})
		return err
	})
	return out, err
}

// ApproveMinutes approves the latest draft (the chair or an admin); it is
// frozen from then on. Approving approved minutes answers them unchanged.
func (s *Server) ApproveMinutes(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id string) (*jihat.Minutes, error) {
	a.Action = "minutes.approve"
	var out *jihat.Minutes
	m, events, err := s.store.UpdateMeeting(ctx, id, a, func(mt *store.MeetingTx) error {
		if err := mayChair(u, mt.Meeting); err != nil {
			return err
		}
		var err error
		already := false
		out, err = mt.Minutes(func(cur *jihat.Minutes) (*jihat.Minutes, error) {
			if cur == nil {
				return nil, jihat.Errorf(jihat.ECONFLICT, "meeting_minutes_empty")
			}
			if cur.Status == "approved" { // approving twice answers the same
				already = true
				return cur, nil
			}
			now := mt.Now
			next := *cur
			next.Status, next.ApprovedBy, next.ApprovedAt = "approved", u.ID, &now
			return &next, nil
		})
		if err != nil || already {
			return err
		}
		return mt.Event("minutes.approved", u.ID, map[string]any{"meeting_id": id, "version": out.Version})
	})
	if err != nil {
		return nil, err
	}
	s.publishMeeting(ctx, m, events)
	return out, nil
}

// GrantMinutes lets userID read the minutes of meeting id without being a
// member (the chair, the secretary or an admin grants it).
func (s *Server) GrantMinutes(ctx context.Context, u *jihat.User, a jihat.AuditEntry, id, userID string) error {
	if !jihat.IsUUID(userID) {
		return jihat.Invalid(map[string]string{"user_id": "invalid_value"})
	}
	users, err := s.store.ActiveUsers(ctx, []string{userID})
	if err != nil {
		return err
	}
	if users[userID] == nil {
		return jihat.Invalid(map[string]string{"user_id": "invalid_value"})
	}
	a.Action = "minutes.grant"
	a.Details = mustJSON(map[string]string{"user_id": userID})
	_, _, err = s.store.UpdateMeeting(ctx, id, a, func(mt *store.MeetingTx) error {
		if err := mayRun(u, mt.Meeting); err != nil {
			return err
		}
		return mt.GrantMinutes(userID)
	})
	return err
}

// getMinutes: GET /api/v1/meetings/{id}/minutes.
func (s *Server) getMinutes(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	m, v, err := s.Minutes(c.UserContext(), u, id)
	if err != nil {
		return err
	}
	recs, err := s.recordingViews(c.UserContext(), m) // the audio attached to the minutes (meeting_recordings.go)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"minutes": v, "recordings": recs})
}

// putMinutes: PUT /api/v1/meetings/{id}/minutes {body, version?}.
func (s *Server) putMinutes(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	var in struct {
		Body    string `json:"body"`
		Version int    `json:"version"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	mi, err := s.SaveMinutes(c.UserContext(), u, audit(c, ""), id, in.Body, in.Version)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"minutes": newMinutesView(mi)})
}

// approveMinutes: POST /api/v1/meetings/{id}/minutes/approve.
func (s *Server) approveMinutes(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	mi, err := s.ApproveMinutes(c.UserContext(), u, audit(c, ""), id)
	if err != nil {
		return err
	}
	return c.JSON(fiber.Map{"minutes": newMinutesView(mi)})
}

// grantMinutes: POST /api/v1/meetings/{id}/minutes/access {user_id}.
func (s *Server) grantMinutes(c *fiber.Ctx) error {
	u, id, err := callerAndID(c)
	if err != nil {
		return err
	}
	var in struct {
		UserID string `json:"user_id"`
	}
	if err := decode(c, &in); err != nil {
		return err
	}
	if err := s.GrantMinutes(c.UserContext(), u, audit(c, ""), id, in.UserID); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
