package web

import (
	"net/http"
	"strconv"
)

// ticketFiledData is the confirmation after filing: the number to quote, who got
// the ticket, and where to follow it.
type ticketFiledData struct {
	ID                 int64
	Number             string
	Problem, Device    string
	Code               string
	Department, Person string
	HasPhoto           bool
	// Nobody: routed, unassigned, and nobody in the department can take it now.
	Nobody bool
}

// ticketFiled confirms a filed ticket to anyone who may see it (404 otherwise, as
// for an absent ticket).
func (s *Server) ticketFiled(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	row, err := s.Tickets.Row(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localizer(r)
	d := &ticketFiledData{ID: row.ID, Number: row.Number(), Problem: loc.Name(row.ProblemEN, row.ProblemRU), Device: row.AssetName,
		Code: row.AssetCode, Department: loc.Name(row.DepartmentEN, row.DepartmentRU), Person: row.AssigneeName, HasPhoto: row.HasPhoto}
	if row.DepartmentID != 0 && row.AssigneeID == 0 {
		ok, err := s.Tickets.CanBeTaken(r.Context(), row.DepartmentID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		d.Nobody = !ok
	}
	s.render(w, r, http.StatusOK, "ticket_filed", "filing.filed_title", d)
}
