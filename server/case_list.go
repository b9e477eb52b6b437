package server

import (
	"context"
	"strings"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// caseList is a page of cases: next_cursor is null on the last page.
type caseList struct {
	Cases      []caseView `json:"cases"`
	NextCursor *string    `json:"next_cursor"`
}

// Cases is a page of the cases u may see (scopeCases), filtered by q and by
// text (a case number, a requester's identifier for staff, or words), newest
// first, as u sees them in lang.
func (s *Server) Cases(ctx context.Context, u *jihat.User, lang jihat.Lang, q store.CaseQuery, text string) (caseList, error) {
	q.Now = s.now()
	assignee := q.AssigneeID // the caller's filter: it narrows the scope, never widens it
	if !scopeCases(u, &q) {
		return caseList{Cases: []caseView{}}, nil
	}
	if assignee != "" {
		if q.AssigneeID != "" && q.AssigneeID != assignee {
			// Staff who see only their own cases asked for someone else's.
			return caseList{Cases: []caseView{}}, nil
		}
		q.AssigneeID = assignee
	}
	if text = strings.TrimSpace(text); text != "" {
		if len(text) > 200 {
			return caseList{}, jihat.Invalid(map[string]string{"q": "too_long"})
		}
		if err := s.searchQuery(ctx, text, &q); err != nil {
			return caseList{}, err
		}
		q.Notes = searchesNotes(u, &q)
	}
	cases, next, err := s.store.ListCases(ctx, q)
	if err != nil {
		return caseList{}, err
	}
	ids := make([]string, 0, 2*len(cases))
	for _, cs := range cases {
		ids = append(ids, cs.RequesterID, cs.AssigneeID)
	}
	names, err := s.store.UserNames(ctx, ids)
	if err != nil {
		return caseList{}, err
	}
	out := caseList{Cases: make([]caseView, len(cases))}
	for i := range cases {
		out.Cases[i] = newCaseView(u, &cases[i], names, lang, q.Now, s.cfg.ObjectionWindow)
		if len(q.Terms) > 0 {
			out.Cases[i].Highlights = newHighlights(out.Cases[i].Subject, out.Cases[i].Body, q.Terms)
		}
	}
	if next != "" {
		out.NextCursor = &next
	}
	return out, nil
}

// scopeCases restricts q to what u may see; false when u sees no cases.
func scopeCases(u *jihat.User, q *store.CaseQuery) bool {
	switch {
	case u.IsPlatformAdmin() || u.Can(jihat.PermOversight):
		q.AllEntities = true
	case u.Role.IsStaff() && u.EntityID != "":
		q.EntityID = u.EntityID
		switch {
		case !u.Can(jihat.PermCaseViewAll):
			q.AssigneeID = u.ID
		case u.Role != jihat.RoleEntityAdmin && u.DepartmentID != "":
			q.DepartmentID = u.DepartmentID
		}
	case u.Can(jihat.PermCaseCreate):
		q.RequesterID = u.ID
	default:
		return false
	}
	return true
}

// searchQuery turns the q parameter into the query: a case number, a
// requester's national ID or mobile (staff only: personal data), or words.
func (s *Server) searchQuery(ctx context.Context, text string, q *store.CaseQuery) error {
	if year, n, ok := jihat.ParseCaseNumber(text); ok {
		q.Number = jihat.FormatCaseNumber(year, n)
		return nil
	}
	if q.RequesterID == "" { // staff, oversight, admins
		if kind, value, err := jihat.ClassifyLogin(text); err == nil && kind != jihat.IdentEmail {
			id, err := s.store.UserIDByIdentifier(ctx, kind, value)
			if err != nil {
				return err
			}
			q.RequesterIDs = []string{id}
			return nil
		}
	}
	q.Terms = jihat.ParseSearch(text)
	if len(q.Terms) == 0 {
		return jihat.Invalid(map[string]string{"q": "invalid_value"})
	}
	return nil
}
