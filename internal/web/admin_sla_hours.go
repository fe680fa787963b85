package web

import (
	"net/http"
	"time"

	"smartservice/internal/sla"
)

// adminSLAHours is POST /admin/service-levels/hours: the week's opening hours.
func (s *Server) adminSLAHours(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	f := newForm()
	var week [7]sla.DayInput
	for wd := time.Sunday; wd <= time.Saturday; wd++ {
		key := weekdayKey(wd)
		f.Values[key+"_opens"], f.Values[key+"_closes"] = r.PostFormValue(key+"_opens"), r.PostFormValue(key+"_closes")
		week[wd] = sla.DayInput{Opens: f.Values[key+"_opens"], Closes: f.Values[key+"_closes"]}
	}
	if _, err := s.SLA.SetHours(r.Context(), u, week); err != nil {
		s.slaRefused(w, r, u, &slaFailed{kind: "hours", form: f}, err)
		return
	}
	s.setNotice(r.Context(), "sla.hours_saved")
	http.Redirect(w, r, "/admin/service-levels", http.StatusSeeOther)
}
