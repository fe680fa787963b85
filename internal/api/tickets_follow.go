package api

import "net/http"

// followTicket answers POST /api/v1/tickets/{id}/follow: the caller gets the
// ticket's news ("me too"). Anyone who sees its device may follow an open ticket,
// and then sees it; following twice is no error.
func (a *API) followTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := a.ticketID(w, r)
	if !ok {
		return
	}
	if err := a.Tickets.Follow(r.Context(), c.user, id); err != nil {
		a.fail(w, r, err)
		return
	}
	a.answerTicket(w, r, c, http.StatusOK, id)
}
