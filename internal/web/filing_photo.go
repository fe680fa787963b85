package web

import (
	"net/http"
	"strconv"
)

// ticketPhoto serves a ticket's photo to those who may see the ticket; anyone
// else gets the 404 page, as for a ticket without one. The bytes are a JPEG the
// server made itself (never the upload), and nosniff (set for every answer) keeps
// browsers from reading them as anything else.
func (s *Server) ticketPhoto(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	p, err := s.Tickets.Photo(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/jpeg")
	h.Set("Content-Length", strconv.Itoa(len(p.Data)))
	// Not kept in the browser's cache: a photo must not outlive the logout there
	// (a shared office computer), as in the API.
	h.Set("Cache-Control", "private, no-store")
	h.Set("Content-Disposition", `inline; filename="T-`+strconv.FormatInt(id, 10)+`.jpg"`)
	_, _ = w.Write(p.Data)
}
