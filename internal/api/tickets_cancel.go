package api

import "net/http"

// cancelInput is the body of POST /api/v1/tickets/{id}/cancel.
type cancelInput struct {
	Reason text `json:"reason"`
}

// cancelTicket answers POST /api/v1/tickets/{id}/cancel {"reason"}: the
// department's staff and admins cancel an open ticket, its reporter until work starts.
func (a *API) cancelTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := a.ticketID(w, r)
	if !ok {
		return
	}
	var in cancelInput
	if !a.decode(w, r, &in) {
		return
	}
	if _, err := a.Tickets.Cancel(r.Context(), c.user, id, string(in.Reason)); err != nil {
		a.fail(w, r, err)
		return
	}
	a.answerTicket(w, r, c, http.StatusOK, id)
}
