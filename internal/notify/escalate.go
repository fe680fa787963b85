package notify

// Escalation: a ticket that waits in its department unassigned (status new)
// longer than EscalateAfter is told to the department's heads, once: the ticket's
// row in ticket_escalations, written in the same transaction as the
// notifications, is the record that it was done. The job is periodic, so River
// runs it on its elected leader only; if two runs met anyway, the second's insert
// of the same ticket would fail on the primary key and roll back its notifications.

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/riverqueue/river"
)

// escalateBatch bounds one run; the next run takes the rest.
const escalateBatch = 200

// EscalateArgs is the periodic escalation job.
type EscalateArgs struct{}

// Kind names the job.
func (EscalateArgs) Kind() string { return "notify_escalate" }

// EscalateWorker runs the escalation.
type EscalateWorker struct {
	river.WorkerDefaults[EscalateArgs]
	Service *Service
}

// Work escalates what is due.
func (w *EscalateWorker) Work(ctx context.Context, _ *river.Job[EscalateArgs]) error {
	_, err := w.Service.Escalate(ctx)
	return err
}

// Escalate tells the heads of each ticket's department of the tickets unassigned
// for longer than the escalation delay, each ticket once, and returns how many
// tickets it escalated.
func (s *Service) Escalate(ctx context.Context) (int, error) {
	now := s.now()
	cutoff := now.Add(-s.opts.EscalateAfter)
	count := 0
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		// Driven from departments so each is one range of tickets(department_id, status).
		rows, err := tx.QueryContext(ctx, `SELECT t.id, t.department_id FROM departments d
		JOIN tickets t ON t.department_id = d.id AND t.status = 'new'
		WHERE t.assignee_id IS NULL AND t.created_at <= $1
			AND NOT EXISTS (SELECT 1 FROM ticket_escalations x WHERE x.ticket_id = t.id)
		ORDER BY t.id LIMIT $2`, cutoff, escalateBatch)
		if err != nil {
			return fmt.Errorf("notify: unable to find tickets to escalate: %w", err)
		}
		type due struct{ ticket, dep int64 }
		var list []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.ticket, &d.dep); err != nil {
				rows.Close()
				return err
			}
			list = append(list, d)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		for _, d := range list {
			if _, err := tx.ExecContext(ctx, "INSERT INTO ticket_escalations (ticket_id, escalated_at) VALUES ($1, $2)", d.ticket, now); err != nil {
				return fmt.Errorf("notify: unable to record an escalation: %w", err)
			}
			ids, err := idsOf(ctx, tx, `SELECT u.id FROM users u
			JOIN user_departments ud ON ud.user_id = u.id AND ud.department_id = $1
			JOIN user_roles r ON r.user_id = u.id AND r.role = 'head'
			WHERE u.active = $2 ORDER BY u.id`, d.dep, true)
			if err != nil {
				return err
			}
			people, settings, err := loadPeople(ctx, tx, ids)
			if err != nil {
				return err
			}
			rs := make([]recipient, len(people))
			for i, p := range people {
				rs[i] = recipient{Kind: KindEscalated, person: p, settings: settings[p.ID]}
			}
			if err := s.record(ctx, tx, d.ticket, 0, rs); err != nil {
				return err
			}
		}
		count = len(list)
		return nil
	})
	return count, err
}
