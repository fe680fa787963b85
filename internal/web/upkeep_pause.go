package web

import (
	"net/http"
	"strconv"
)

// upkeepPause pauses or resumes a plan (active=0 or 1); a resumed plan files
// from its next occurrence on, never for the paused time.
func (s *Server) upkeepPause(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	active := r.PostForm.Get("active") == "1"
	p, err := s.Upkeep.SetActive(r.Context(), u, upkeepID(r), active)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	key := "upkeep.paused"
	if p.Active {
		key = "upkeep.resumed"
	}
	s.setNotice(r.Context(), key)
	http.Redirect(w, r, "/upkeep/"+strconv.FormatInt(p.ID, 10), http.StatusSeeOther)
}
