package jihat

import (
	"cmp"
	"slices"
	"time"
)

// AssignRule is how an entity distributes new cases among the employees who
// may take them (Entity.AssignRule holds its name).
type AssignRule string

// Assignment rules.
const (
	// AssignRoundRobin gives each case to the employee who was assigned a
	// case least recently, so cases go around in turn.
	AssignRoundRobin AssignRule = "round_robin"
	// AssignLeastLoad gives each case to the employee with the fewest open
	// cases.
	AssignLeastLoad AssignRule = "least_load"
)

// DefaultAssignRule is the rule of an entity that has not chosen one.
const DefaultAssignRule = AssignRoundRobin

// Valid reports whether r is a known rule.
func (r AssignRule) Valid() bool { return r == AssignRoundRobin || r == AssignLeastLoad }

// ParseAssignRule returns the rule named s ("" is DefaultAssignRule), or an
// EINVALID error.
func ParseAssignRule(s string) (AssignRule, error) {
	if s == "" {
		return DefaultAssignRule, nil
	}
	if r := AssignRule(s); r.Valid() {
		return r, nil
	}
	return "", invalidField("assign_rule", "invalid_assign_rule")
}

// Candidate is an employee who may take a case: active, in the department
// that owns the case type, holding case.handle. The store finds them; this
// package only chooses among them.
type Candidate struct {
	UserID         string
	OpenCases      int       // cases assigned to them and still open
	Capacity       int       // most open cases at a time; <= 0 means DefaultCapacity
	Online         bool      // connected now (the hub), or logged in recently
	LastAssignedAt time.Time // the last time they were given a case; zero if never
}

// HasRoom reports whether c may take one more case.
func (c Candidate) HasRoom() bool {
	capacity := c.Capacity
	if capacity <= 0 {
		capacity = DefaultCapacity
	}
	return c.OpenCases < capacity
}

// ChooseAssignee picks who gets the next case, or ok=false when nobody has
// room (the case then waits unassigned). It is RankAssignees' first choice.
func ChooseAssignee(rule AssignRule, candidates []Candidate) (userID string, ok bool) {
	ranked := RankAssignees(rule, candidates)
	if len(ranked) == 0 {
		return "", false
	}
	return ranked[0], true
}

// RankAssignees returns the IDs of the candidates with room, best first, so a
// store that finds its first choice locked by another transaction can try
// the next. The order:
//  1. online before offline: when anyone online has room, they come first;
//  2. by the rule: round-robin puts the least recently assigned first (never
//     assigned before anyone); least-load puts the fewest open cases first,
//     then the least recently assigned;
//  3. by user ID, so equal candidates always come in the same order.
//
// An unknown rule ranks as round-robin.
//
// For the rule to hold under concurrency the store must record the new
// LastAssignedAt and OpenCases in the transaction that assigns the case.
func RankAssignees(rule AssignRule, candidates []Candidate) []string {
	eligible := make([]Candidate, 0, len(candidates))
	for _, c := range candidates {
		if c.UserID != "" && c.HasRoom() {
			eligible = append(eligible, c)
		}
	}
	slices.SortFunc(eligible, func(a, b Candidate) int {
		if a.Online != b.Online {
			if a.Online {
				return -1
			}
			return 1
		}
		if rule == AssignLeastLoad {
			if c := cmp.Compare(a.OpenCases, b.OpenCases); c != 0 {
				return c
			}
		}
		if c := a.LastAssignedAt.Compare(b.LastAssignedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.UserID, b.UserID)
	})
	ids := make([]string, 0, len(eligible))
	seen := make(map[string]bool, len(eligible))
	for _, c := range eligible {
		if !seen[c.UserID] { // a repeated candidate counts once, at its best place
			seen[c.UserID] = true
			ids = append(ids, c.UserID)
		}
	}
	return ids
}
