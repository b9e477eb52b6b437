package jihat

import "time"

// Choice is a vote on a motion.
type Choice string

// Choices.
const (
	ChoiceAccept  Choice = "accept"
	ChoiceReject  Choice = "reject"
	ChoiceAbstain Choice = "abstain"
)

// ParseChoice returns the choice named s, or an EINVALID error on "choice".
func ParseChoice(s string) (Choice, error) {
	switch c := Choice(s); c {
	case ChoiceAccept, ChoiceReject, ChoiceAbstain:
		return c, nil
	}
	return "", invalidField("choice", "meeting_bad_choice")
}

// MotionStatus is where a motion is: drafted, open for votes, or closed.
type MotionStatus string

// Motion statuses: draft → open → closed.
const (
	MotionDraft  MotionStatus = "draft"
	MotionOpen   MotionStatus = "open"
	MotionClosed MotionStatus = "closed"
)

// MotionResult is the outcome of a closed motion.
type MotionResult string

// Results.
const (
	ResultApproved MotionResult = "approved"
	ResultRejected MotionResult = "rejected"
	ResultNoQuorum MotionResult = "no_quorum" // too few voting members were present to decide
)

// Motion is a question put to the vote in a meeting.
type Motion struct {
	ID           string
	MeetingID    string
	AgendaItemID string
	Title        string
	Secret       bool
	Status       MotionStatus
	Tally        Tally
	Result       MotionResult // when closed
	OpenedAt     *time.Time
	ClosedAt     *time.Time
	CreatedBy    string
	CreatedAt    time.Time
	// Votes is who voted what, for an open ballot only (user ID → choice).
	// It is never filled for a secret ballot.
	Votes map[string]Choice
}

// Tally is the whole state of a motion's vote. Present and Eligible are
// voting members (observers are not counted). Version grows with every
// change, so a client keeps the newest of tallies that arrive out of order.
type Tally struct {
	Accept   int   `json:"accept"`
	Reject   int   `json:"reject"`
	Abstain  int   `json:"abstain"`
	Voted    int   `json:"voted"`
	Eligible int   `json:"eligible"`
	Present  int   `json:"present"`
	Version  int64 `json:"version"`
}

// Add counts one vote of c.
func (t *Tally) Add(c Choice, n int) {
	switch c {
	case ChoiceAccept:
		t.Accept += n
	case ChoiceReject:
		t.Reject += n
	case ChoiceAbstain:
		t.Abstain += n
	}
	t.Voted += n
}

// QuorumRule says how many voting members must be present for a meeting to
// decide. The zero value is QuorumMajority.
type QuorumRule string

// Quorum rules.
const (
	QuorumMajority  QuorumRule = "majority"   // more than half of the voting members (the default)
	QuorumTwoThirds QuorumRule = "two_thirds" // at least two thirds
	QuorumAll       QuorumRule = "all"        // every voting member
)

// Valid reports whether q is a known rule ("" is the default).
func (q QuorumRule) Valid() bool {
	return q == "" || q == QuorumMajority || q == QuorumTwoThirds || q == QuorumAll
}

// Met reports whether present voting members of eligible make a quorum. A
// body with no voting member never has one.
func (q QuorumRule) Met(present, eligible int) bool {
	if eligible <= 0 || present <= 0 {
		return false
	}
	switch q {
	case QuorumTwoThirds:
		return 3*present >= 2*eligible
	case QuorumAll:
		return present >= eligible
	}
	return 2*present > eligible
}

// Needed is the least number of present voting members that makes a quorum.
func (q QuorumRule) Needed(eligible int) int {
	for n := 1; n <= eligible; n++ {
		if q.Met(n, eligible) {
			return n
		}
	}
	return eligible + 1
}

// ResultRule says when a motion is approved. The zero value is
// ResultMajority.
type ResultRule string

// Result rules. Abstentions are votes cast but count neither way, except
// that unanimity needs every vote cast to be an accept.
const (
	ResultMajority  ResultRule = "majority"   // more accepts than rejects (the default)
	ResultTwoThirds ResultRule = "two_thirds" // accepts at least two thirds of accepts and rejects
	ResultUnanimous ResultRule = "unanimous"  // every vote cast is an accept
)

// Valid reports whether r is a known rule ("" is the default).
func (r ResultRule) Valid() bool {
	return r == "" || r == ResultMajority || r == ResultTwoThirds || r == ResultUnanimous
}

// Decide computes the result of a closed motion from its tally, under the
// quorum rule q counted on the voting members present at the close. A
// motion without at least one accept is never approved.
func Decide(q QuorumRule, r ResultRule, t Tally) MotionResult {
	if !q.Met(t.Present, t.Eligible) {
		return ResultNoQuorum
	}
	if t.Accept == 0 {
		return ResultRejected
	}
	ok := false
	switch r {
	case ResultTwoThirds:
		ok = 3*t.Accept >= 2*(t.Accept+t.Reject)
	case ResultUnanimous:
		ok = t.Reject == 0 && t.Abstain == 0
	default:
		ok = t.Accept > t.Reject
	}
	if ok {
		return ResultApproved
	}
	return ResultRejected
}

// Quorum is the live quorum of a meeting.
type Quorum struct {
	Rule     QuorumRule `json:"rule"`
	Present  int        `json:"present"`  // voting members present
	Eligible int        `json:"eligible"` // voting members
	Needed   int        `json:"needed"`
	Met      bool       `json:"met"`
}

// NewQuorum computes the quorum of present voting members out of eligible.
func NewQuorum(rule QuorumRule, present, eligible int) Quorum {
	if rule == "" {
		rule = QuorumMajority
	}
	return Quorum{Rule: rule, Present: present, Eligible: eligible, Needed: rule.Needed(eligible), Met: rule.Met(present, eligible)}
}
