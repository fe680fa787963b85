package tickets

// An executor's own availability. Going away (leave, illness) stops filing from
// assigning them new tickets; what they already hold is their choice: keep it, or
// hand it back, in which case each ticket goes to another available executor of
// its department as filing would pick one, or waits (new, unassigned) where its
// head and the admins see it (waiting.go).

import (
	"context"
	"database/sql"
	"fmt"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// EventHandedBack: the assignee handed the ticket back when going away.
const EventHandedBack = "handed_back"

// Availability is what an executor's home page shows about their own availability.
type Availability struct {
	Available bool
	// Holding is how many open tickets are assigned to them.
	Holding int
}

// MyAvailability reads actor's availability and how many open tickets they hold;
// only executors have one (Forbidden otherwise).
func (s *Service) MyAvailability(ctx context.Context, actor *users.User) (*Availability, error) {
	if err := requireLogin(actor); err != nil {
		return nil, err
	}
	if !actor.Has(users.RoleExecutor) {
		return nil, forbidden
	}
	a := &Availability{Available: actor.Available}
	err := s.db.R.QueryRowContext(ctx, "SELECT COUNT(*) FROM tickets WHERE assignee_id = $1 AND status IN ('assigned', 'in_progress')", actor.ID).Scan(&a.Holding)
	if err != nil {
		return nil, fmt.Errorf("tickets: unable to count held tickets: %w", err)
	}
	return a, nil
}

// SetAvailability sets actor's own availability (executors only). Going away
// with handBack hands every open ticket assigned to actor back, in the same
// transaction: each goes to the least-loaded available executor of its
// department, or waits unassigned. It returns how many tickets were handed back.
func (s *Service) SetAvailability(ctx context.Context, actor *users.User, available, handBack bool) (int, error) {
	if err := requireLogin(actor); err != nil {
		return 0, err
	}
	if !actor.Has(users.RoleExecutor) {
		return 0, forbidden
	}
	if available && handBack {
		return 0, apperr.New(apperr.Invalid, "loop.hand_back_only_away")
	}
	now := s.now().UTC()
	handed := 0
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		if err := users.SetAvailableTx(ctx, tx, actor, available, now); err != nil {
			return err
		}
		if !handBack {
			return nil
		}
		type held struct{ id, dept int64 }
		rows, err := tx.QueryContext(ctx, `SELECT id, COALESCE(department_id, 0) FROM tickets
		WHERE assignee_id = $1 AND status IN ('assigned', 'in_progress') ORDER BY id`, actor.ID)
		if err != nil {
			return fmt.Errorf("tickets: unable to list held tickets: %w", err)
		}
		var list []held
		for rows.Next() {
			var h held
			if err := rows.Scan(&h.id, &h.dept); err != nil {
				rows.Close()
				return fmt.Errorf("tickets: unable to list held tickets: %w", err)
			}
			list = append(list, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return fmt.Errorf("tickets: unable to list held tickets: %w", err)
		}
		for _, h := range list {
			var next int64
			if h.dept != 0 {
				// actor is away now, so the pick is someone else.
				picked, err := pickExecutor(ctx, tx, s.db.Dialect, h.dept)
				if err != nil {
					return err
				}
				next = picked.ID
			}
			status, assignedAt := StatusNew, any(nil)
			if next != 0 {
				status, assignedAt = StatusAssigned, now
			}
			// The conditions again: on PostgreSQL the ticket may have been completed
			// or reassigned since the list was read; then it is no longer actor's.
			res, err := tx.ExecContext(ctx, `UPDATE tickets SET status = $2, assignee_id = $3, assigned_at = $4, started_at = NULL
			WHERE id = $1 AND assignee_id = $5 AND status IN ('assigned', 'in_progress')`, h.id, string(status), nullID(next), assignedAt, actor.ID)
			if err != nil {
				return fmt.Errorf("tickets: unable to hand a ticket back: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil {
				return fmt.Errorf("tickets: unable to hand a ticket back: %w", err)
			} else if n == 0 {
				continue
			}
			handed++
			if err := s.addEvent(ctx, tx, &Event{TicketID: h.id, ActorID: actor.ID, Kind: EventHandedBack, CreatedAt: now}); err != nil {
				return err
			}
			if next != 0 {
				if err := s.addEvent(ctx, tx, &Event{TicketID: h.id, SubjectID: next, Kind: EventAssigned, CreatedAt: now}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return handed, nil
}
