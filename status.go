package jihat

// Status is where a case stands. The one table of allowed moves is
// transitions below; nothing else decides whether a status may change.
type Status string

// Statuses (API.md).
const (
	StatusNew             Status = "new"              // opened, waiting for an assignee
	StatusAssigned        Status = "assigned"         // has an assignee who has not started
	StatusInProgress      Status = "in_progress"      // being worked
	StatusAwaitingCitizen Status = "awaiting_citizen" // staff asked the requester for something
	StatusPostponed       Status = "postponed"        // paused until a date, with a reason
	StatusResolved        Status = "resolved"         // answered; the requester may object within the window
	StatusObjected        Status = "objected"         // the requester objected; open again, one level up
	StatusClosed          Status = "closed"           // final; nothing changes any more
)

// Statuses lists every status in the order of a case's life.
var Statuses = []Status{
	StatusNew, StatusAssigned, StatusInProgress, StatusAwaitingCitizen,
	StatusPostponed, StatusResolved, StatusObjected, StatusClosed,
}

// Valid reports whether s is a known status.
func (s Status) Valid() bool {
	_, ok := transitions[s]
	return ok
}

// Open reports whether a case in status s still needs work from the entity:
// every status but resolved and closed. Only open cases count as late.
func (s Status) Open() bool {
	return s.Valid() && s != StatusResolved && s != StatusClosed
}

// Label returns the name of s shown to people in lang.
func (s Status) Label(lang Lang) string { return Message(lang, "status_"+string(s)) }

// ParseStatus returns the status named s, or an EINVALID error.
func ParseStatus(s string) (Status, error) {
	if st := Status(s); st.Valid() {
		return st, nil
	}
	return "", invalidField("status", "invalid_status")
}

// Action is something done to a case that may change its status. Services
// call Transition with the action for every such step, including replies, so
// the table alone decides what is allowed.
type Action string

// Actions.
const (
	ActionAssign       Action = "assign"        // give the case to an employee (first assignment or reassignment)
	ActionUnassign     Action = "unassign"      // take it back when the assignee can no longer work it
	ActionStart        Action = "start"         // the assignee starts (or resumes) work
	ActionReply        Action = "reply"         // a public reply by staff
	ActionAwaitCitizen Action = "await_citizen" // staff asks the requester for information
	ActionCitizenReply Action = "citizen_reply" // a public reply by the requester
	ActionPostpone     Action = "postpone"      // pause until a date (approved, or by permission)
	ActionResume       Action = "resume"        // end a postponement
	ActionResolve      Action = "resolve"       // answer the case with a resolution
	ActionObject       Action = "object"        // the requester objects to the resolution
	ActionClose        Action = "close"         // end a resolved case for good
)

// Actions lists every action.
var Actions = []Action{
	ActionAssign, ActionUnassign, ActionStart, ActionReply, ActionAwaitCitizen, ActionCitizenReply,
	ActionPostpone, ActionResume, ActionResolve, ActionObject, ActionClose,
}

// Label returns the name of a shown to people in lang.
func (a Action) Label(lang Lang) string { return Message(lang, "action_"+string(a)) }

