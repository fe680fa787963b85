package web

import (
	"net/http"
	"strconv"
)

// upkeepUpdate saves a plan's form; a refused one comes back filled.
func (s *Server) upkeepUpdate(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	id := upkeepID(r)
	old, err := s.Upkeep.Get(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.localizer(r)
	f := newForm()
	in := readPlanForm(r, f, l)
	if len(f.Errors) > 0 {
		f.fail(l, "", "error.invalid_input")
		s.renderUpkeepForm(w, keepOnSwitch(r, upkeepFormID, upkeepPath(id), f), u, http.StatusUnprocessableEntity, id, f, old)
		return
	}
	if _, err := s.Upkeep.Update(r.Context(), u, id, in); err != nil {
		st, ok := fillUpkeep(f, l, err)
		if !ok || st == http.StatusForbidden || st == http.StatusNotFound {
			s.fail(w, r, err)
			return
		}
		s.renderUpkeepForm(w, keepOnSwitch(r, upkeepFormID, upkeepPath(id), f), u, st, id, f, old)
		return
	}
	s.setNotice(r.Context(), "upkeep.saved")
	http.Redirect(w, r, "/upkeep/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}
