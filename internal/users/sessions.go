package users

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"smartservice/internal/cache"
	"smartservice/internal/db"
)

// SessionStore keeps web sessions (alexedwards/scs's Store and CtxStore) in our
// database with one SQL text for SQLite and PostgreSQL, so several instances share
// them. The accounts module owns the sessions table, so it owns the SQL on it; the
// pages only plug the store into their session manager.
type SessionStore struct {
	db  *db.DB
	now func() time.Time
	// cached holds sessions read under the request's auth version (see
	// internal/cache): a logout or a renewal anywhere moves the version, so a
	// cached session never outlives its row.
	cached *cache.Map[string, cachedSession]
}

// cachedSession is a session row as read.
type cachedSession struct {
	data   []byte
	expiry time.Time
}

// maxCachedSessions bounds the session cache (about 200 bytes each).
const maxCachedSessions = 50_000

// NewSessionStore returns the store over d; now is the clock (nil: time.Now).
func NewSessionStore(d *db.DB, now func() time.Time) *SessionStore {
	if now == nil {
		now = time.Now
	}
	return &SessionStore{db: d, now: now, cached: cache.NewMap[string, cachedSession](maxCachedSessions)}
}

// Find returns the data of a live session.
func (st *SessionStore) Find(token string) ([]byte, bool, error) {
	return st.FindCtx(context.Background(), token)
}

// FindCtx returns the data of a live session.
func (st *SessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	now := st.now().UTC()
	v, versioned := cache.From(ctx)
	if versioned {
		if c, ok := st.cached.Get(token, v.Auth); ok && c.expiry.After(now) {
			return c.data, true, nil
		}
	}
	var b []byte
	var expiry time.Time
	err := st.db.R.QueryRowContext(ctx, "SELECT data, expiry FROM sessions WHERE token = $1 AND expiry > $2", token, now).Scan(&b, &expiry)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, err
	}
	if versioned {
		st.cached.Put(token, v.Auth, cachedSession{data: b, expiry: expiry})
	}
	return b, true, nil
}

// Commit stores a session.
func (st *SessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return st.CommitCtx(context.Background(), token, b, expiry)
}

// CommitCtx stores a session.
func (st *SessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := st.db.W.ExecContext(ctx, "INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3) "+
		"ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry", token, b, expiry.UTC())
	st.cached.Drop(token)
	return err
}

// Delete removes a session.
func (st *SessionStore) Delete(token string) error { return st.DeleteCtx(context.Background(), token) }

// DeleteCtx removes a session.
func (st *SessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := st.db.W.ExecContext(ctx, "DELETE FROM sessions WHERE token = $1", token)
	st.cached.Drop(token)
	return err
}

// PruneSessions deletes expired sessions; the periodic upkeep job calls it.
func PruneSessions(ctx context.Context, d *db.DB, now time.Time) error {
	_, err := d.W.ExecContext(ctx, "DELETE FROM sessions WHERE expiry <= $1", now.UTC())
	return err
}
