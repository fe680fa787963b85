package web

import "net/http"

// upkeepDelete deletes a plan; its tickets stay, marked as upkeep.
func (s *Server) upkeepDelete(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if err := s.Upkeep.Delete(r.Context(), u, upkeepID(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setNotice(r.Context(), "upkeep.deleted")
	http.Redirect(w, r, "/upkeep", http.StatusSeeOther)
}