// transitions is the state machine: for each status, the actions allowed and
// the status each leads to. An action that keeps the status (a reply while
// waiting for the requester) is listed too, because it is allowed.
//
// The rules, in words:
//   - A new case must be assigned before anyone works it; the requester may
//     add to it meanwhile.
//   - Reassigning an assigned, in-progress or waiting case makes it assigned
//     again (the new assignee has not started). Reassigning a postponed case
//     keeps the postponement; reassigning an objected case keeps it objected,
//     so reports still see the open objection.
//   - Unassign (the assignee left and nobody else can take it) returns an
//     assigned or in-progress case to new, to wait for the next assignment.
//   - The first public staff reply, or "start", moves an assigned case to in
//     progress. A requester's reply to a case awaiting them puts it back in
//     progress; staff replies while waiting keep it waiting.
//   - Postponing is possible while the case is worked, including again while
//     postponed (a new date); replies do not end a postponement, "resume"
//     does. A postponed case may also be resolved directly.
//   - Objected behaves like an open case for the escalated handler: it may be
//     reassigned, started, replied to, put to the requester, postponed or
//     resolved again.
//   - Resolved is not open: no replies or work. The requester may object
//     (within the window: Case.CanObject), or the service closes it when the
//     window ends. Rating does not change the status.
//   - Closed is terminal.
var transitions = map[Status]map[Action]Status{
	StatusNew: {
		ActionAssign:       StatusAssigned,
		ActionCitizenReply: StatusNew,
	},
	StatusAssigned: {
		ActionAssign:       StatusAssigned,
		ActionUnassign:     StatusNew,
		ActionStart:        StatusInProgress,
		ActionReply:        StatusInProgress,
		ActionAwaitCitizen: StatusAwaitingCitizen,
		ActionCitizenReply: StatusAssigned,
		ActionPostpone:     StatusPostponed,
		ActionResolve:      StatusResolved,
	},
	StatusInProgress: {
		ActionAssign:       StatusAssigned,
		ActionUnassign:     StatusNew,
		ActionReply:        StatusInProgress,
		ActionAwaitCitizen: StatusAwaitingCitizen,
		ActionCitizenReply: StatusInProgress,
		ActionPostpone:     StatusPostponed,
		ActionResolve:      StatusResolved,
	},
	StatusAwaitingCitizen: {
		ActionAssign:       StatusAssigned,
		ActionStart:        StatusInProgress,
		ActionReply:        StatusAwaitingCitizen,
		ActionCitizenReply: StatusInProgress,
		ActionPostpone:     StatusPostponed,
		ActionResolve:      StatusResolved,
	},
	StatusPostponed: {
		ActionAssign:       StatusPostponed,
		ActionReply:        StatusPostponed,
		ActionCitizenReply: StatusPostponed,
		ActionPostpone:     StatusPostponed,
		ActionResume:       StatusInProgress,
		ActionResolve:      StatusResolved,
	},
	StatusResolved: {
		ActionObject: StatusObjected,
		ActionClose:  StatusClosed,
	},
	StatusObjected: {
		ActionAssign:       StatusObjected,
		ActionStart:        StatusInProgress,
		ActionReply:        StatusInProgress,
		ActionAwaitCitizen: StatusAwaitingCitizen,
		ActionCitizenReply: StatusObjected,
		ActionPostpone:     StatusPostponed,
		ActionResolve:      StatusResolved,
	},
	StatusClosed: {},
}

// Transition returns the status a case in status from moves to when action
// is done to it, or an ECONFLICT error (key invalid_transition, naming the
// action and the status in the reader's language) when the table does not
// allow it.
func Transition(from Status, action Action) (Status, error) {
	if to, ok := transitions[from][action]; ok {
		return to, nil
	}
	return "", transitionError(from, action)
}

// CanTransition reports whether some action moves a case from one status to
// the other. from == to is allowed only where an action keeps the status.
func CanTransition(from, to Status) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

// AllowedActions returns the actions the table allows in status s, in the
// order of Actions (for the buttons a client shows).
func AllowedActions(s Status) []Action {
	var out []Action
	for _, a := range Actions {
		if _, ok := transitions[s][a]; ok {
			out = append(out, a)
		}
	}
	return out
}

// transitionError is the ECONFLICT error for action on a case in status
// from. Its arguments carry both languages: the Arabic text uses arguments 1
// and 2, the English text 3 and 4 (fmt ignores the unused ones when the
// format uses explicit indexes).
func transitionError(from Status, action Action) *Error {
	return Errorf(ECONFLICT, "invalid_transition",
		action.Label(LangAR), from.Label(LangAR), action.Label(LangEN), from.Label(LangEN))
}
