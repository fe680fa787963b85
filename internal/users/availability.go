package users

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// SetAvailableTx marks account id as available for tickets or away (leave,
// illness), inside tx. Who may is decided by the caller: an admin through
// UpdateUser, an executor for themselves through tickets.Service.SetAvailability,
// which hands their tickets back in the same transaction, so the flag and the
// tickets never disagree.
func SetAvailableTx(ctx context.Context, tx *sql.Tx, id int64, available bool, now time.Time) error {
	if _, err := tx.ExecContext(ctx, "UPDATE users SET available = $1, updated_at = $2 WHERE id = $3", available, now, id); err != nil {
		return fmt.Errorf("users: unable to set availability: %w", err)
	}
	return nil
}
