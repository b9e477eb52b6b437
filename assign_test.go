package jihat_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/jihat/jihat"
)

var t0 = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

func TestChooseAssignee(t *testing.T) {
	tests := []struct {
		name   string
		rule   jihat.AssignRule
		cands  []jihat.Candidate
		want   string // "" when nobody
		ranked []string
	}{
		{name: "nobody", rule: jihat.AssignRoundRobin},
		{
			name:  "all full",
			rule:  jihat.AssignLeastLoad,
			cands: []jihat.Candidate{{UserID: "a", OpenCases: 3, Capacity: 3}, {UserID: "b", OpenCases: 25}},
		},
		{
			name:   "round robin: least recently assigned",
			rule:   jihat.AssignRoundRobin,
			cands:  []jihat.Candidate{{UserID: "a", LastAssignedAt: t0.Add(2)}, {UserID: "b", LastAssignedAt: t0.Add(1)}, {UserID: "c", LastAssignedAt: t0.Add(3)}},
			want:   "b",
			ranked: []string{"b", "a", "c"},
		},
		{
			name:   "round robin: never assigned comes first",
			rule:   jihat.AssignRoundRobin,
			cands:  []jihat.Candidate{{UserID: "a", LastAssignedAt: t0}, {UserID: "z"}},
			want:   "z",
			ranked: []string{"z", "a"},
		},
		{
			name:   "round robin ignores load",
			rule:   jihat.AssignRoundRobin,
			cands:  []jihat.Candidate{{UserID: "a", OpenCases: 0, LastAssignedAt: t0.Add(time.Hour)}, {UserID: "b", OpenCases: 20, LastAssignedAt: t0}},
			want:   "b",
			ranked: []string{"b", "a"},
		},
		{
			name:   "least load: fewest open cases",
			rule:   jihat.AssignLeastLoad,
			cands:  []jihat.Candidate{{UserID: "a", OpenCases: 4}, {UserID: "b", OpenCases: 2}, {UserID: "c", OpenCases: 3}},
			want:   "b",
			ranked: []string{"b", "c", "a"},
		},
		{
			name:   "least load ties: least recently assigned, then ID",
			rule:   jihat.AssignLeastLoad,
			cands:  []jihat.Candidate{{UserID: "c", OpenCases: 1, LastAssignedAt: t0}, {UserID: "b", OpenCases: 1, LastAssignedAt: t0.Add(time.Hour)}, {UserID: "a", OpenCases: 1, LastAssignedAt: t0}},
			want:   "a",
			ranked: []string{"a", "c", "b"},
		},
		{
			name:   "capacity: full candidates are skipped",
			rule:   jihat.AssignLeastLoad,
			cands:  []jihat.Candidate{{UserID: "a", OpenCases: 2, Capacity: 2}, {UserID: "b", OpenCases: 5, Capacity: 6}},
			want:   "b",
			ranked: []string{"b"},
		},
		{
			name:   "capacity 0 means the default",
			rule:   jihat.AssignLeastLoad,
			cands:  []jihat.Candidate{{UserID: "a", OpenCases: jihat.DefaultCapacity - 1}, {UserID: "b", OpenCases: jihat.DefaultCapacity}},
			want:   "a",
			ranked: []string{"a"},
		},
		{
			name:   "online preferred over a better offline candidate",
			rule:   jihat.AssignLeastLoad,
			cands:  []jihat.Candidate{{UserID: "off", OpenCases: 0}, {UserID: "on", OpenCases: 9, Online: true}},
			want:   "on",
			ranked: []string{"on", "off"},
		},
		{
			name:   "full online candidates do not block offline ones",
			rule:   jihat.AssignRoundRobin,
			cands:  []jihat.Candidate{{UserID: "on", OpenCases: 1, Capacity: 1, Online: true}, {UserID: "off"}},
			want:   "off",
			ranked: []string{"off"},
		},
		{
			name:   "a repeated candidate counts once",
			rule:   jihat.AssignRoundRobin,
			cands:  []jihat.Candidate{{UserID: "a", LastAssignedAt: t0}, {UserID: "b", LastAssignedAt: t0.Add(time.Hour)}, {UserID: "a", LastAssignedAt: t0.Add(2 * time.Hour)}},
			want:   "a",
			ranked: []string{"a", "b"},
		},
		{
			name:   "empty IDs are ignored",
			rule:   jihat.AssignRoundRobin,
			cands:  []jihat.Candidate{{UserID: ""}, {UserID: "b", LastAssignedAt: t0}},
			want:   "b",
			ranked: []string{"b"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := slices.Clone(tt.cands)
			got, ok := jihat.ChooseAssignee(tt.rule, tt.cands)
			if got != tt.want || ok != (tt.want != "") {
				t.Fatalf("ChooseAssignee = %q, %v; want %q", got, ok, tt.want)
			}
			if ranked := jihat.RankAssignees(tt.rule, tt.cands); !slices.Equal(ranked, tt.ranked) {
				t.Fatalf("RankAssignees = %v, want %v", ranked, tt.ranked)
			}
			if !slices.Equal(before, tt.cands) {
				t.Fatal("the candidates were modified")
			}
		})
	}
}

