package api

import "net/http"

// takeTicket answers POST /api/v1/tickets/{id}/take: an executor of the ticket's
// department takes it from the queue. Of two executors taking it at once exactly
// one gets 200, the other 409; an executor of another department gets 404.
func (a *API) takeTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	a.transition(w, r, c, a.Tickets.Take)
}
