package web

import (
	"net/http"

	"github.com/alexedwards/scs/v2"

	"smartservice/internal/users"
)

// sessionCookie is the name of the session cookie.
const sessionCookie = "ss_session"

// newSessions builds the session manager over the accounts module's store.
func (s *Server) newSessions() *scs.SessionManager {
	sm := scs.New()
	sm.Store = users.NewSessionStore(s.DB, s.Now)
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
