package tickets

// Who may do what to a ticket, in one place: each may* function below answers for
// one change, from the ticket as loaded, with exactly the error the change itself
// returns before touching the database (NotFound is settled earlier, by
// visibility). The transitions in transitions.go call them; actionsFor calls them too,
// so the buttons on a ticket's page and the API's `actions` (View) cannot promise
// what the transition then refuses.

import (
	"context"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// Actions says which changes actor may make to the ticket now (buttons on its page, `actions` in the API).
type Actions struct {
	Take, Start, Complete, Cancel, Reassign, Send, Reopen, Comment, Follow, Unfollow bool
}

// Any reports whether any change is open to the reader.
func (a Actions) Any() bool {
	return a.Take || a.Start || a.Complete || a.Cancel || a.Reassign || a.Send || a.Reopen || a.Comment || a.Follow || a.Unfollow
}

// state refuses a change when the ticket is not in one of the statuses from.
func state(t *Ticket, from []Status) error {
	if !in(t.Status, from) {
		return errTransition
	}
	return nil
}

// refuse is the answer to someone who may not do a change: Forbidden while the
// ticket is open, the plain state conflict once it is closed (nobody may change a
// closed ticket, so "you may not" would mislead).
func refuse(t *Ticket) error {
	if !t.Status.Open() {
		return errTransition
	}
	return forbidden
}

// takeFrom and the others are the statuses each change starts from.
var (
	takeFrom     = []Status{StatusNew}
	startFrom    = []Status{StatusAssigned}
	completeFrom = []Status{StatusAssigned, StatusInProgress}
	reopenFrom   = []Status{StatusDone}
	// A reporter may cancel until work has started.
	reporterCancelFrom = []Status{StatusNew, StatusAssigned}
)

// mayTake: an executor of the ticket's department takes a queued ticket.
func mayTake(actor *users.User, t *Ticket) error {
	if t.DepartmentID == 0 || !actor.Has(users.RoleExecutor) || !actor.InDepartment(t.DepartmentID) {
		return forbidden
	}
	return state(t, takeFrom)
}

// mayStart: only the assignee starts an assigned ticket.
func mayStart(actor *users.User, t *Ticket) error {
	if t.AssigneeID == 0 || t.AssigneeID != actor.ID {
		return refuse(t)
	}
	return state(t, startFrom)
}

// mayComplete: the assignee or the head of the department completes an assigned
// or started ticket.
func mayComplete(actor *users.User, t *Ticket) error {
	if !(t.AssigneeID != 0 && t.AssigneeID == actor.ID) && !headOf(actor, t) {
		return refuse(t)
	}
	return state(t, completeFrom)
}

// mayCancel returns the statuses actor may cancel the ticket from: staff of the
// department and admins any open one, the reporter their own until work started.
func mayCancel(actor *users.User, t *Ticket) ([]Status, error) {
	switch {
	case actor.IsAdmin() || staffOf(actor, t):
		return OpenStatuses, state(t, OpenStatuses)
	case t.ReporterID == actor.ID:
		if t.Status == StatusInProgress {
			return nil, apperr.New(apperr.Conflict, "ticket.cancel_started")
		}
		return reporterCancelFrom, state(t, reporterCancelFrom)
	default:
		return nil, refuse(t)
	}
}

// mayReassign: the head of the department or an admin gives an open, routed
// ticket to another executor (who that may be is checked against the input).
func mayReassign(actor *users.User, t *Ticket) error {
	if !actor.IsAdmin() && !headOf(actor, t) {
		return forbidden
	}
	if !t.Status.Open() || t.DepartmentID == 0 {
		return errTransition
	}
	return nil
}

// mayReopen: the reporter reopens a completed ticket within ReopenWindow; it
// goes back to the executor who completed it.
func mayReopen(actor *users.User, t *Ticket, now time.Time) error {
	if t.ReporterID != actor.ID {
		return forbidden
	}
	if t.Status != StatusDone || t.DoneAt == nil || t.AssigneeID == 0 {
		return errTransition
	}
	if now.Sub(*t.DoneAt) > ReopenWindow {
		return apperr.New(apperr.Conflict, "ticket.reopen_expired")
	}
	return nil
}

// mayComment: whoever sees the ticket fully writes in its history; a follower
// with no other right to it reads a limited history and may not add to it (they
// see it, so the answer is Forbidden, not NotFound).
func mayComment(actor *users.User, t *Ticket) error {
	if !seesFully(actor, t) {
		return forbidden
	}
	return nil
}

// actionsFor says which changes actor may make to t now, actor being someone
// who sees it (following: whether they follow it).
func actionsFor(actor *users.User, t *Ticket, following bool, now time.Time) Actions {
	_, cancelErr := mayCancel(actor, t)
	return Actions{
		Take:     mayTake(actor, t) == nil,
		Start:    mayStart(actor, t) == nil,
		Complete: mayComplete(actor, t) == nil,
		Cancel:   cancelErr == nil,
		Reassign: mayReassign(actor, t) == nil,
		Send:     maySend(actor, t) == nil,
		Reopen:   mayReopen(actor, t, now) == nil,
		Comment:  mayComment(actor, t) == nil,
		Follow:   !following,
		Unfollow: following,
	}
}

// Person is someone a page names and may pick: an executor to reassign to.
type Person struct {
	ID          int64
	Name, Email string
}

// executors lists the active executors of department deptID, by name: the
// reassign choice.
func executors(ctx context.Context, q rowsQuerier, deptID int64) ([]Person, error) {
	return people(ctx, q, `SELECT u.id, u.full_name, u.email FROM users u
	JOIN user_departments ud ON ud.user_id = u.id AND ud.department_id = $1
	JOIN user_roles r ON r.user_id = u.id AND r.role = 'executor'
	WHERE u.active = $2 ORDER BY u.full_name, u.id`, deptID, true)
}
