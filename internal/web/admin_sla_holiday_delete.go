package web

import "net/http"

// adminSLAHolidayDelete is POST /admin/service-levels/holidays/{day}/delete.
func (s *Server) adminSLAHolidayDelete(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	if err := s.SLA.RemoveHoliday(r.Context(), u, r.PathValue("day")); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setNotice(r.Context(), "sla.holiday_removed")
	http.Redirect(w, r, "/admin/service-levels", http.StatusSeeOther)
}
