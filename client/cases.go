package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// CaseRequest opens a case.
type CaseRequest struct {
	EntityID   string    `json:"entity_id"`
	CaseTypeID string    `json:"case_type_id"`
	Subject    string    `json:"subject"`
	Body       string    `json:"body"`
	Priority   string    `json:"priority"`           // normal, important, very_important
	Kind       string    `json:"kind,omitempty"`     // inquiry, complaint, suggestion, report
	Category   string    `json:"category,omitempty"` // for reports
	Location   *Location `json:"location,omitempty"`
}

type caseAnswer struct {
	Case Case `json:"case"`
}

// CreateCase opens a case (POST /api/v1/cases); the server assigns it.
func (c *Client) CreateCase(ctx context.Context, req CaseRequest) (*Case, error) {
	var out caseAnswer
	if _, err := c.do(ctx, http.MethodPost, "/api/v1/cases", nil, req, &out); err != nil {
		return nil, err
	}
	return &out.Case, nil
}

// ListOptions filters and pages Cases. Zero values filter nothing.
type ListOptions struct {
	Status   []string // any of these statuses
	Priority string
	Late     *bool
	Assignee string // "me" or a user ID
	Q        string // search: a case number, an identifier, or words
	Cursor   string // NextCursor of the previous page
	Limit    int    // 1..100 (server default 50)
}

