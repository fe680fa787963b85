package web

import "net/http"

// adminSLAHoliday is POST /admin/service-levels/holidays: a closed date.
func (s *Server) adminSLAHoliday(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	f := newForm()
	f.Values["day"], f.Values["name"] = r.PostFormValue("day"), r.PostFormValue("name")
	if _, err := s.SLA.AddHoliday(r.Context(), u, f.Values["day"], f.Values["name"]); err != nil {
		s.slaRefused(w, r, u, &slaFailed{kind: "holiday", form: f}, err)
		return
	}
	s.setNotice(r.Context(), "sla.holiday_saved")
	http.Redirect(w, r, "/admin/service-levels", http.StatusSeeOther)
}
