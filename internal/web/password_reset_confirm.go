package web

import "net/http"

// resetConfirmPage shows the form where the mailbox's owner chooses a new password;
// a GET never spends the link (mail scanners open links).
func (s *Server) resetConfirmPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	s.render(w, r, http.StatusOK, "reset_confirm", "reset.new_title", confirmData{Token: q.Get("token"), Next: LocalPath(q.Get("next")), Form: newForm()})
}

// resetConfirm sets the new password from the link (which ends every session and
// login token), optionally revokes the personal API tokens, logs the person in here
// and sends them on.
func (s *Server) resetConfirm(w http.ResponseWriter, r *http.Request) {
	if !s.parseForm(w, r) {
		return
	}
	next := LocalPath(r.PostForm.Get("next"))
	token := r.PostForm.Get("token")
	u, err := s.Accounts.ResetPassword(r.Context(), token, r.PostForm.Get("password"))
	if err != nil {
		f := newForm()
		status, ok := fill(f, s.localizer(r), err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		s.render(w, r, status, "reset_confirm", "reset.new_title", confirmData{Form: f, Next: next, Token: token, Dead: len(f.Errors) == 0})
		return
	}
	if r.PostForm.Get("revoke_tokens") != "" {
		if _, err := s.Accounts.RevokePersonalTokens(r.Context(), u); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	if err := s.startSession(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	if next == "" {
		s.setNotice(r.Context(), "reset.done")
		next = "/profile"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}
