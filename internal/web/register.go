package web

import (
	"net/http"

	"smartservice/internal/httpx"
	"smartservice/internal/users"
)

type registerData struct {
	Form *form
	Next string
	// Sent is set after a request: the page says what applies to every address alike.
	Sent    bool
	Email   string
	DevMail bool
}

// registerPage shows the registration form: the work e-mail alone.
func (s *Server) registerPage(w http.ResponseWriter, r *http.Request) {
	if s.currentUser(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "register", "register.title", registerData{Form: s.formDraftFor(r, "register-form"), Next: LocalPath(r.URL.Query().Get("next"))})
}

// register asks the domain to mail what applies; the page answers every
// well-formed address alike, so it tells nobody who has an account.
func (s *Server) register(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	loc := s.localizer(r)
	f := newForm()
	f.Values["email"] = r.PostForm.Get("email")
	next := LocalPath(r.PostForm.Get("next"))
	res, err := s.Accounts.Register(r.Context(), users.RegisterInput{
		Email: r.PostForm.Get("email"), Language: loc.Lang(), Next: next, Addr: httpx.ClientAddr(r),
	})
	if err != nil {
		status, ok := fill(f, loc, err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		s.render(w, keepOnSwitch(r, "register-form", withNext("/register", next), f), status, "register", "register.title", registerData{Form: f, Next: next})
		return
	}
	s.render(w, r, http.StatusAccepted, "register", "register.sent_title", registerData{Form: f, Next: next, Sent: true, Email: res.Email, DevMail: res.DevMail})
}

type confirmData struct {
	Token string
	Next  string
	Form  *form
	// Dead is set when the link itself is refused: the page offers a new one.
	Dead bool
}

// confirmPage shows the form where the mailbox's owner chooses the password: a GET
// never spends the link, because mail scanners open links to check them.
func (s *Server) confirmPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "confirm", "confirm.title", confirmData{Token: q.Get("token"), Next: LocalPath(q.Get("next")), Form: newForm()})
}

// confirm sets the password from the link, creates the account, logs the person in
// and sends them where they were going: the device they scanned.
func (s *Server) confirm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	next := LocalPath(r.PostForm.Get("next"))
	token := r.PostForm.Get("token")
	u, err := s.Accounts.CompleteRegistration(r.Context(), token, r.PostForm.Get("password"))
	if err != nil {
		f := newForm()
		status, ok := fill(f, s.localizer(r), err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, status, "confirm", "confirm.title", confirmData{Form: f, Next: next, Token: token, Dead: len(f.Errors) == 0})
		return
	}
	if err := s.startSession(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	http.Redirect(w, r, orHome(next), http.StatusSeeOther)
}
