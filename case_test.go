package jihat_test

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/jihat/jihat"
)

func TestPriority(t *testing.T) {
	labels := map[jihat.Priority][2]string{
		jihat.PriorityNormal:        {"عادي", "Normal"},
		jihat.PriorityImportant:     {"هام", "Important"},
		jihat.PriorityVeryImportant: {"هام جداً", "Very important"},
	}
	for _, p := range jihat.Priorities {
		got, err := jihat.ParsePriority(string(p))
		if err != nil || got != p {
			t.Errorf("ParsePriority(%q) = %q, %v", p, got, err)
		}
		if ar, en := p.Label(jihat.LangAR), p.Label(jihat.LangEN); ar != labels[p][0] || en != labels[p][1] {
			t.Errorf("%s labels = %q / %q", p, ar, en)
		}
	}
	if len(labels) != len(jihat.Priorities) {
		t.Fatalf("Priorities = %v", jihat.Priorities)
	}
	for _, s := range []string{"", "urgent", "Normal", "very important"} {
		_, err := jihat.ParsePriority(s)
		if e := jihat.AsError(err); err == nil || e.Code != jihat.EINVALID || e.Fields["priority"] != "invalid_priority" {
			t.Errorf("ParsePriority(%q) err = %v", s, err)
		}
	}
}

func TestKindsAndCategories(t *testing.T) {
	if len(jihat.CaseKinds) != 4 || len(jihat.ReportCategories) != 8 {
		t.Fatalf("kinds %v, categories %v", jihat.CaseKinds, jihat.ReportCategories)
	}
	for _, k := range jihat.CaseKinds {
		if !k.Valid() {
			t.Errorf("%s not valid", k)
		}
		checkLabel(t, "kind_"+string(k), k.Label)
	}
	for _, c := range jihat.ReportCategories {
		if !c.Valid() {
			t.Errorf("%s not valid", c)
		}
		checkLabel(t, "category_"+string(c), c.Label)
	}
	if jihat.CaseKind("").Valid() || jihat.CaseKind("request").Valid() || jihat.ReportCategory("").Valid() || jihat.ReportCategory("flood").Valid() {
		t.Error("unknown kind or category accepted")
	}
}

func TestLocation(t *testing.T) {
	tests := []struct {
		name string
		l    jihat.Location
		ok   bool
	}{
		{"Riyadh", jihat.Location{Lat: 24.7136, Lng: 46.6753}, true},
		{"corners", jihat.Location{Lat: -90, Lng: 180}, true},
		{"equator only", jihat.Location{Lat: 0, Lng: 46.7}, true},
		{"no fix", jihat.Location{}, false},
		{"lat too big", jihat.Location{Lat: 90.0001, Lng: 46}, false},
		{"lng too small", jihat.Location{Lat: 24, Lng: -180.5}, false},
		{"swapped beyond range", jihat.Location{Lat: 146.6, Lng: 24.7}, false},
		{"NaN", jihat.Location{Lat: math.NaN(), Lng: 46}, false},
		{"Inf", jihat.Location{Lat: 24, Lng: math.Inf(1)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.l.Valid(); got != tt.ok {
				t.Fatalf("Valid() = %v, want %v", got, tt.ok)
			}
		})
	}
}

func TestCaseNumber(t *testing.T) {
	for _, tt := range []struct {
		year int
		n    int64
		want string
	}{
		{2026, 123, "2026-000123"},
		{2026, 1, "2026-000001"},
		{2027, 999999, "2027-999999"},
		{2027, 1234567, "2027-1234567"},
	} {
		got := jihat.FormatCaseNumber(tt.year, tt.n)
		if got != tt.want {
			t.Errorf("FormatCaseNumber(%d, %d) = %q, want %q", tt.year, tt.n, got, tt.want)
		}
		if y, n, ok := jihat.ParseCaseNumber(got); !ok || y != tt.year || n != tt.n {
			t.Errorf("ParseCaseNumber(%q) = %d, %d, %v", got, y, n, ok)
		}
	}
	parse := []struct {
		in   string
		year int
		n    int64
		ok   bool
	}{
		{" 2026-000123 ", 2026, 123, true},
		{"٢٠٢٦-٠٠٠١٢٣", 2026, 123, true},
		{"۲۰۲۶-۱۲۳", 2026, 123, true},
		{"2026-5", 2026, 5, true},
		{"2026000123", 0, 0, false}, // no dash: could be a national ID
		{"2123456789", 0, 0, false},
		{"2026-", 0, 0, false},
		{"-2026", 0, 0, false},
		{"2026-00-1", 0, 0, false},
		{"2026-000000", 0, 0, false},
		{"1999-000001", 0, 0, false},
		{"26-000123", 0, 0, false},
		{"2026-0001234567890", 0, 0, false}, // too long
		{"2026-12a", 0, 0, false},
		{"", 0, 0, false},
	}
	for _, tt := range parse {
		y, n, ok := jihat.ParseCaseNumber(tt.in)
		if y != tt.year || n != tt.n || ok != tt.ok {
			t.Errorf("ParseCaseNumber(%q) = %d, %d, %v; want %d, %d, %v", tt.in, y, n, ok, tt.year, tt.n, tt.ok)
		}
	}
}

