package web

import (
	"net/http"

	"smartservice/internal/tickets"
)

// catalogueStarter loads the starter catalogue (OFFICE-CATALOGUE.md) in one step on a
// fresh installation, and with it the starter routing rules when the rules table is
// still empty; the domain refuses when the catalogue is not empty.
func (s *Server) catalogueStarter(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if _, err := tickets.LoadStarter(r.Context(), s.Assets, s.Rules, u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setNotice(r.Context(), "transfer.starter_loaded")
	http.Redirect(w, r, "/catalogue", http.StatusSeeOther)
}
