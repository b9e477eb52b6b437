package notify

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"text/template"
	"text/template/parse"
	"time"
	"unicode/utf8"

	"github.com/jihat/jihat"
)

// TemplateData is what a notification template sees. Every field is text
// already formatted for the recipient (times in the entity's time zone), and
// all of it belongs to the recipient, so no template can reveal anyone
// else's data.
type TemplateData struct {
	Name       string // the recipient
	Entity     string // the entity's name in the recipient's language
	Number     string // the case number
	Subject    string
	Body       string // a public reply
	Assignee   string
	Resolution string
	Reason     string
	Note       string
	Until      string
	DueAt      string
	Login      string // credentials only
	Password   string // credentials only
	Title      string // a meeting or a motion
	Meeting    string
	StartsAt   string
	EndsAt     string
}

// TemplateFields lists the fields a template may use, as {{.Field}}.
var TemplateFields = []string{"Name", "Entity", "Number", "Subject", "Body", "Assignee", "Resolution", "Reason", "Note",
	"Until", "DueAt", "Login", "Password", "Title", "Meeting", "StartsAt", "EndsAt"}

// templateFuncs are the built-in template functions a template may call.
// call (functions held in data), template, define and block are not.
var templateFuncs = []string{"and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "slice",
	"print", "printf", "println"}

// Size limits of a template and of what it renders.
const (
	MaxSubjectTemplate = 400
	MaxBodyTemplate    = 4000
	maxRendered        = 16 << 10
)

// Template is the text of one channel: a subject (e-mail subject or
// in-app title; none for SMS) and a body.
type Template struct {
	Subject string
	Body    string
}

// defaultTemplate returns the catalogue's template of kind for lang and
// channel; a kind without texts uses the generic ones.
func DefaultTemplate(kind string, lang jihat.Lang, channel string) Template {
	key := "notify." + kind
	if !jihat.HasMessage(key + ".title") {
		key = "notify.generic"
	}
	title, body := jihat.Message(lang, key+".title"), jihat.Message(lang, key+".body")
	switch channel {
	case ChannelEmail:
		return Template{Subject: title, Body: jihat.Message(lang, "notify.greeting") + "\n\n" + body + "\n\n— " +
			jihat.Message(lang, "notify.footer")}
	case ChannelSMS:
		return Template{Body: jihat.Message(lang, key+".sms")}
	}
	return Template{Subject: title, Body: body}
}

// checkTemplate parses src and checks that it uses only known fields and
// allowed functions. It returns the message key of what is wrong ("" when
// it is fine), the template, and the fields it uses.
func CheckTemplate(src string, max int) (string, *template.Template, map[string]bool) {
	if len(src) > max {
		return "too_long", nil, nil
	}
	if !utf8.ValidString(src) || strings.IndexByte(src, 0) >= 0 {
		return "invalid_text", nil, nil
	}
	t, err := template.New("t").Parse(src)
	if err != nil || len(t.Templates()) > 1 {
		return "template_invalid", nil, nil
	}
	used := map[string]bool{}
	if t.Tree == nil {
		return "", t, used // empty
	}
	return checkNode(t.Tree.Root, used), t, used
}

