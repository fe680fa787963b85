package web

import (
	"net/http"

	"smartservice/internal/users"
)

// setupPage shows the form that creates the first administrator, while there is
// none; afterwards the page does not exist (404).
func (s *Server) setupPage(w http.ResponseWriter, r *http.Request) {
	has, err := s.Accounts.HasAdmin(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	if has {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	// A refused form carried over by the language switch comes back filled in
	// (never the secret or the password).
	s.render(w, r, http.StatusOK, "setup", "setup.title", s.formDraftFor(r, "setup-form"))
}

// setup creates the first administrator when the one-time secret from the server
// log matches, logs them in and goes home. The domain checks the secret and closes
// the page for good once an administrator exists.
func (s *Server) setup(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	loc := s.localizer(r)
	f := newForm()
	f.Values["email"], f.Values["full_name"] = r.PostForm.Get("email"), r.PostForm.Get("full_name")
	u, err := s.Accounts.SetupAdmin(r.Context(), r.PostForm.Get("secret"), users.CreateInput{
		Email: r.PostForm.Get("email"), FullName: r.PostForm.Get("full_name"), Password: r.PostForm.Get("password"), Language: loc.Lang(),
	})
	if err != nil {
		if !shownOnForm(err) {
			s.fail(w, r, err)
			return
		}
		status, _ := fill(f, loc, err)
		if f.Err("secret") == "" {
			f.Values["secret"] = r.PostForm.Get("secret") // right: spare retyping it
		}
		s.render(w, keepOnSwitch(r, "setup-form", "/setup", f), status, "setup", "setup.title", f)
		return
	}
	if err := s.startSession(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}
