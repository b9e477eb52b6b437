package server

import (
	"context"
	"encoding/json"
	"time"

	"github.com/jihat/jihat"
)

// personRef names a person on a case: requester, assignee, actor.
type personRef struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type locationView struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// caseView is a case as the API shows it (API.md).
type caseView struct {
	ID              string        `json:"id"`
	Number          string        `json:"number"`
	EntityID        string        `json:"entity_id"`
	CaseTypeID      string        `json:"case_type_id"`
	DepartmentID    string        `json:"department_id"`
	Subject         string        `json:"subject"`
	Body            string        `json:"body"`
	Priority        string        `json:"priority"`
	PriorityLabel   string        `json:"priority_label"`
	Kind            string        `json:"kind,omitempty"`
	ServiceID       string        `json:"service_id,omitempty"`
	Category        string        `json:"category,omitempty"`
	Location        *locationView `json:"location,omitempty"`
	Status          string        `json:"status"`
	StatusLabel     string        `json:"status_label"`
	Requester       personRef     `json:"requester"`
	Assignee        *personRef    `json:"assignee"`
	EscalationLevel string        `json:"escalation_level"`
	Objections      int           `json:"objections"`
	FinalDecision   bool          `json:"final_decision"`
	DueAt           string        `json:"due_at"`
	Late            bool          `json:"late"`
	PostponedUntil  string        `json:"postponed_until,omitempty"`
	Resolution      string        `json:"resolution,omitempty"`
	ResolvedAt      string        `json:"resolved_at,omitempty"`
	Rating          int           `json:"rating,omitempty"`
	RatingComment   string        `json:"rating_comment,omitempty"`
	Actions         []string      `json:"actions"`
	CreatedAt       string        `json:"created_at"`
	UpdatedAt       string        `json:"updated_at"`
	Highlights      *highlights   `json:"highlights,omitempty"` // in a search: where the words matched
}

// highlights are the spans of a search's words in the texts of a result
// the searcher sees (UTF-16 code units, as a browser slices a string).
// Only texts already in the answer are highlighted, so a highlight never
// reveals anything more.
type highlights struct {
	Subject []jihat.Span `json:"subject"`
	Body    []jihat.Span `json:"body"`
}

func newHighlights(subject, body string, terms []jihat.SearchTerm) *highlights {
	h := &highlights{Subject: jihat.Highlight(subject, terms), Body: jihat.Highlight(body, terms)}
	if h.Subject == nil {
		h.Subject = []jihat.Span{}
	}
	if h.Body == nil {
		h.Body = []jihat.Span{}
	}
	return h
}

// caseAnswer is what a case service answers: case cs as viewer u sees it
// now, in lang, with the names of its requester and assignee.
func (s *Server) caseAnswer(ctx context.Context, u *jihat.User, lang jihat.Lang, cs *jihat.Case) (caseView, error) {
	names, err := s.store.UserNames(ctx, []string{cs.RequesterID, cs.AssigneeID})
	if err != nil {
		return caseView{}, err
	}
	return newCaseView(u, cs, names, lang, s.now(), s.cfg.ObjectionWindow), nil
}

// caseAnswerErr is caseAnswer for the result of a case's mutation: err
// (the mutation's) goes through unchanged.
func (s *Server) caseAnswerErr(ctx context.Context, u *jihat.User, lang jihat.Lang, cs *jihat.Case, err error) (caseView, error) {
	if err != nil {
		return caseView{}, err
	}
	return s.caseAnswer(ctx, u, lang, cs)
}

// newCaseView renders c for viewer u: actions lists what u may do now.
func newCaseView(u *jihat.User, c *jihat.Case, names map[string]string, lang jihat.Lang, now time.Time, window time.Duration) caseView {
	v := caseView{
		ID: c.ID, Number: c.Number, EntityID: c.EntityID, CaseTypeID: c.CaseTypeID, DepartmentID: c.DepartmentID,
		Subject: c.Subject, Body: c.Body, Priority: string(c.Priority), PriorityLabel: c.Priority.Label(lang),
		Kind: string(c.Kind), ServiceID: c.ServiceID, Category: string(c.Category), Status: string(c.Status), StatusLabel: c.Status.Label(lang),
		Requester: personRef{ID: c.RequesterID, Name: names[c.RequesterID]}, EscalationLevel: c.EscalationLevel.String(),
		Objections: c.Objections, FinalDecision: c.FinalDecision,
		DueAt: rfc3339(c.DueAt), Late: c.Late(now), PostponedUntil: rfc3339(c.PostponedUntil),
		Resolution: c.Resolution, ResolvedAt: rfc3339(c.ResolvedAt), Rating: c.Rating, RatingComment: c.RatingComment,
		Actions: []string{}, CreatedAt: rfc3339(c.CreatedAt), UpdatedAt: rfc3339(c.UpdatedFor(canSeeInternal(u, c))),
	}
	for _, a := range callerActions(u, c, now, window) {
		v.Actions = append(v.Actions, string(a))
	}
	if c.AssigneeID != "" {
		v.Assignee = &personRef{ID: c.AssigneeID, Name: names[c.AssigneeID]}
	}
	if c.Location != nil {
		v.Location = &locationView{Lat: c.Location.Lat, Lng: c.Location.Lng}
	}
	return v
}

// eventView is a case event as the API and the live protocol show it.
type eventView struct {
	ID         string          `json:"id"`
	CaseID     string          `json:"case_id"`
	Seq        int64           `json:"seq"`
	Channel    string          `json:"channel"`
	Type       string          `json:"type"`
	Actor      *personRef      `json:"actor"`
	Visibility string          `json:"visibility"`
	Data       json.RawMessage `json:"data"`
	CreatedAt  string          `json:"created_at"`
}

func newEventView(e *jihat.CaseEvent, names map[string]string) eventView {
	v := eventView{ID: e.ID, CaseID: e.CaseID, Seq: e.Seq, Channel: e.Channel, Type: string(e.Type),
		Visibility: string(e.Visibility), Data: json.RawMessage(e.Data), CreatedAt: e.CreatedAt.UTC().Format(time.RFC3339Nano)}
	if len(v.Data) == 0 {
		v.Data = json.RawMessage("{}")
	}
	if e.ActorID != "" {
		v.Actor = &personRef{ID: e.ActorID, Name: names[e.ActorID]}
	}
	return v
}
