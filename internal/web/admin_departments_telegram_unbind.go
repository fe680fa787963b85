package web

import "net/http"

// adminDepartmentTelegramUnbind removes a department's Telegram group.
func (s *Server) adminDepartmentTelegramUnbind(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err := s.Telegram.UnbindDepartment(r.Context(), u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setNotice(r.Context(), "telegram.department.unbound")
	http.Redirect(w, r, "/admin/departments#d"+r.PathValue("id"), http.StatusSeeOther)
}
