package users

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"smartservice/internal/db"
)

// SessionStore keeps web sessions (alexedwards/scs's Store and CtxStore) in our
// database with one SQL text for SQLite and PostgreSQL, so several instances share
// them. The accounts module owns the sessions table, so it owns the SQL on it; the
// pages only plug the store into their session manager.
type SessionStore struct {
	db  *db.DB
	now func() time.Time
}

// NewSessionStore returns the store over d; now is the clock (nil: time.Now).
func NewSessionStore(d *db.DB, now func() time.Time) *SessionStore {
	if now == nil {
		now = time.Now
	}
	return &SessionStore{db: d, now: now}
}

// Find returns the data of a live session.
func (st *SessionStore) Find(token string) ([]byte, bool, error) {
	return st.FindCtx(context.Background(), token)
}

// FindCtx returns the data of a live session.
func (st *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := st.db.R.QueryRowContext(ctx, "SELECT data FROM sessions WHERE token = $1 AND expiry > $2", token, st.now().UTC()).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, err
}

// Commit stores a session.
func (st *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return st.CommitCtx(context.Background(), token, b, expiry)
}

// CommitCtx stores a session.
func (st *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := st.db.W.ExecContext(ctx, "INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3) "+
		"ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry", token, b, expiry.UTC())
	return err
}

// Delete removes a session.
func (st *SessionStore) Delete(token string) error { return st.DeleteCtx(context.Background(), token) }

// DeleteCtx removes a session.
func (st *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := st.db.W.ExecContext(ctx, "DELETE FROM sessions WHERE token = $1", token)
	return err
}

// PruneSessions deletes expired sessions; the periodic upkeep job calls it.
func PruneSessions(ctx context.Context, d *db.DB, now time.Time) error {
	_, err := d.W.ExecContext(ctx, "DELETE FROM sessions WHERE expiry <= $1", now.UTC())
	return err
}