func TestCaseLate(t *testing.T) {
	due := time.Date(2026, 3, 5, 12, 0, 0, 0, time.UTC)
	for _, s := range jihat.Statuses {
		c := jihat.Case{Status: s, DueAt: due}
		if c.Late(due) {
			t.Errorf("%s: late at the deadline itself", s)
		}
		if got := c.Late(due.Add(time.Second)); got != s.Open() {
			t.Errorf("%s: Late after the deadline = %v, want %v", s, got, s.Open())
		}
		if c.Late(due.Add(-time.Hour)) {
			t.Errorf("%s: late before the deadline", s)
		}
	}
	if (&jihat.Case{Status: jihat.StatusNew}).Late(due) {
		t.Error("a case without a deadline is late")
	}
}

func TestCanObject(t *testing.T) {
	resolved := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		status jihat.Status
		now    time.Time
		window time.Duration
		key    string // "" when allowed
	}{
		{"right after", jihat.StatusResolved, resolved.Add(time.Minute), 0, ""},
		{"last moment of the default week", jihat.StatusResolved, resolved.Add(7 * 24 * time.Hour), 0, ""},
		{"after the default week", jihat.StatusResolved, resolved.Add(7*24*time.Hour + time.Second), 0, "objection_window_closed"},
		{"custom window", jihat.StatusResolved, resolved.Add(49 * time.Hour), 48 * time.Hour, "objection_window_closed"},
		{"not resolved", jihat.StatusInProgress, resolved, 0, "invalid_transition"},
		{"closed", jihat.StatusClosed, resolved, 0, "invalid_transition"},
		{"already objected", jihat.StatusObjected, resolved, 0, "invalid_transition"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := jihat.Case{Status: tt.status, ResolvedAt: resolved}
			err := c.CanObject(tt.now, tt.window)
			if tt.key == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if e := jihat.AsError(err); err == nil || e.Code != jihat.ECONFLICT || e.Key != tt.key {
				t.Fatalf("err = %v, want ECONFLICT %s", err, tt.key)
			}
		})
	}
}

func TestCanRate(t *testing.T) {
	for _, s := range jihat.Statuses {
		c := jihat.Case{Status: s}
		err := c.CanRate(false)
		if s == jihat.StatusResolved || s == jihat.StatusClosed {
			if err != nil {
				t.Errorf("%s: %v", s, err)
			}
			if e := jihat.AsError(c.CanRate(true)); e.Code != jihat.ECONFLICT || e.Key != "already_rated" {
				t.Errorf("%s: second rating: %v", s, e)
			}
			continue
		}
		if e := jihat.AsError(err); err == nil || e.Code != jihat.ECONFLICT || e.Key != "rating_not_resolved" {
			t.Errorf("%s: err = %v", s, err)
		}
	}
}

func TestEscalation(t *testing.T) {
	tests := []struct {
		level jihat.EscalationLevel
		next  jihat.EscalationLevel
		role  jihat.Role
	}{
		{jihat.EscalationEmployee, jihat.EscalationSupervisor, jihat.RoleEmployee},
		{jihat.EscalationSupervisor, jihat.EscalationEntityAdmin, jihat.RoleSupervisor},
		{jihat.EscalationEntityAdmin, jihat.EscalationHead, jihat.RoleEntityAdmin},
		{jihat.EscalationHead, jihat.EscalationOversight, jihat.RoleEntityAdmin},
		{jihat.EscalationOversight, jihat.EscalationOversight, jihat.RoleOversight},
	}
	for _, tt := range tests {
		if got := tt.level.Next(); got != tt.next {
			t.Errorf("%s.Next() = %s, want %s", tt.level, got, tt.next)
		}
		if got := tt.level.Role(); got != tt.role {
			t.Errorf("%d.Role() = %s, want %s", tt.level, got, tt.role)
		}
		b, err := json.Marshal(tt.level)
		if err != nil || string(b) != `"`+tt.level.String()+`"` {
			t.Errorf("json = %s, %v", b, err)
		}
		var back jihat.EscalationLevel
		if err := json.Unmarshal(b, &back); err != nil || back != tt.level {
			t.Errorf("unmarshal %s = %d, %v", b, back, err)
		}
	}
	var l jihat.EscalationLevel
	if err := json.Unmarshal([]byte(`"citizen"`), &l); err == nil {
		t.Error("unmarshal of citizen succeeded")
	}
}
