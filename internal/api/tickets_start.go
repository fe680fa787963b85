package api

import "net/http"

// startTicket answers POST /api/v1/tickets/{id}/start: its assignee starts work.
func (a *API) startTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	a.transition(w, r, c, a.Tickets.Start)
}
