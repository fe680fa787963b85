package web

import (
	"encoding/csv"
	"net/http"

	"smartservice/internal/csvsafe"
	"smartservice/internal/upkeep"
)

// upkeepExport is /upkeep/export.csv: the plans the reader manages, as the list
// shows them, every text cell through csvsafe.
func (s *Server) upkeepExport(w http.ResponseWriter, r *http.Request) {
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
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="upkeep-plans.csv"`)
	cw := csv.NewWriter(w)
	head := []string{"upkeep.col_plan", "upkeep.col_target", "upkeep.col_place", "upkeep.col_problem", "upkeep.col_schedule",
		"upkeep.col_next", "upkeep.col_last", "upkeep.col_active", "upkeep.col_note"}
	for i, k := range head {
		head[i] = csvsafe.Escape(l.T(k))
	}
	_ = cw.Write(head)
	for _, p := range plans {
		line := s.upkeepLine(l, p)
		active := l.T("upkeep.state_paused")
		if line.Active {
			active = l.T("upkeep.state_active")
		}
		row := []string{line.Name, line.Target, line.Place, line.Problem, line.Schedule, line.NextDue, line.LastDone, active, line.Note}
		for i := range row {
			row[i] = csvsafe.Escape(row[i])
		}
		_ = cw.Write(row)
	}
	cw.Flush()
}
