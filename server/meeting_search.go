package server

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Meeting documents' titles are searched with the cases' and the guide's
// search (store.SearchMeetings): GET /api/v1/meetings?q= finds, among the
// meetings the caller may read (the list's scope: their own seats, and
// every meeting of the entity for its meeting admins), those whose title
// or agenda items' titles hold the words, ranked and highlighted.

// searchedMeeting is a meeting found by a search, with where its words
// matched (UTF-16 spans, as for cases).
type searchedMeeting struct {
	*meetingView
	Highlights meetingHighlights `json:"highlights"`
}

type meetingHighlights struct {
	Title  []jihat.Span          `json:"title"`
	Agenda []agendaItemHighlight `json:"agenda"` // the agenda items that matched
}

type agendaItemHighlight struct {
	ID    string       `json:"id"`
	Title []jihat.Span `json:"title"`
}

// searchMeetings answers GET /api/v1/meetings?q=&cursor=&limit= for u,
// whose list covers entity ("" for their own seats only).
func (s *Server) searchMeetings(c *fiber.Ctx, u *jihat.User, entity, text string) error {
	q := store.MeetingQuery{UserID: u.ID, EntityID: entity, Limit: c.QueryInt("limit", 50)}
	fields := map[string]string{}
	if len(text) > 200 {
		fields["q"] = "too_long"
	} else if q.Terms = jihat.ParseSearch(text); len(q.Terms) == 0 {
		fields["q"] = "invalid_value"
	}
	if q.Limit < 1 || q.Limit > 100 {
		fields["limit"] = "invalid_value"
	}
	if cur := c.Query("cursor"); cur != "" {
		if !store.ValidSearchCursor(cur) {
			fields["cursor"] = "invalid_value"
		}
		q.Cursor = strings.ToLower(cur)
	}
	if len(fields) > 0 {
		return jihat.Invalid(fields)
	}
	ms, next, err := s.store.SearchMeetings(c.UserContext(), q)
	if err != nil {
		return err
	}
	out := make([]searchedMeeting, 0, len(ms))
	for _, m := range ms {
		v := searchedMeeting{meetingView: newMeetingView(m, u.ID),
			Highlights: meetingHighlights{Title: jihat.Highlight(m.Title, q.Terms), Agenda: []agendaItemHighlight{}}}
		for _, it := range m.Agenda {
			if h := jihat.Highlight(it.Title, q.Terms); len(h) > 0 {
				v.Highlights.Agenda = append(v.Highlights.Agenda, agendaItemHighlight{ID: it.ID, Title: h})
			}
		}
		out = append(out, v)
	}
	var cursor any
	if next != "" {
		cursor = next
	}
	return c.JSON(fiber.Map{"meetings": out, "next_cursor": cursor})
}
