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
// assigned first), then the lowest id; with the name and e-mail a page shows. A
// zero Person (ID 0) means nobody: the ticket waits in the department's queue.
//
// The loads are read from executor_load (migration 00021), which triggers on
// tickets keep equal to counting each candidate's tickets, so the choice costs
// one index read per candidate however many tickets they hold.
//
// Two filings at the same moment must not both count the same loads and pick the
// same executor. Filings share a transaction (db.Group, on both databases), so
// within one instance they pick one after the other, each seeing the tickets the
// previous one assigned. On PostgreSQL the department's row is also locked (FOR
// UPDATE, held until the commit) for the writers that do not go through the
// group: another instance's batch and an executor handing tickets back; a batch
// takes it once for all its filings. SQLite needs no lock: every write
// transaction runs on the single writer connection. "Least loaded" thus means:
// by the tickets committed and those earlier in the same batch.
// TestConcurrentFilingsSpreadOverExecutors checks both databases.
func pickExecutor(ctx context.Context, tx *sql.Tx, dialect db.Dialect, deptID int64) (Person, error) {
	if dialect == db.Postgres {
		var locked int64
		if err := tx.QueryRowContext(ctx, "SELECT id FROM departments WHERE id = $1 FOR UPDATE", deptID).Scan(&locked); err != nil {
			return Person{}, fmt.Errorf("tickets: unable to lock department %d: %w", deptID, err)
		}
	}
	const query = `SELECT u.id, u.full_name, u.email FROM users u
	JOIN user_departments ud ON ud.user_id = u.id AND ud.department_id = $1
	JOIN user_roles r ON r.user_id = u.id AND r.role = 'executor'
	LEFT JOIN executor_load l ON l.user_id = u.id
	WHERE u.active = $2 AND u.available = $2
	ORDER BY COALESCE(l.open_count, 0), CASE WHEN l.last_assigned_at IS NULL THEN 0 ELSE 1 END, l.last_assigned_at, u.id
	LIMIT 1`
	var p Person
	err := tx.QueryRowContext(ctx, query, deptID, true).Scan(&p.ID, &p.Name, &p.Email)
	if errors.Is(err, sql.ErrNoRows) {
		return Person{}, nil
	}
	if err != nil {
		return Person{}, fmt.Errorf("tickets: unable to pick an executor: %w", err)
	}
	return p, nil
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
