package tickets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"smartservice/internal/db"
)

// pickExecutor chooses who gets a new ticket of department deptID: among the
// department's active, available executors, the one with the fewest open tickets
// (assigned or in progress); on a tie the one assigned least recently (never
// assigned first), then the lowest id. 0 means nobody: the ticket waits in the
// department's queue.
//
// Two filings at the same moment must not both count the same loads and pick the
// same executor. On PostgreSQL the department's row is locked first (FOR UPDATE,
// held until the filing commits), so filings into one department pick one after
// the other, each seeing the tickets the previous one assigned (READ COMMITTED takes
// a fresh snapshot per statement); filings into different departments do not wait
// for each other. SQLite needs no lock: every write transaction runs on the single
// writer connection and starts with BEGIN IMMEDIATE, so filings are already
// serialised. TestConcurrentFilingsSpreadOverExecutors checks both.
func pickExecutor(ctx context.Context, tx *sql.Tx, dialect db.Dialect, deptID int64) (int64, error) {
	if dialect == db.Postgres {
		var locked int64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM departments WHERE id = $1 FOR UPDATE", deptID).Scan(&locked); err != nil {
			return 0, fmt.Errorf("tickets: unable to lock department %d: %w", deptID, err)
		}
	}
	const query = `SELECT u.id FROM users u
	JOIN user_departments ud ON ud.user_id = u.id AND ud.department_id = $1
	JOIN user_roles r ON r.user_id = u.id AND r.role = 'executor'
	WHERE u.active = $2 AND u.available = $2
	ORDER BY (SELECT COUNT(*) FROM tickets t WHERE t.assignee_id = u.id AND t.status IN ('assigned', 'in_progress')),
		CASE WHEN (SELECT MAX(t.assigned_at) FROM tickets t WHERE t.assignee_id = u.id) IS NULL THEN 0 ELSE 1 END,
		(SELECT MAX(t.assigned_at) FROM tickets t WHERE t.assignee_id = u.id),
		u.id
	LIMIT 1`
	var id int64
	err := tx.QueryRowContext(ctx, query, deptID, true).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("tickets: unable to pick an executor: %w", err)
	}
	return id, nil
}

// isExecutorOf reports whether user id is an active executor of department deptID.
func isExecutorOf(ctx context.Context, q rowQuerier, id, deptID int64) (bool, error) {
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM users u
	JOIN user_departments ud ON ud.user_id = u.id AND ud.department_id = $2
	JOIN user_roles r ON r.user_id = u.id AND r.role = 'executor'
	WHERE u.id = $1 AND u.active = $3`, id, deptID, true).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("tickets: unable to check an executor: %w", err)
	}
	return n > 0, nil
}
