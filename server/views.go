package server

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// actorNames reads the names of the people who acted in events (case or
// meeting events), by ID, in one query.
func actorNames[E jihat.CaseEvent | jihat.MeetingEvent](ctx context.Context, st *store.Store, events []E) (map[string]string, error) {
	ids := make([]string, 0, len(events))
	for i := range events {
		switch e := any(&events[i]).(type) {
		case *jihat.CaseEvent:
			ids = append(ids, e.ActorID)
		case *jihat.MeetingEvent:
			ids = append(ids, e.ActorID)
		}
	}
	return st.UserNames(ctx, ids)
}

// userView is a user as the API shows it. Personal data (national ID,
// mobile) is filled only for the user themself and for staff allowed to see it.
type userView struct {
	ID                 string   `json:"id"`
	Name               string   `json:"name"`
	Email              string   `json:"email,omitempty"`
	NationalID         string   `json:"national_id,omitempty"`
	Mobile             string   `json:"mobile,omitempty"`
	Role               string   `json:"role"`
	Roles              []string `json:"roles"`
	Permissions        []string `json:"permissions"`
	EntityID           *string  `json:"entity_id"`
	DepartmentID       *string  `json:"department_id,omitempty"`
	Lang               string   `json:"lang"`
	Active             bool     `json:"active"`
	MustChangePassword bool     `json:"must_change_password"`
	// Whether the e-mail and the mobile were verified (to their owner only,
	// and only for an address they have).
	EmailVerified  *bool  `json:"email_verified,omitempty"`
	MobileVerified *bool  `json:"mobile_verified,omitempty"`
	CreatedAt      string `json:"created_at"`
}

func newUserView(u *jihat.User, personal bool) userView {
	perms := u.Permissions()
	ps := make([]string, len(perms))
	for i, p := range perms {
		ps[i] = string(p)
	}
	v := userView{ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role), Roles: []string{string(u.Role)},
		Permissions: ps, Lang: string(u.Lang), Active: u.Active, MustChangePassword: u.MustChangePass,
		CreatedAt: rfc3339(u.CreatedAt)}
	if u.EntityID != "" {
		v.EntityID = &u.EntityID
	}
	if u.DepartmentID != "" {
		v.DepartmentID = &u.DepartmentID
	}
	if personal {
		v.NationalID, v.Mobile = u.NationalID, u.Mobile
		e, m := u.EmailVerified, u.MobileVerified
		if u.Email != "" {
			v.EmailVerified = &e
		}
		if u.Mobile != "" {
			v.MobileVerified = &m
		}
	}
	return v
}

type entityView struct {
	ID         string               `json:"id"`
	NameAR     string               `json:"name_ar"`
	NameEN     string               `json:"name_en"`
	Sector     string               `json:"sector"`
	AssignRule string               `json:"assign_rule"`
	Calendar   jihat.CalendarConfig `json:"calendar"`
	Escalation escalationView       `json:"escalation"`
	CreatedAt  string               `json:"created_at"`
}

// escalationView is an entity's objection ladder with its defaults filled in.
type escalationView struct {
	HeadUserID    string   `json:"head_user_id,omitempty"`
	Oversight     bool     `json:"oversight"`
	MaxObjections int      `json:"max_objections"`
	Levels        []string `json:"levels"`
}

func newEntityView(e *jihat.Entity) entityView {
	return entityView{ID: e.ID, NameAR: e.NameAR, NameEN: e.NameEN, Sector: string(e.Sector), AssignRule: e.AssignRule,
		Calendar: e.WorkingCalendar().Config(), Escalation: newEscalationView(e.Escalation), CreatedAt: rfc3339(e.CreatedAt)}
}

func newEscalationView(c jihat.EscalationConfig) escalationView {
	v := escalationView{HeadUserID: c.HeadUserID, Oversight: c.OversightOn(), MaxObjections: c.Limit()}
	for _, l := range c.Ladder() {
		v.Levels = append(v.Levels, l.String())
	}
	return v
}

type departmentView struct {
	ID       string `json:"id"`
	EntityID string `json:"entity_id"`
	NameAR   string `json:"name_ar"`
	NameEN   string `json:"name_en"`
}

func newDepartmentView(d *jihat.Department) departmentView {
	return departmentView{ID: d.ID, EntityID: d.EntityID, NameAR: d.NameAR, NameEN: d.NameEN}
}

type slaView struct {
	Normal        int `json:"normal"`
	Important     int `json:"important"`
	VeryImportant int `json:"very_important"`
}

type caseTypeView struct {
	ID           string  `json:"id"`
	EntityID     string  `json:"entity_id"`
	DepartmentID string  `json:"department_id"`
	NameAR       string  `json:"name_ar"`
	NameEN       string  `json:"name_en"`
	SLAHours     slaView `json:"sla_hours"`
}

func newCaseTypeView(t *jihat.CaseType) caseTypeView {
	return caseTypeView{ID: t.ID, EntityID: t.EntityID, DepartmentID: t.DepartmentID, NameAR: t.NameAR, NameEN: t.NameEN,
		SLAHours: slaView{Normal: t.SLA.Normal, Important: t.SLA.Important, VeryImportant: t.SLA.VeryImportant}}
}

// rfc3339 formats t in UTC as the API's times are.
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// rawJSON passes stored JSON text through as JSON.
func rawJSON(s string) json.RawMessage {
	if s == "" || !json.Valid([]byte(s)) {
		return json.RawMessage("{}")
	}
	return json.RawMessage(s)
}
