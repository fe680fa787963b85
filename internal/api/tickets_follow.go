package api

import "net/http"

// followInput is the optional body of POST /api/v1/tickets/{id}/follow.
type followInput struct {
	// Code is the code of the ticket's device's label: the proof of standing at the
	// device that someone who does not see the ticket needs to follow it.
	Code string `json:"code"`
}

// followTicket answers POST /api/v1/tickets/{id}/follow: the caller gets the
// ticket's news ("me too"). Who sees the ticket may, with no body; anyone else
// sends {"code"} of the device's label, and may follow an open ticket of a device
// they see (tickets.Follow); a wrong code is the 404 of an absent ticket. The
// answer is the ticket as the follower sees it: limited for who only follows it.
func (a *API) followTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := a.ticketID(w, r)
	if !ok {
		return
	}
	var in followInput
	// No body is no code; a body must be the JSON object.
	if r.ContentLength != 0 && !a.decode(w, r, &in) {
		return
	}
	if err := a.Tickets.Follow(r.Context(), c.user, id, in.Code); err != nil {
		a.fail(w, r, err)
		return
	}
	a.answerTicket(w, r, c, http.StatusOK, id)
}
