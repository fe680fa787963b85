package api

import "net/http"

// completeInput is the body of POST /api/v1/tickets/{id}/complete.
type completeInput struct {
	Resolution text `json:"resolution"`
}

// completeTicket answers POST /api/v1/tickets/{id}/complete {"resolution"}: its
// assignee (or the department's head) closes the ticket.
func (a *API) completeTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := a.ticketID(w, r)
	if !ok {
		return
	}
	var in completeInput
	if !a.decode(w, r, &in) {
		return
	}
	if _, err := a.Tickets.Complete(r.Context(), c.user, id, string(in.Resolution)); err != nil {
		a.fail(w, r, err)
		return
	}
	a.answerTicket(w, r, c, http.StatusOK, id)
}
