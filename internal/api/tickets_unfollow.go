package api

import (
	"net/http"

	"smartservice/internal/apperr"
)

// unfollowTicket answers DELETE /api/v1/tickets/{id}/follow: the caller stops
// getting the ticket's news. Someone who saw the ticket only as a follower no
// longer sees it afterwards: they get 204 instead of the ticket.
func (a *API) unfollowTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := a.ticketID(w, r)
	if !ok {
		return
	}
	// The domain's Unfollow asks nothing of a ticket one does not see; the API
	// answers such a ticket 404, as any other.
	if _, err := a.Tickets.Get(r.Context(), c.user, id); err != nil {
		a.fail(w, r, err)
		return
	}
	if err := a.Tickets.Unfollow(r.Context(), c.user, id); err != nil {
		a.fail(w, r, err)
		return
	}
	if _, err := a.Tickets.Get(r.Context(), c.user, id); apperr.CodeOf(err) == apperr.NotFound {
		a.noContent(w)
		return
	}
	a.answerTicket(w, r, c, http.StatusOK, id)
}
