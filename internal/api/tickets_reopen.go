package api

import "net/http"

// reopenTicket answers POST /api/v1/tickets/{id}/reopen: the reporter says a
// completed ticket is still broken (within a week); it returns to its executor.
func (a *API) reopenTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	a.transition(w, r, c, a.Tickets.Reopen)
}
