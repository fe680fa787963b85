package web

import (
	"net/http"

	"smartservice/internal/httpx"
	"smartservice/internal/users"
)

type resetData struct {
	Form *form
	Next string
	// Sent is set after a request: the same page for every address.
	Sent    bool
	Email   string
	DevMail bool
	Minutes int
}

// resetPage shows the form that asks for a password reset link.
func (s *Server) resetPage(w http.ResponseWriter, r *http.Request) {
	f := newForm()
	f.Values["email"] = r.URL.Query().Get("email")
	// A refused address carried over by the language switch comes back filled in.
	if kept := s.draftFor(r, "reset-form"); kept != nil {
		f = kept
	}
	s.render(w, r, http.StatusOK, "reset", "reset.title", resetData{Form: f, Next: LocalPath(r.URL.Query().Get("next"))})
}

// reset mails a reset link to an existing account and answers every well-formed
// address alike.
func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	f := newForm()
	f.Values["email"] = r.PostForm.Get("email")
	next := LocalPath(r.PostForm.Get("next"))
	res, err := s.Accounts.RequestPasswordReset(r.Context(), users.ResetInput{Email: r.PostForm.Get("email"), Next: next, Addr: httpx.ClientAddr(r)})
	if err != nil {
		status, ok := fill(f, s.localizer(r), err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		s.render(w, keepOnSwitch(r, "reset-form", withNext("/password-reset", next), f), status, "reset", "reset.title", resetData{Form: f, Next: next})
		return
	}
	s.render(w, r, http.StatusAccepted, "reset", "reset.sent_title", resetData{Form: f, Next: next, Sent: true, Email: res.Email,
		DevMail: res.DevMail, Minutes: int(s.Accounts.ResetTTL().Minutes())})
}
