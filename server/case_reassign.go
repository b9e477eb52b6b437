package server

import (
	"context"
	"strings"

	"github.com/jihat/jihat"
	"github.com/jihat/jihat/store"
)

// Reassign gives the case to another employee of its entity. With
// case.reassign (in scope) it takes effect; an employee who handles the case
// without it makes a request instead (requested != nil), which a supervisor
// approves or refuses (DecideReassignment), as for postponements. A case
// given to an employee of another department moves to that department.
func (s *Server) Reassign(ctx context.Context, u *jihat.User, lang jihat.Lang, a jihat.AuditEntry, caseID, employeeID, reason string) (_ caseView, pending *reassignmentView, err error) {
	reason = strings.TrimSpace(reason)
	if reason != "" {
		if err := jihat.ValidateReason("reason", reason); err != nil {
			return caseView{}, nil, err
		}
	}
	var requested *store.Reassignment
	c, _, err := s.mutate(ctx, u, caseID, a, func(m *store.CaseTx) error {
		c := m.Case
		requested = nil // the group commit may run this again (store/group_fast.go)
		direct := canManage(u, c, jihat.PermCaseReassign)
		if err := allowed(u, c, direct || canHandle(u, c)); err != nil {
			return err
		}
		emp, err := reassignTarget(m, employeeID)
		if err != nil {
			return err
		}
		if _, err := jihat.Transition(c.Status, jihat.ActionAssign); err != nil {
			return err
		}
		if direct {
			return s.handTo(m, emp, u.ID)
		}
		if requested, err = m.RequestReassignment(u.ID, emp.ID, reason); err != nil {
			return err
		}
		if _, err := m.Event(jihat.CaseEventReassignRequested, u.ID, jihat.VisibilityInternal,
			jihat.ReassignRequestData{RequestID: requested.ID, EmployeeID: emp.ID, Reason: reason}); err != nil {
			return err
		}
		sups, err := m.Supervisors(jihat.RoleSupervisor.Level())
		if err != nil {
			return err
		}
		for _, sup := range sups {
			if sup.ID != u.ID && canManage(sup, c, jihat.PermCaseReassign) {
				if err := m.Notify("case.reassignment_requested", sup.ID, map[string]any{"number": c.Number, "request_id": requested.ID}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err == nil && requested == nil {
		s.wakeSweeper()
	}
	if err == nil && requested != nil {
		pending = newReassignmentView(requested)
	}
	v, err := s.caseAnswerErr(ctx, u, lang, c, err)
	if err != nil {
		return caseView{}, nil, err
	}
	return v, pending, nil
}

// DecideReassignment approves or refuses a pending reassignment request
// (case.reassign in scope). Approval hands the case over as Reassign does;
// the requester hears the decision either way.
func (s *Server) DecideReassignment(ctx context.Context, u *jihat.User, lang jihat.Lang, a jihat.AuditEntry, caseID, requestID string, approve bool, note string) (caseView, error) {
	v, err := s.decide(ctx, u, lang, a, caseID, jihat.PermCaseReassign, approve, note, func(m *store.CaseTx, note string) error {
		c := m.Case
		req, err := m.DecideReassignment(requestID, u.ID, approve, note)
		if err != nil {
			return err
		}
		var emp *jihat.User
		if approve {
			if emp, err = reassignTarget(m, req.ToUserID); err != nil {
				return err
			}
			if _, err := jihat.Transition(c.Status, jihat.ActionAssign); err != nil {
				return err
			}
		}
		typ := jihat.CaseEventReassignRefused
		if approve {
			typ = jihat.CaseEventReassignApproved
		}
		if _, err := m.Event(typ, u.ID, jihat.VisibilityInternal,
			jihat.ReassignRequestData{RequestID: req.ID, EmployeeID: req.ToUserID, Reason: req.Reason, Note: note}); err != nil {
			return err
		}
		if err := m.Notify("case."+string(typ), req.RequestedBy, map[string]any{"number": c.Number, "note": note}); err != nil {
			return err
		}
		if approve {
			return s.handTo(m, emp, u.ID)
		}
		return nil
	})
	if err == nil && approve {
		s.wakeSweeper()
	}
	return v, err
}

// reassignTarget loads the employee a case may be given to: active staff of
// the case's entity who may handle cases, not its assignee already.
func reassignTarget(m *store.CaseTx, id string) (*jihat.User, error) {
	emp, err := m.User(id)
	if err != nil || !emp.Active || !emp.InEntity(m.Case.EntityID) || !emp.Can(jihat.PermCaseHandle) {
		return nil, jihat.Invalid(map[string]string{"employee_id": "invalid_assignee"})
	}
	if emp.ID == m.Case.AssigneeID {
		return nil, jihat.Errorf(jihat.ECONFLICT, "already_assigned")
	}
	return emp, nil
}

// handTo gives the case to emp (by a person, by), moving it to emp's
// department when they work in another one, so that it is counted, listed
// and supervised where it is worked.
func (s *Server) handTo(m *store.CaseTx, emp *jihat.User, by string) error {
	c := m.Case
	var err error
	if c.Status, err = jihat.Transition(c.Status, jihat.ActionAssign); err != nil {
		return err
	}
	moved := ""
	if emp.DepartmentID != "" && emp.DepartmentID != c.DepartmentID {
		c.DepartmentID, moved = emp.DepartmentID, emp.DepartmentID
	}
	return s.assignedTo(m, emp.ID, by, moved)
}
