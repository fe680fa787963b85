package web

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"time"

	"github.com/alexedwards/scs/v2"

	"smartservice/internal/db"
)

// sessionStore keeps scs sessions in our database with one SQL text for SQLite and
// PostgreSQL, so several instances share them.
type sessionStore struct {
	db  *db.DB
	now func() time.Time
}

// Find returns the data of a live session.
func (st *sessionStore) Find(token string) ([]byte, bool, error) {
	return st.FindCtx(context.Background(), token)
}

// FindCtx returns the data of a live session.
func (st *sessionStore) FindCtx(ctx context.Context, token string) ([]byte, bool, error) {
	var b []byte
	err := st.db.R.QueryRowContext(ctx, "SELECT data FROM sessions WHERE token = $1 AND expiry > $2", token, st.now().UTC()).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, false, nil
	}
	return b, err == nil, err
}

// Commit stores a session.
func (st *sessionStore) Commit(token string, b []byte, expiry time.Time) error {
	return st.CommitCtx(context.Background(), token, b, expiry)
}

// CommitCtx stores a session.
func (st *sessionStore) CommitCtx(ctx context.Context, token string, b []byte, expiry time.Time) error {
	_, err := st.db.W.ExecContext(ctx, "INSERT INTO sessions (token, data, expiry) VALUES ($1, $2, $3) "+
		"ON CONFLICT (token) DO UPDATE SET data = excluded.data, expiry = excluded.expiry", token, b, expiry.UTC())
	return err
}

// Delete removes a session.
func (st *sessionStore) Delete(token string) error { return st.DeleteCtx(context.Background(), token) }

// DeleteCtx removes a session.
func (st *sessionStore) DeleteCtx(ctx context.Context, token string) error {
	_, err := st.db.W.ExecContext(ctx, "DELETE FROM sessions WHERE token = $1", token)
	return err
}

// PruneSessions deletes expired sessions; a periodic job calls it.
func PruneSessions(ctx context.Context, d *db.DB, now time.Time) error {
	_, err := d.W.ExecContext(ctx, "DELETE FROM sessions WHERE expiry <= $1", now.UTC())
	return err
}

// sessionCookie is the name of the session cookie.
const sessionCookie = "ss_session"

func (s *Server) newSessions() *scs.SessionManager {
	sm := scs.New()
	sm.Store = &sessionStore{db: s.DB, now: s.Now}
	sm.Lifetime = s.Config.SessionTTL
	sm.Cookie.Name = sessionCookie
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = s.Config.BaseURL.Scheme == "https"
	sm.Cookie.Path = "/"
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.serverError(w, r, err)
	}
	return sm
}
