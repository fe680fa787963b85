package web

import (
	"net/http"

	"smartservice/internal/httpx"
	"smartservice/internal/users"
)

type loginData struct {
	Form *form
	Next string
}

// loginPage shows the login form; a logged-in visitor goes straight to next.
func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	next := LocalPath(r.URL.Query().Get("next"))
	if s.currentUser(r) != nil {
		http.Redirect(w, r, orHome(next), http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "login", "login.title", loginData{Form: s.formDraftFor(r, "login-form"), Next: next})
}

// login checks the credentials; on success the session is renewed and the person
// lands on next if it is a local path (the device they scanned), else home.
func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	next := LocalPath(r.PostForm.Get("next"))
	f := newForm()
	f.Values["email"] = r.PostForm.Get("email")
	u, err := s.Accounts.Login(r.Context(), users.LoginInput{
		Email: r.PostForm.Get("email"), Password: r.PostForm.Get("password"), Addr: httpx.ClientAddr(r),
	})
	if err != nil {
		status, ok := fill(f, s.localizer(r), err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		s.render(w, keepOnSwitch(r, "login-form", withNext("/login", next), f), status, "login", "login.title", loginData{Form: f, Next: next})
		return
	}
	if err := s.startSession(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, orHome(next), http.StatusSeeOther)
}

// logout destroys the session; its token is dead even if replayed.
func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

func orHome(p string) string {
	if p == "" {
		return "/"
	}
	return p
}
