package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"smartservice/internal/audit"
)

// SetAvailableTx marks actor's own account as available for tickets or away
// (leave, illness), inside tx, and records the switch in the audit trail with
// actor as its author (an admin's change of someone else's availability goes
// through UpdateUser). Who may is decided by the caller:
// tickets.Service.SetAvailability, which hands their tickets back in the same
// transaction, so the flag, the tickets and the entry never disagree. A switch
// to the state the account is already in changes nothing and records nothing.
func SetAvailableTx(ctx context.Context, tx *sql.Tx, actor *User, available bool, now time.Time) error {
	var before bool
	err := tx.QueryRowContext(ctx, "SELECT available FROM users WHERE id = $1", actor.ID).Scan(&before)
	if errors.Is(err, sql.ErrNoRows) {
		return errNoUser
	}
	if err != nil {
		return fmt.Errorf("users: unable to read availability: %w", err)
	}
	if before == available {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "UPDATE users SET available = $1, updated_at = $2 WHERE id = $3", available, now, actor.ID); err != nil {
		return fmt.Errorf("users: unable to set availability: %w", err)
	}
	type state struct {
		Available bool `json:"available"`
	}
	return audit.Record(ctx, tx, audit.Entry{At: now, ActorID: actor.ID, ActorEmail: actor.Email, Kind: audit.UserAvailability,
		Subject: userSubject(actor), Before: state{before}, After: state{available}})
}
