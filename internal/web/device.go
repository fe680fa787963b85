package web

import "net/http"

// device is the page behind every QR code. Visitors log in first and come back
// here; the catalogue issue fills in the device itself.
func (s *Server) device(w http.ResponseWriter, r *http.Request) {
	if s.requireUser(w, r) == nil {
		return
	}
	s.errorPage(w, r, http.StatusNotFound)
}
