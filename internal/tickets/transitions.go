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
// ($2...) and records the event (e: its kind, detail and subject; the rest is filled
// in here), in one transaction; then returns the fresh ticket.
func (s *Service) change(ctx context.Context, actor *users.User, t *Ticket, from []Status, set string, args []any, e Event) (*Ticket, error) {
	kind := e.Kind
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
		e.TicketID, e.ActorID, e.CreatedAt = t.ID, actor.ID, now
		return s.addEvent(ctx, tx, &e)
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
	return s.change(ctx, actor, t, takeFrom, "status = 'assigned', assignee_id = $2, assigned_at = $3, taken_at = COALESCE(taken_at, $3)",
		[]any{actor.ID, now}, Event{Kind: EventTaken, SubjectID: actor.ID})
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
	return s.change(ctx, actor, t, startFrom, "status = 'in_progress', started_at = $2, taken_at = COALESCE(taken_at, $2)",
		[]any{s.now().UTC()}, Event{Kind: EventStarted})
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
	return s.change(ctx, actor, t, completeFrom, "status = 'done', done_at = $2, resolution = $3, taken_at = COALESCE(taken_at, $2), sla_next_at = NULL",
		[]any{s.now().UTC(), resolution}, Event{Kind: EventDone, Detail: resolution})
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
	return s.change(ctx, actor, t, from, "status = 'cancelled', cancelled_at = $2, cancel_reason = $3, sla_next_at = NULL",
		[]any{s.now().UTC(), reason}, Event{Kind: EventCancelled, Detail: reason})
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
		[]any{assigneeID, s.now().UTC()}, Event{Kind: EventReassigned, SubjectID: assigneeID})
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
	// The completion clock starts again at the reopening (the take was kept or
	// missed for good); see sla.go.
	due, err := s.dueAt(ctx, s.db.R, t.DepartmentID, t.ProblemID, t.RuleID, now)
	if err != nil {
		return nil, err
	}
	return s.change(ctx, actor, t, reopenFrom, `status = 'assigned', assigned_at = $2, started_at = NULL, done_at = NULL,
		resolution = '', reopened_count = reopened_count + 1, done_by = $3, done_warn_at = $4, sla_next_at = $4`,
		[]any{now, nullTime(due.DoneBy), nullTime(due.DoneWarnAt)}, Event{Kind: EventReopened})
}

// Comment adds a comment to the ticket's history and returns it as recorded;
// anyone who sees the ticket fully may (mayComment).
func (s *Service) Comment(ctx context.Context, actor *users.User, id int64, text string) (*Event, error) {
	t, err := s.visible(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := mayComment(actor, t); err != nil {
		return nil, err
	}
	text, err = requiredText("text", text)
	if err != nil {
		return nil, err
	}
	e := Event{TicketID: t.ID, ActorID: actor.ID, Kind: EventComment, Detail: text, CreatedAt: s.now().UTC()}
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		return s.addEvent(ctx, tx, &e)
	})
	if err != nil {
		return nil, err
	}
	return &e, nil
}
