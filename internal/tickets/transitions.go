package tickets

// A ticket's life (PRODUCT.md "Ticket life"): new -> assigned -> in_progress -> done,
// with cancel from any open state and reopen within a week of done. Every change is
// a conditional UPDATE on the expected status plus one event, in one transaction: a
// change that lost a race (two executors taking the same ticket) touches no row and
// answers Conflict "ticket.transition", as does any change the state forbids.
//
// Permissions: who may not see a ticket gets NotFound (so an executor of another
// department gets NotFound, as for an absent ticket); who may see it but not do the
// action gets Forbidden. Who may do what is decided by the may* functions of
// allowed.go, which Actions uses too, so the buttons and the rules cannot drift.

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

var forbidden = apperr.New(apperr.Forbidden, "error.forbidden")

func statusList(from []Status) string {
	q := make([]string, len(from))
	for i, s := range from {
		q[i] = "'" + string(s) + "'"
	}
	return strings.Join(q, ", ")
}

func in(s Status, from []Status) bool {
	for _, f := range from {
		if s == f {
			return true
		}
	}
	return false
}

// change runs "UPDATE tickets SET <set> WHERE id = $1 AND status IN (from)" with args
// ($2...) and records the event, in one transaction; then returns the fresh ticket.
func (s *Service) change(ctx context.Context, actor *users.User, t *Ticket, from []Status, set string, args []any, kind, detail string) (*Ticket, error) {
	if !in(t.Status, from) {
		return nil, errTransition
	}
	now := s.now().UTC()
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, "UPDATE tickets SET "+set+" WHERE id = $1 AND status IN ("+statusList(from)+")", append([]any{t.ID}, args...)...)
		if err != nil {
			return fmt.Errorf("tickets: unable to %s: %w", kind, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return fmt.Errorf("tickets: unable to %s: %w", kind, err)
		}
		if n == 0 {
			return errTransition
		}
		return addEvent(ctx, tx, t.ID, actor.ID, kind, detail, now)
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.W, t.ID)
}

// Take assigns a queued (new) ticket to actor, an executor of its department. When
// two executors take it at once exactly one wins; the other gets Conflict.
func (s *Service) Take(ctx context.Context, actor *users.User, id int64) (*Ticket, error) {
	t, err := s.visible(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := mayTake(actor, t); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	return s.change(ctx, actor, t, takeFrom, "status = 'assigned', assignee_id = $2, assigned_at = $3",
		[]any{actor.ID, now}, EventTaken, strconv.FormatInt(actor.ID, 10))
}

// Start marks an assigned ticket as in progress; only its assignee may.
func (s *Service) Start(ctx context.Context, actor *users.User, id int64) (*Ticket, error) {
	t, err := s.visible(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := mayStart(actor, t); err != nil {
		return nil, err
	}
	return s.change(ctx, actor, t, startFrom, "status = 'in_progress', started_at = $2",
		[]any{s.now().UTC()}, EventStarted, "")
}

// Complete closes an assigned or started ticket with a resolution; the assignee or
// the head of the department may.
func (s *Service) Complete(ctx context.Context, actor *users.User, id int64, resolution string) (*Ticket, error) {
	t, err := s.visible(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := mayComplete(actor, t); err != nil {
		return nil, err
	}
	resolution, err = requiredText("resolution", resolution)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, actor, t, completeFrom, "status = 'done', done_at = $2, resolution = $3",
		[]any{s.now().UTC(), resolution}, EventDone, resolution)
}

// Cancel cancels an open ticket with a reason. Staff of the department, heads of it
// and admins may cancel any open ticket; the reporter may cancel their own while
// nobody has started it (new or assigned).
func (s *Service) Cancel(ctx context.Context, actor *users.User, id int64, reason string) (*Ticket, error) {
	t, err := s.visible(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	from, err := mayCancel(actor, t)
	if err != nil {
		return nil, err
	}
	reason, err = requiredText("reason", reason)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, actor, t, from, "status = 'cancelled', cancelled_at = $2, cancel_reason = $3",
		[]any{s.now().UTC(), reason}, EventCancelled, reason)
}

// Reassign gives an open ticket to another executor of its department (head of the
// department or admin). The ticket becomes assigned: the new assignee has not
// started it yet.
func (s *Service) Reassign(ctx context.Context, actor *users.User, id, assigneeID int64) (*Ticket, error) {
	t, err := s.visible(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := mayReassign(actor, t); err != nil {
		return nil, err
	}
	ok, err := isExecutorOf(ctx, s.db.W, assigneeID, t.DepartmentID)
	if err != nil {
		return nil, err
	}
	if !ok {
		var f apperr.Fields
		f.Add("assignee_id", "ticket.assignee_not_executor")
		return nil, f.Err()
	}
	if assigneeID == t.AssigneeID {
		return nil, errTransition
	}
	return s.change(ctx, actor, t, OpenStatuses, "status = 'assigned', assignee_id = $2, assigned_at = $3, started_at = NULL",
		[]any{assigneeID, s.now().UTC()}, EventReassigned, strconv.FormatInt(assigneeID, 10))
}

// Reopen sends a done ticket back to its executor, within ReopenWindow of its
// completion; only the reporter may.
func (s *Service) Reopen(ctx context.Context, actor *users.User, id int64) (*Ticket, error) {
	t, err := s.visible(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	now := s.now().UTC()
	if err := mayReopen(actor, t, now); err != nil {
		return nil, err
	}
	return s.change(ctx, actor, t, reopenFrom, `status = 'assigned', assigned_at = $2, started_at = NULL, done_at = NULL,
		resolution = '', reopened_count = reopened_count + 1`, []any{now}, EventReopened, "")
}

// Comment adds a comment to the ticket's history; anyone who may see it may.
func (s *Service) Comment(ctx context.Context, actor *users.User, id int64, text string) error {
	t, err := s.visible(ctx, actor, id)
	if err != nil {
		return err
	}
	text, err = requiredText("text", text)
	if err != nil {
		return err
	}
	return s.db.InTx(ctx, func(tx *sql.Tx) error {
		return addEvent(ctx, tx, t.ID, actor.ID, EventComment, text, s.now().UTC())
	})
}
