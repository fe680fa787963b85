package api

import (
	"net/http"

	"smartservice/internal/tickets"
)

// commentInput is the body of POST /api/v1/tickets/{id}/comments.
type commentInput struct {
	Text text `json:"text"`
}

// commentTicket answers POST /api/v1/tickets/{id}/comments {"text"} with 201 and
// the comment as an event of the history; anyone who sees the ticket fully may
// comment (403 for who only follows it).
func (a *API) commentTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := a.ticketID(w, r)
	if !ok {
		return
	}
	var in commentInput
	if !a.decode(w, r, &in) {
		return
	}
	e, err := a.Tickets.Comment(r.Context(), c.user, id, string(in.Text))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, a.eventView(tickets.EventRow{Event: *e, ActorName: c.user.FullName, ActorEmail: c.user.Email}))
}