// checkNode walks a parsed template, recording the fields used.
func checkNode(n parse.Node, used map[string]bool) string {
	switch n := n.(type) {
	case nil, *parse.TextNode, *parse.StringNode, *parse.NumberNode, *parse.BoolNode, *parse.DotNode, *parse.NilNode,
		*parse.CommentNode, *parse.BreakNode, *parse.ContinueNode:
		return ""
	case *parse.ListNode:
		if n == nil {
			return ""
		}
		return checkNodes(used, n.Nodes...)
	case *parse.ActionNode:
		return checkNode(n.Pipe, used)
	case *parse.IfNode:
		return checkNodes(used, n.Pipe, n.List, n.ElseList)
	case *parse.RangeNode:
		return checkNodes(used, n.Pipe, n.List, n.ElseList)
	case *parse.WithNode:
		return checkNodes(used, n.Pipe, n.List, n.ElseList)
	case *parse.PipeNode:
		if n == nil {
			return ""
		}
		for _, c := range n.Cmds {
			if k := checkNodes(used, c.Args...); k != "" {
				return k
			}
		}
		return ""
	case *parse.FieldNode:
		if len(n.Ident) != 1 || !slices.Contains(TemplateFields, n.Ident[0]) {
			return "template_unknown_field"
		}
		used[n.Ident[0]] = true
		return ""
	case *parse.VariableNode:
		if len(n.Ident) == 1 {
			return ""
		}
		if len(n.Ident) == 2 && n.Ident[0] == "$" && slices.Contains(TemplateFields, n.Ident[1]) {
			used[n.Ident[1]] = true
			return ""
		}
		return "template_unknown_field"
	case *parse.ChainNode:
		return "template_unknown_field"
	case *parse.IdentifierNode:
		if slices.Contains(templateFuncs, n.Ident) {
			return ""
		}
		return "template_invalid"
	}
	return "template_invalid" // {{template}} and anything newer
}

func checkNodes(used map[string]bool, nodes ...parse.Node) string {
	for _, n := range nodes {
		if k := checkNode(n, used); k != "" {
			return k
		}
	}
	return ""
}

// render executes the template src with d, bounded in size.
func Render(src string, d TemplateData) (string, error) {
	key, t, _ := CheckTemplate(src, MaxBodyTemplate)
	if key != "" {
		return "", errors.New("notify: template: " + key)
	}
	var w limitedWriter
	if err := t.Execute(&w, d); err != nil {
		return "", fmt.Errorf("notify: template: %w", err)
	}
	return strings.TrimSpace(w.b.String()), nil
}

// limitedWriter fails once more than maxRendered bytes are written, so a
// template looping a million times cannot exhaust memory.
type limitedWriter struct{ b strings.Builder }

func (w *limitedWriter) Write(p []byte) (int, error) {
	if w.b.Len()+len(p) > maxRendered {
		return 0, errors.New("notify: template output too long")
	}
	return w.b.Write(p)
}

// newTemplateData fills the fields from a message's data (snake_case keys,
// as the services queue them), formatting times in loc.
func NewTemplateData(name, entity string, data map[string]any, loc *time.Location) TemplateData {
	str := func(key string) string {
		switch v := data[key].(type) {
		case string:
			return v
		case nil:
			return ""
		case float64:
			return fmt.Sprint(v)
		default:
			return fmt.Sprint(v)
		}
	}
	when := func(key string) string {
		s := str(key)
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return s
		}
		if loc == nil {
			loc = time.UTC
		}
		return t.In(loc).Format("2006-01-02 15:04")
	}
	return TemplateData{Name: name, Entity: entity, Number: str("number"), Subject: str("subject"), Body: str("body"),
		Assignee: str("assignee"), Resolution: str("resolution"), Reason: str("reason"), Note: str("note"),
		Until: when("until"), DueAt: when("due_at"), Login: str("login"), Password: str("password"), Title: str("title"),
		Meeting: str("meeting"), StartsAt: when("starts_at"), EndsAt: when("ends_at")}
}

// CheckText checks one template text an entity sets and renders it once
// with every field filled, so a template that cannot run is refused now, not
// at sending. It returns the message key of what is wrong, "" when it is
// fine.
func CheckText(src string, max int) string {
	key, _, _ := CheckTemplate(src, max)
	if key != "" {
		return key
	}
	if _, err := Render(src, sampleData); err != nil {
		return "template_invalid"
	}
	return ""
}

var sampleData = TemplateData{Name: "Name", Entity: "Entity", Number: "2026-000001", Subject: "Subject",
	Body: "Body", Assignee: "Assignee", Resolution: "Resolution", Reason: "Reason", Note: "Note", Until: "2026-01-01 10:00",
	DueAt: "2026-01-01 10:00", Login: "login@example.com", Password: "password", Title: "Title", Meeting: "Meeting",
	StartsAt: "2026-01-01 10:00", EndsAt: "2026-01-01 11:00"}
