package jihat_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/jihat/jihat"
)

// allowed is the state machine written out independently of status.go:
// "from action to". Every (status, action) pair not here must be refused.
var allowed = []string{
	"new assign assigned",
	"new citizen_reply new",

	"assigned assign assigned",
	"assigned unassign new",
	"assigned start in_progress",
	"assigned reply in_progress",
	"assigned await_citizen awaiting_citizen",
	"assigned citizen_reply assigned",
	"assigned postpone postponed",
	"assigned resolve resolved",

	"in_progress assign assigned",
	"in_progress unassign new",
	"in_progress reply in_progress",
	"in_progress await_citizen awaiting_citizen",
	"in_progress citizen_reply in_progress",
	"in_progress postpone postponed",
	"in_progress resolve resolved",

	"awaiting_citizen assign assigned",
	"awaiting_citizen start in_progress",
	"awaiting_citizen reply awaiting_citizen",
	"awaiting_citizen citizen_reply in_progress",
	"awaiting_citizen postpone postponed",
	"awaiting_citizen resolve resolved",

	"postponed assign postponed",
	"postponed reply postponed",
	"postponed citizen_reply postponed",
	"postponed postpone postponed",
	"postponed resume in_progress",
	"postponed resolve resolved",

	"resolved object objected",
	"resolved close closed",

	"objected assign objected",
	"objected start in_progress",
	"objected reply in_progress",
	"objected await_citizen awaiting_citizen",
	"objected citizen_reply objected",
	"objected postpone postponed",
	"objected resolve resolved",
}

func TestStatusesMatchTheContract(t *testing.T) {
	want := []jihat.Status{"new", "assigned", "in_progress", "awaiting_citizen", "postponed", "resolved", "objected", "closed"}
	if !slices.Equal(jihat.Statuses, want) {
		t.Fatalf("Statuses = %v, want %v (API.md)", jihat.Statuses, want)
	}
	for _, s := range want {
		if got, err := jihat.ParseStatus(string(s)); err != nil || got != s {
			t.Errorf("ParseStatus(%q) = %q, %v", s, got, err)
		}
	}
	for _, s := range []string{"", "New", "open", "closed "} {
		if _, err := jihat.ParseStatus(s); jihat.ErrorCode(err) != jihat.EINVALID {
			t.Errorf("ParseStatus(%q) err = %v, want EINVALID", s, err)
		}
	}
	open := map[jihat.Status]bool{"new": true, "assigned": true, "in_progress": true, "awaiting_citizen": true, "postponed": true, "objected": true}
	for _, s := range jihat.Statuses {
		if s.Open() != open[s] {
			t.Errorf("%s.Open() = %v", s, s.Open())
		}
	}
	if jihat.Status("nope").Open() {
		t.Error("an unknown status is open")
	}
}

// TestTransitionEveryAction checks every (status, action) pair, including an
// unknown status and an unknown action.
func TestTransitionEveryAction(t *testing.T) {
	want := map[string]jihat.Status{} // "from action" → to
	for _, line := range allowed {
		f := strings.Fields(line)
		want[f[0]+" "+f[1]] = jihat.Status(f[2])
	}
	statuses := append(slices.Clone(jihat.Statuses), "bogus")
	actions := append(slices.Clone(jihat.Actions), "bogus")
	checked := 0
	for _, from := range statuses {
		for _, a := range actions {
			to, ok := want[string(from)+" "+string(a)]
			t.Run(string(from)+"/"+string(a), func(t *testing.T) {
				got, err := jihat.Transition(from, a)
				if ok {
					if err != nil || got != to {
						t.Fatalf("Transition = %q, %v; want %q", got, err, to)
					}
					checked++
					return
				}
				if jihat.ErrorCode(err) != jihat.ECONFLICT || got != "" {
					t.Fatalf("Transition = %q, %v; want ECONFLICT", got, err)
				}
				e := jihat.AsError(err)
				if e.Key != "invalid_transition" || !jihat.HasMessage(e.Key) {
					t.Fatalf("key = %q", e.Key)
				}
				ar, en := e.Message(jihat.LangAR), e.Message(jihat.LangEN)
				if strings.Contains(ar+en, "%!") {
					t.Fatalf("badly formatted message: %q / %q", ar, en)
				}
				if from.Valid() && a != "bogus" {
					if !strings.Contains(ar, from.Label(jihat.LangAR)) || !strings.Contains(ar, a.Label(jihat.LangAR)) {
						t.Errorf("Arabic message %q does not name the status and the action", ar)
					}
					if !strings.Contains(en, from.Label(jihat.LangEN)) || !strings.Contains(en, a.Label(jihat.LangEN)) {
						t.Errorf("English message %q does not name the status and the action", en)
					}
				}
			})
		}
	}
	if checked != len(allowed) {
		t.Fatalf("checked %d allowed moves, the list has %d (a duplicate line?)", checked, len(allowed))
	}
}

// TestCanTransitionEveryPair checks every (from, to) pair of statuses.
func TestCanTransitionEveryPair(t *testing.T) {
	pairs := map[[2]jihat.Status]bool{}
	for _, line := range allowed {
		f := strings.Fields(line)
		pairs[[2]jihat.Status{jihat.Status(f[0]), jihat.Status(f[2])}] = true
	}
	for _, from := range jihat.Statuses {
		for _, to := range jihat.Statuses {
			if got, want := jihat.CanTransition(from, to), pairs[[2]jihat.Status{from, to}]; got != want {
				t.Errorf("CanTransition(%s, %s) = %v, want %v", from, to, got, want)
			}
		}
		if jihat.CanTransition(from, "bogus") || jihat.CanTransition("bogus", from) {
			t.Errorf("CanTransition with an unknown status is true for %s", from)
		}
	}
	for _, to := range jihat.Statuses {
		if jihat.CanTransition(jihat.StatusClosed, to) {
			t.Errorf("closed is not terminal: it may move to %s", to)
		}
	}
}

func TestAllowedActions(t *testing.T) {
	for _, s := range jihat.Statuses {
		var want []jihat.Action
		for _, a := range jihat.Actions {
			if _, err := jihat.Transition(s, a); err == nil {
				want = append(want, a)
			}
		}
		if got := jihat.AllowedActions(s); !slices.Equal(got, want) {
			t.Errorf("AllowedActions(%s) = %v, want %v", s, got, want)
		}
	}
	if got := jihat.AllowedActions(jihat.StatusClosed); len(got) != 0 {
		t.Errorf("closed allows %v", got)
	}
}

func TestStatusAndActionLabels(t *testing.T) {
	for _, s := range jihat.Statuses {
		checkLabel(t, "status_"+string(s), s.Label)
	}
	for _, a := range jihat.Actions {
		checkLabel(t, "action_"+string(a), a.Label)
	}
}

// checkLabel checks that a label exists in both languages and differs between them.
func checkLabel(t *testing.T, key string, label func(jihat.Lang) string) {
	t.Helper()
	if !jihat.HasMessage(key) {
		t.Errorf("no message %q", key)
		return
	}
	if ar, en := label(jihat.LangAR), label(jihat.LangEN); ar == "" || en == "" || ar == en || ar == key {
		t.Errorf("%s: labels %q / %q", key, ar, en)
	}
}
