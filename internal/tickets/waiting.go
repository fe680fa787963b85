package tickets

// Tickets nobody can take. Filing assigns a ticket to an available executor of its
// department when there is one; otherwise it waits, and nobody would ever notice a
// ticket that is unrouted or sits in a department whose executors are all away (or
// that has none). Such a ticket is "waiting": heads see those of the departments
// they lead on their home page, admins every one, and they assign it there (Reassign
// on a new ticket) or, when it is unrouted, send it to a department (Send).

import (
	"context"
	"database/sql"
	"fmt"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// SentByHand is the detail of the routed event written when an administrator sends
// an unrouted ticket to a department. The ticket's routed_by stays "none": it says
// how filing chose (nothing did); the history says who sent it where.
const SentByHand = "sent"

// availableIn is the SQL condition "department <dept> has an active, available
// executor", dept being an SQL expression; $avail is the parameter holding true.
func availableIn(dept, avail string) string {
	return `EXISTS (SELECT 1 FROM user_departments wd
	JOIN users wu ON wu.id = wd.user_id AND wu.active = ` + avail + ` AND wu.available = ` + avail + `
	JOIN user_roles wr ON wr.user_id = wd.user_id AND wr.role = 'executor'
	WHERE wd.department_id = ` + dept + `)`
}

// waiting adds "the ticket is new and nobody can take it now" to w.
func (w *where) waiting() {
	w.add("t.status = 'new'")
	w.add("(t.department_id IS NULL OR NOT " + availableIn("t.department_id", w.arg(true)) + ")")
}

// CanBeTaken reports whether department deptID has an executor who can take a
// ticket now (active and available); the filing confirmation says so, or that
// the ticket waits for its head or an administrator. 0 (unrouted) is false.
func (s *Service) CanBeTaken(ctx context.Context, deptID int64) (bool, error) {
	if deptID == 0 {
		return false, nil
	}
	var ok bool
	err := s.db.R.QueryRowContext(ctx, "SELECT CASE WHEN "+availableIn("$1", "$2")+" THEN 1 ELSE 0 END", deptID, true).Scan(&ok)
	if err != nil {
		return false, fmt.Errorf("tickets: unable to check the department's executors: %w", err)
	}
	return ok, nil
}

// maySend: an administrator sends a new, unrouted ticket to a department.
func maySend(actor *users.User, t *Ticket) error {
	if !actor.IsAdmin() {
		return forbidden
	}
	if t.Status != StatusNew || t.DepartmentID != 0 {
		return errTransition
	}
	return nil
}

// Send sends an unrouted ticket to department deptID (administrators): the ticket
// is then assigned as filing would (the least-loaded available executor) or waits
// in the department's queue. An unknown department is a field error.
func (s *Service) Send(ctx context.Context, actor *users.User, id, deptID int64) (*Ticket, error) {
	t, err := s.visible(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := maySend(actor, t); err != nil {
		return nil, err
	}
	now := s.now().UTC()
	err = s.db.InTx(ctx, func(tx *sql.Tx) error {
		var n int
		if deptID > 0 {
			if err := tx.QueryRowContext(ctx, "SELECT COUNT(*) FROM departments WHERE id = $1", deptID).Scan(&n); err != nil {
				return fmt.Errorf("tickets: unable to read a department: %w", err)
			}
		}
		if n == 0 {
			var f apperr.Fields
			f.Add("department_id", "loop.send_department_unknown")
			return f.Err()
		}
		picked, err := pickExecutor(ctx, tx, s.db.Dialect, deptID)
		if err != nil {
			return err
		}
		assignee := picked.ID
		status, assignedAt := StatusNew, any(nil)
		if assignee != 0 {
			status, assignedAt = StatusAssigned, now
		}
		// The clocks start when a department has the ticket: now; sent by hand,
		// no rule's own target applies.
		due, err := s.dueAt(ctx, tx, deptID, t.ProblemID, 0, now)
		if err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `UPDATE tickets SET department_id = $2, status = $3,
			assignee_id = $4, assigned_at = $5, take_by = $6, take_warn_at = $7, done_by = $8, done_warn_at = $9, sla_next_at = $10
			WHERE id = $1 AND status = 'new' AND department_id IS NULL`,
			t.ID, deptID, string(status), nullID(assignee), assignedAt,
			nullTime(due.TakeBy), nullTime(due.TakeWarnAt), nullTime(due.DoneBy), nullTime(due.DoneWarnAt), nullTime(due.Next()))
		if err != nil {
			return fmt.Errorf("tickets: unable to send: %w", err)
		}
		if n, err := res.RowsAffected(); err != nil {
			return fmt.Errorf("tickets: unable to send: %w", err)
		} else if n == 0 {
			return errTransition
		}
		if err := s.addEvent(ctx, tx, &Event{TicketID: t.ID, ActorID: actor.ID, Kind: EventRouted, Detail: SentByHand, CreatedAt: now}); err != nil {
			return err
		}
		if assignee != 0 {
			return s.addEvent(ctx, tx, &Event{TicketID: t.ID, SubjectID: assignee, Kind: EventAssigned, CreatedAt: now})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.load(ctx, s.db.W, t.ID)
}
