package web

import "net/http"

// profilePassword changes the password. The domain moves the account's epoch, which
// ends every session; this one is then renewed with the new epoch, so the person
// stays logged in here and every other browser is logged out. Personal API tokens
// survive a password change unless the person ticks the box that revokes them.
func (s *Server) profilePassword(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	if _, err := s.Accounts.ChangePassword(r.Context(), u, r.PostForm.Get("current_password"), r.PostForm.Get("new_password")); err != nil {
		f := newForm()
		status, ok := fill(f, s.localizer(r), err)
		if !ok {
			s.serverError(w, r, err)
			return
		}
		s.renderProfile(w, r, status, u, &profileData{PasswordForm: f})
		return
	}
	// ChangePassword updated u.AuthEpoch in place.
	if err := s.startSession(r, u); err != nil {
		s.serverError(w, r, err)
		return
	}
	notice := "profile.password_changed"
	if r.PostForm.Get("revoke_tokens") != "" {
		if _, err := s.Accounts.RevokePersonalTokens(r.Context(), u); err != nil {
			s.serverError(w, r, err)
			return
		}
		notice = "password.tokens_revoked"
	}
	s.setNotice(r.Context(), notice)
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}
