package web

import (
	"net/http"

	"smartservice/internal/upkeep"
)

// upkeepListData is the plan list.
type upkeepListData struct {
	Notice string
	Lines  []upkeepLine
	// Active is the filter: "", "active" or "paused".
	Active string
	Export string
}

// upkeepList is /upkeep: the plans the reader manages, soonest due first, with
// a filter by state and the CSV export.
func (s *Server) upkeepList(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	f := upkeep.ListFilter{Active: r.URL.Query().Get("active")}
	if f.Active != "active" && f.Active != "paused" {
		f.Active = ""
	}
	plans, err := s.Upkeep.List(r.Context(), u, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.localizer(r)
	d := &upkeepListData{Notice: s.popNotice(r), Active: f.Active, Export: "/upkeep/export.csv"}
	if f.Active != "" {
		d.Export += "?active=" + f.Active
	}
	for _, p := range plans {
		d.Lines = append(d.Lines, s.upkeepLine(l, p))
	}
	s.render(w, r, http.StatusOK, "upkeep", "upkeep.title", d)
}
