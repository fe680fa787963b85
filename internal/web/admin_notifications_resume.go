package web

import "net/http"

// adminNotificationsResume lifts a channel's stop after an admin fixed its cause,
// and queues its failed notifications again (administrators only).
func (s *Server) adminNotificationsResume(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u != nil && s.Notify == nil {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if u == nil || !s.parseForm(w, r) {
		return
	}
	if _, err := s.Notify.Resume(r.Context(), u, r.PathValue("channel")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setNotice(r.Context(), "notify.admin.resumed")
	http.Redirect(w, r, "/admin/notifications", http.StatusSeeOther)
}
