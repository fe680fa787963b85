package api

import (
	"net/http"
	"strconv"
)

// ticketPhoto answers GET /api/v1/tickets/{id}/photo: the JPEG the server made of
// the photo filed with the ticket, to those who may see the ticket (404 otherwise,
// and when it has none).
func (a *API) ticketPhoto(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := a.ticketID(w, r)
	if !ok {
		return
	}
	p, err := a.Tickets.Photo(r.Context(), c.user, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", p.ContentType)
	h.Set("Content-Length", strconv.Itoa(len(p.Data)))
	// Scoped content: no shared cache may keep it, and access may end tomorrow.
	h.Set("Cache-Control", "private, no-store")
	h.Set("Vary", "Authorization")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(p.Data)
}