func (o ListOptions) query() url.Values {
	q := url.Values{}
	if len(o.Status) > 0 {
		q.Set("status", strings.Join(o.Status, ","))
	}
	if o.Priority != "" {
		q.Set("priority", o.Priority)
	}
	if o.Late != nil {
		q.Set("late", strconv.FormatBool(*o.Late))
	}
	if o.Assignee != "" {
		q.Set("assignee", o.Assignee)
	}
	if o.Q != "" {
		q.Set("q", o.Q)
	}
	if o.Cursor != "" {
		q.Set("cursor", o.Cursor)
	}
	if o.Limit > 0 {
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	return q
}

// CaseList is one page of cases; NextCursor is "" on the last page.
type CaseList struct {
	Cases      []Case `json:"cases"`
	NextCursor string `json:"next_cursor"`
}

// Cases lists the cases the caller may see (GET /api/v1/cases).
func (c *Client) Cases(ctx context.Context, o ListOptions) (*CaseList, error) {
	var out CaseList
	if _, err := c.do(ctx, http.MethodGet, "/api/v1/cases", o.query(), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Case returns one case (GET /api/v1/cases/{id}).
func (c *Client) Case(ctx context.Context, id string) (*Case, error) {
	var out caseAnswer
	if _, err := c.do(ctx, http.MethodGet, casePath(id, ""), nil, nil, &out); err != nil {
		return nil, err
	}
	return &out.Case, nil
}

// CaseEvents returns the events of a case the caller may see: the public
// ones with seq > since and, for staff allowed, the internal ones with seq >
// staffSince (GET /api/v1/cases/{id}/events).
func (c *Client) CaseEvents(ctx context.Context, id string, since, staffSince int64) ([]CaseEvent, error) {
	q := url.Values{}
	if since > 0 {
		q.Set("since", strconv.FormatInt(since, 10))
	}
	if staffSince > 0 {
		q.Set("staff_since", strconv.FormatInt(staffSince, 10))
	}
	var out struct {
		Events []CaseEvent `json:"events"`
	}
	if _, err := c.do(ctx, http.MethodGet, casePath(id, "/events"), q, nil, &out); err != nil {
		return nil, err
	}
	return out.Events, nil
}

// Comment posts a public reply or an internal note (visibility "public" or
// "internal"; "" is public) (POST /api/v1/cases/{id}/comments).
func (c *Client) Comment(ctx context.Context, caseID, body, visibility string) (*CaseEvent, error) {
	in := map[string]string{"body": body, "visibility": visibility}
	var out struct {
		Event CaseEvent `json:"event"`
	}
	if _, err := c.do(ctx, http.MethodPost, casePath(caseID, "/comments"), nil, in, &out); err != nil {
		return nil, err
	}
	return &out.Event, nil
}

// caseAction posts in to a case action and returns the case.
func (c *Client) caseAction(ctx context.Context, id, action string, in any) (*Case, error) {
	var out caseAnswer
	if _, err := c.do(ctx, http.MethodPost, casePath(id, action), nil, in, &out); err != nil {
		return nil, err
	}
	return &out.Case, nil
}

// Assign (re)assigns a case to an employee (POST /api/v1/cases/{id}/assign).
func (c *Client) Assign(ctx context.Context, caseID, employeeID string) (*Case, error) {
	return c.caseAction(ctx, caseID, "/assign", map[string]string{"employee_id": employeeID})
}

// Postpone postpones a case until a time, with a reason
// (POST /api/v1/cases/{id}/postpone). When the caller needs a supervisor's
// approval the server answers 202: the case is unchanged and the pending
// request is returned; otherwise the request is nil.
func (c *Client) Postpone(ctx context.Context, caseID string, until time.Time, reason string) (*Case, *Postponement, error) {
	in := map[string]string{"until": until.UTC().Format(time.RFC3339), "reason": reason}
	var out struct {
		Case    Case          `json:"case"`
		Request *Postponement `json:"request"`
	}
	if _, err := c.do(ctx, http.MethodPost, casePath(caseID, "/postpone"), nil, in, &out); err != nil {
		return nil, nil, err
	}
	return &out.Case, out.Request, nil
}

// Postponements lists the postponement requests of a case waiting for a
// decision (GET /api/v1/cases/{id}/postponements; staff).
func (c *Client) Postponements(ctx context.Context, caseID string) ([]Postponement, error) {
	var out struct {
		Postponements []Postponement `json:"postponements"`
	}
	if _, err := c.do(ctx, http.MethodGet, casePath(caseID, "/postponements"), nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Postponements, nil
}

// ApprovePostponement approves a pending postponement, with an optional note
// (POST /api/v1/cases/{id}/postponements/{request_id}/approve).
func (c *Client) ApprovePostponement(ctx context.Context, caseID, requestID, note string) (*Case, error) {
	return c.caseAction(ctx, caseID, "/postponements/"+pathEscape(requestID)+"/approve", map[string]string{"note": note})
}

// RefusePostponement refuses a pending postponement; the note (the reason)
// is required (POST /api/v1/cases/{id}/postponements/{request_id}/refuse).
func (c *Client) RefusePostponement(ctx context.Context, caseID, requestID, note string) (*Case, error) {
	return c.caseAction(ctx, caseID, "/postponements/"+pathEscape(requestID)+"/refuse", map[string]string{"note": note})
}

// Resolve resolves a case (POST /api/v1/cases/{id}/resolve).
func (c *Client) Resolve(ctx context.Context, caseID, resolution string) (*Case, error) {
	return c.caseAction(ctx, caseID, "/resolve", map[string]string{"resolution": resolution})
}

// Object objects to a resolution (the requester, within the objection
// window) (POST /api/v1/cases/{id}/object).
func (c *Client) Object(ctx context.Context, caseID, reason string) (*Case, error) {
	return c.caseAction(ctx, caseID, "/object", map[string]string{"reason": reason})
}

// Rate rates the service, score 1..5 with an optional comment
// (POST /api/v1/cases/{id}/rating).
func (c *Client) Rate(ctx context.Context, caseID string, score int, comment string) (*Case, error) {
	in := struct {
		Score   int    `json:"score"`
		Comment string `json:"comment,omitempty"`
	}{score, comment}
	return c.caseAction(ctx, caseID, "/rating", in)
}

// Transition applies a plain status action (start, await_citizen, close,
// ...) (POST /api/v1/cases/{id}/transition).
func (c *Client) Transition(ctx context.Context, caseID, action string) (*Case, error) {
	return c.caseAction(ctx, caseID, "/transition", map[string]string{"action": action})
}

func casePath(id, suffix string) string { return "/api/v1/cases/" + pathEscape(id) + suffix }
