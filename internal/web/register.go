package web

import (
	"net/http"

	"smartservice/internal/users"
)

type registerData struct {
	Form *form
	Next string
	// Sent is set after a successful registration: the page says to check the mail.
	Sent    bool
	Email   string
	DevMail bool
}

// registerPage shows the registration form.
func (s *Server) registerPage(w http.ResponseWriter, r *http.Request) {
	if s.currentUser(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "register", "register.title", registerData{Form: newForm(), Next: LocalPath(r.URL.Query().Get("next"))})
}

// register asks the directory and mails the confirmation link.
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	loc := s.localizer(r)
	f := newForm()
	f.Values["email"] = r.PostForm.Get("email")
	next := LocalPath(r.PostForm.Get("next"))
	res, err := s.Accounts.Register(r.Context(), users.RegisterInput{
		Email: r.PostForm.Get("email"), Password: r.PostForm.Get("password"), Language: loc.Lang(), Next: next,
	})
	if err != nil {
		status, ok := fill(f, loc, err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, status, "register", "register.title", registerData{Form: f, Next: next})
		return
	}
	s.render(w, r, http.StatusAccepted, "register", "register.sent_title", registerData{Form: f, Next: next, Sent: true, Email: res.Email, DevMail: res.DevMail})
}

type confirmData struct {
	Token string
	Next  string
	Form  *form
}

// confirmPage shows a button that confirms: a GET never spends the link, because
// mail scanners open links to check them.
func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "confirm", "confirm.title", confirmData{Token: q.Get("token"), Next: LocalPath(q.Get("next")), Form: newForm()})
}

// confirm spends the link and creates the account, then offers the login form that
// leads on to where the person was going.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	next := LocalPath(r.PostForm.Get("next"))
	f := newForm()
	u, err := s.Accounts.ConfirmEmail(r.Context(), r.PostForm.Get("token"))
	if err != nil {
		status, ok := fill(f, s.localizer(r), err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, status, "confirm", "confirm.title", confirmData{Form: f, Next: next})
		return
	}
	f.Values["email"] = u.Email
	f.Notice = s.localizer(r).T("confirm.done")
	s.render(w, r, http.StatusOK, "login", "login.title", loginData{Form: f, Next: next})
}
