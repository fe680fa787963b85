package web

import (
	"net/http"
	"strconv"
)

// upkeepCreate stores a new plan and shows it; a refused one comes back filled,
// each problem beside its field.
func (s *Server) upkeepCreate(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	l := s.localizer(r)
	f := newForm()
	in := readPlanForm(r, f, l)
	if len(f.Errors) > 0 {
		f.fail(l, "", "error.invalid_input")
		s.renderUpkeepForm(w, keepOnSwitch(r, upkeepFormID, upkeepPath(0), f), u, http.StatusUnprocessableEntity, 0, f, nil)
		return
	}
	p, err := s.Upkeep.Create(r.Context(), u, in)
	if err != nil {
		st, ok := fillUpkeep(f, l, err)
		if !ok || st == http.StatusForbidden || st == http.StatusNotFound {
			s.fail(w, r, err)
			return
		}
		s.renderUpkeepForm(w, keepOnSwitch(r, upkeepFormID, upkeepPath(0), f), u, st, 0, f, nil)
		return
	}
	s.setNotice(r.Context(), "upkeep.created")
	http.Redirect(w, r, "/upkeep/"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
}
