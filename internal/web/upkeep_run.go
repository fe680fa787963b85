package web

import (
	"net/http"
	"strconv"
)

// upkeepRun files a plan's upkeep now ("run now": admins and the plan's heads,
// to start a plan at once or to check it): one ticket per device, unless one is
// open already.
func (s *Server) upkeepRun(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id := upkeepID(r)
	res, err := s.Upkeep.RunNow(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The counts travel in the address: the notice is about this one run.
	http.Redirect(w, r, "/upkeep/"+strconv.FormatInt(id, 10)+"?filed="+strconv.Itoa(res.Filed)+"&skipped="+strconv.Itoa(res.Skipped), http.StatusSeeOther)
}
