package web

import (
	"net/http"
	"net/url"
	"time"

	"smartservice/internal/users"
)

// Session keys.
const (
	sessUserID   = "uid"
	sessEpoch    = "epoch"
	sessIssuedAt = "iat"
)

// currentUser returns the logged-in user of the request, or nil. A session whose
// account was deactivated, whose password changed or whose lifetime is over is
// destroyed here, on its first use after the fact.
func (s *Server) currentUser(r *http.Request) *users.User {
	ri := state(r.Context())
	if ri.userLoaded {
		return ri.user
	}
	if !ri.hasSession {
		return nil // static files, errors before routing: no session was loaded
	}
	ri.userLoaded = true
	if s.Accounts == nil || !s.sessions.Exists(r.Context(), sessUserID) {
		return nil
	}
	ctx := r.Context()
	u, err := s.Accounts.Authenticate(ctx, s.sessions.GetInt64(ctx, sessUserID), s.sessions.GetInt64(ctx, sessEpoch),
		time.Unix(s.sessions.GetInt64(ctx, sessIssuedAt), 0))
	if err != nil {
		_ = s.sessions.Destroy(ctx)
		return nil
	}
	ri.user = u
	return u
}

// startSession logs u in: a new session token (the old one dies, so a token planted
// before login is useless), holding the account's epoch and the login time.
func (s *Server) startSession(r *http.Request, u *users.User) error {
	ctx := r.Context()
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessUserID, u.ID)
	s.sessions.Put(ctx, sessEpoch, u.AuthEpoch)
	s.sessions.Put(ctx, sessIssuedAt, s.Now().Unix())
	// The session cookie lives as long as the role allows (admins: shorter).
	s.sessions.SetDeadline(ctx, s.Now().Add(s.Accounts.SessionTTL(u)))
	ri := state(ctx)
	ri.user, ri.userLoaded = u, true
	return nil
}

// requireUser returns the logged-in user, or sends the visitor to the login page
// with the current address as next, and returns nil.
func (s *Server) requireUser(w http.ResponseWriter, r *http.Request) *users.User {
	if u := s.currentUser(r); u != nil {
		return u
	}
	next := "/"
	if r.Method == http.MethodGet {
		next = r.URL.RequestURI()
	}
	http.Redirect(w, r, "/login?next="+url.QueryEscape(next), http.StatusSeeOther)
	return nil
}
