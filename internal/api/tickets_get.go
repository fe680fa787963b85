package api

import "net/http"

// ticket answers GET /api/v1/tickets/{id}: the ticket with what the caller may do
// with it now; one they may not see answers 404, as an absent one.
func (a *API) ticket(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := a.ticketID(w, r)
	if !ok {
		return
	}
	a.answerTicket(w, r, c, http.StatusOK, id)
}
