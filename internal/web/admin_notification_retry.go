package web

import (
	"net/http"
	"strconv"
)

// adminNotificationRetry queues a failed or undeliverable notification again
// (administrators only).
func (s *Server) adminNotificationRetry(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u != nil && s.Notify == nil {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if u == nil || !s.parseForm(w, r) {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err := s.Notify.Retry(r.Context(), u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setNotice(r.Context(), "notify.admin.retried")
	http.Redirect(w, r, backToNotifications(r), http.StatusSeeOther)
}
