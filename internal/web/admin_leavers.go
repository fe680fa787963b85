package web

import "net/http"

// adminLeaversCheck queues the leavers check now (administrators only).
func (s *Server) adminLeaversCheck(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if err := s.Accounts.RequestLeaversCheck(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setNotice(r.Context(), "admin.users.leavers_queued")
	http.Redirect(w, r, "/admin/users", http.StatusSeeOther)
}
