package jihat

import (
	"crypto/rand"
	"strings"
	"testing"
)

func TestQuorumRules(t *testing.T) {
	for _, tc := range []struct {
		rule              QuorumRule
		present, eligible int
		want              bool
		needed            int
	}{
		{"", 3, 5, true, 3},
		{"", 2, 5, false, 3},
		{QuorumMajority, 2, 4, false, 3}, // exactly half is not more than half
		{QuorumMajority, 3, 4, true, 3},
		{QuorumMajority, 1, 1, true, 1},
		{QuorumMajority, 0, 1, false, 1},
		{QuorumMajority, 0, 0, false, 1}, // no voting member: never a quorum
		{QuorumTwoThirds, 4, 6, true, 4},
		{QuorumTwoThirds, 3, 6, false, 4},
		{QuorumTwoThirds, 2, 3, true, 2},
		{QuorumTwoThirds, 667, 1000, true, 667},
		{QuorumTwoThirds, 666, 1000, false, 667},
		{QuorumAll, 5, 5, true, 5},
		{QuorumAll, 4, 5, false, 5},
		{QuorumMajority, 501, 1000, true, 501},
		{QuorumMajority, 500, 1000, false, 501},
	} {
		if got := tc.rule.Met(tc.present, tc.eligible); got != tc.want {
			t.Errorf("%q.Met(%d, %d) = %v, want %v", tc.rule, tc.present, tc.eligible, got, tc.want)
		}
		if tc.eligible > 0 {
			if got := tc.rule.Needed(tc.eligible); got != tc.needed {
				t.Errorf("%q.Needed(%d) = %d, want %d", tc.rule, tc.eligible, got, tc.needed)
			}
		}
		q := NewQuorum(tc.rule, tc.present, tc.eligible)
		if q.Met != tc.want || q.Rule == "" {
			t.Errorf("NewQuorum(%q, %d, %d) = %+v", tc.rule, tc.present, tc.eligible, q)
		}
	}
}

func TestDecide(t *testing.T) {
	tally := func(a, r, ab, present, eligible int) Tally {
		return Tally{Accept: a, Reject: r, Abstain: ab, Voted: a + r + ab, Present: present, Eligible: eligible}
	}
	for _, tc := range []struct {
		name string
		q    QuorumRule
		r    ResultRule
		t    Tally
		want MotionResult
	}{
		{"majority approves", "", "", tally(3, 2, 0, 5, 5), ResultApproved},
		{"tie rejects", "", "", tally(2, 2, 1, 5, 5), ResultRejected},
		{"abstentions count neither way", "", ResultMajority, tally(1, 0, 4, 5, 5), ResultApproved},
		{"no votes rejects", "", "", tally(0, 0, 0, 5, 5), ResultRejected},
		{"all abstain rejects", "", "", tally(0, 0, 5, 5, 5), ResultRejected},
		{"no quorum", "", "", tally(2, 0, 0, 2, 5), ResultNoQuorum},
		{"quorum counts presence, not votes", "", "", tally(1, 0, 0, 3, 5), ResultApproved},
		{"two thirds met", "", ResultTwoThirds, tally(4, 2, 0, 6, 6), ResultApproved},
		{"two thirds missed", "", ResultTwoThirds, tally(3, 2, 0, 5, 6), ResultRejected},
		{"two thirds ignores abstentions", "", ResultTwoThirds, tally(2, 1, 3, 6, 6), ResultApproved},
		{"unanimous", "", ResultUnanimous, tally(5, 0, 0, 5, 5), ResultApproved},
		{"unanimous broken by an abstention", "", ResultUnanimous, tally(4, 0, 1, 5, 5), ResultRejected},
		{"unanimous broken by a reject", "", ResultUnanimous, tally(4, 1, 0, 5, 5), ResultRejected},
		{"two-thirds quorum missed", QuorumTwoThirds, "", tally(3, 0, 0, 3, 5), ResultNoQuorum},
		{"quorum of all", QuorumAll, "", tally(3, 2, 0, 5, 5), ResultApproved},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Decide(tc.q, tc.r, tc.t); got != tc.want {
				t.Errorf("Decide(%q, %q, %+v) = %s, want %s", tc.q, tc.r, tc.t, got, tc.want)
			}
		})
	}
}

func TestParseChoiceAndRoles(t *testing.T) {
	for _, s := range []string{"accept", "reject", "abstain"} {
		if c, err := ParseChoice(s); err != nil || string(c) != s {
			t.Errorf("ParseChoice(%q) = %q, %v", s, c, err)
		}
	}
	for _, s := range []string{"", "Accept", "yes", "accept "} {
		if _, err := ParseChoice(s); ErrorCode(err) != EINVALID {
			t.Errorf("ParseChoice(%q): %v, want EINVALID", s, err)
		}
	}
	for _, tc := range []struct {
		r          MeetingRole
		votes, run bool
	}{
		{MeetingChair, true, true}, {MeetingSecretary, true, true}, {MeetingMember, true, false},
		{MeetingObserver, false, false}, {"guest", false, false},
	} {
		if tc.r.Votes() != tc.votes || tc.r.Runs() != tc.run || tc.r.Valid() != (tc.r != "guest") {
			t.Errorf("%s: votes %v runs %v valid %v", tc.r, tc.r.Votes(), tc.r.Runs(), tc.r.Valid())
		}
	}
}

func TestReceipt(t *testing.T) {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	r := Receipt{MotionID: "m1", VoterID: "u1", Generation: 3, Choice: ChoiceReject}
	s, err := SealReceipt(key, r)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(s, "reject") || strings.Contains(s, "u1") {
		t.Fatalf("receipt %q shows its content", s)
	}
	s2, _ := SealReceipt(key, r)
	if s == s2 {
		t.Error("two seals of one receipt are equal: the nonce is not random")
	}
	got, err := OpenReceipt(key, s)
	if err != nil || got != r {
		t.Fatalf("OpenReceipt = %+v, %v", got, err)
	}
	other := make([]byte, 32)
	if _, err := OpenReceipt(other, s); ErrorCode(err) != EINVALID {
		t.Errorf("another key opened the receipt: %v", err)
	}
	b := []byte(s)
	b[len(b)/2] ^= 1
	for _, bad := range []string{"", "x", string(b), strings.Repeat("A", 600)} {
		if _, err := OpenReceipt(key, bad); ErrorCode(err) != EINVALID {
			t.Errorf("OpenReceipt(%.20q) = %v, want EINVALID", bad, err)
		}
	}
}
