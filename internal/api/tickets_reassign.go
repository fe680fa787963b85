package api

import "net/http"

// reassignInput is the body of POST /api/v1/tickets/{id}/reassign.
type reassignInput struct {
	AssigneeID int64 `json:"assignee_id"`
}

// reassignTicket answers POST /api/v1/tickets/{id}/reassign {"assignee_id"}: the
// department's head (or an admin) gives the ticket to another of its executors.
func (a *API) reassignTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := a.ticketID(w, r)
	if !ok {
		return
	}
	var in reassignInput
	if !a.decode(w, r, &in) {
		return
	}
	if _, err := a.Tickets.Reassign(r.Context(), c.user, id, in.AssigneeID); err != nil {
		a.fail(w, r, err)
		return
	}
	a.answerTicket(w, r, c, http.StatusOK, id)
}
