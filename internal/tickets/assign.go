package tickets

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// pickExecutor chooses who gets a new ticket of department deptID: among the
// department's active, available executors, the one with the fewest open tickets
// (assigned or in progress); on a tie the one assigned least recently (never
// assigned first), then the lowest id. 0 means nobody: the ticket waits in the
// department's queue.
func pickExecutor(ctx context.Context, tx *sql.Tx, deptID int64) (int64, error) {
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