// simulate assigns n cases one after another with rule among employees,
// updating their load and last assignment as the store would, and returns how
// many each got.
func simulate(t *testing.T, rule jihat.AssignRule, cands []jihat.Candidate, n int) map[string]int {
	t.Helper()
	got := map[string]int{}
	for i := range n {
		id, ok := jihat.ChooseAssignee(rule, cands)
		if !ok {
			break
		}
		got[id]++
		for j := range cands {
			if cands[j].UserID == id {
				cands[j].OpenCases++
				cands[j].LastAssignedAt = t0.Add(time.Duration(i+1) * time.Second)
			}
		}
	}
	return got
}

func TestAssignmentSpread(t *testing.T) {
	for _, rule := range []jihat.AssignRule{jihat.AssignRoundRobin, jihat.AssignLeastLoad} {
		t.Run(string(rule), func(t *testing.T) {
			var cands []jihat.Candidate
			for i := range 7 {
				cands = append(cands, jihat.Candidate{UserID: fmt.Sprintf("u%d", i), Capacity: 100})
			}
			got := simulate(t, rule, cands, 200)
			lo, hi := 200, 0
			for _, n := range got {
				lo, hi = min(lo, n), max(hi, n)
			}
			if len(got) != 7 || hi-lo > 1 {
				t.Fatalf("spread %v: not within ±1", got)
			}
		})
	}
	t.Run("capacity caps the total", func(t *testing.T) {
		cands := []jihat.Candidate{{UserID: "a", Capacity: 3}, {UserID: "b", Capacity: 5, OpenCases: 4}, {UserID: "c", Capacity: 2}}
		got := simulate(t, jihat.AssignRoundRobin, cands, 50)
		if want := map[string]int{"a": 3, "b": 1, "c": 2}; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
	t.Run("least load evens out an uneven start", func(t *testing.T) {
		cands := []jihat.Candidate{{UserID: "a", OpenCases: 10}, {UserID: "b"}, {UserID: "c", OpenCases: 4}}
		got := simulate(t, jihat.AssignLeastLoad, cands, 16)
		if want := map[string]int{"a": 0, "b": 10, "c": 6}; got["a"] != want["a"] || got["b"] != want["b"] || got["c"] != want["c"] {
			t.Fatalf("got %v, want %v", got, want)
		}
	})
}

func TestAssignmentDeterministic(t *testing.T) {
	cands := []jihat.Candidate{
		{UserID: "d", OpenCases: 2}, {UserID: "b", OpenCases: 2}, {UserID: "c", OpenCases: 1, Online: true},
		{UserID: "a", OpenCases: 2}, {UserID: "e", OpenCases: 1, Online: true},
	}
	want := jihat.RankAssignees(jihat.AssignLeastLoad, cands)
	if !slices.Equal(want, []string{"c", "e", "a", "b", "d"}) {
		t.Fatalf("rank = %v", want)
	}
	for i := range 20 { // every rotation of the input gives the same order
		rot := append(slices.Clone(cands[i%len(cands):]), cands[:i%len(cands)]...)
		if got := jihat.RankAssignees(jihat.AssignLeastLoad, rot); !slices.Equal(got, want) {
			t.Fatalf("rotation %d: %v, want %v", i, got, want)
		}
	}
}

func TestParseAssignRule(t *testing.T) {
	for in, want := range map[string]jihat.AssignRule{"": jihat.AssignRoundRobin, "round_robin": jihat.AssignRoundRobin, "least_load": jihat.AssignLeastLoad} {
		if got, err := jihat.ParseAssignRule(in); err != nil || got != want {
			t.Errorf("ParseAssignRule(%q) = %q, %v", in, got, err)
		}
	}
	_, err := jihat.ParseAssignRule("random")
	checkFields(t, err, map[string]string{"assign_rule": "invalid_assign_rule"})
}
