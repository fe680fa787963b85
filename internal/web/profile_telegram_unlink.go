package web

import "net/http"

// profileTelegramUnlink removes the person's linked Telegram chat.
func (s *Server) profileTelegramUnlink(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if err := s.Telegram.Unlink(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setNotice(r.Context(), "telegram.profile.unlinked")
	http.Redirect(w, r, "/profile", http.StatusSeeOther)
}
