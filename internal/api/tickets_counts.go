package api

import (
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/tickets"
)

// ticketCounts is how many tickets of each status match.
type ticketCounts struct {
	New        int `json:"new"`
	Assigned   int `json:"assigned"`
	InProgress int `json:"in_progress"`
	Done       int `json:"done"`
	Cancelled  int `json:"cancelled"`
}

// countTickets answers GET /api/v1/tickets/counts: with the journal's filters,
// how many of the tickets the caller may see are in each status (status itself is
// ignored, so a client can show one tab per status).
func (a *API) countTickets(w http.ResponseWriter, r *http.Request, c *caller) {
	var f apperr.Fields
	filter := a.ticketFilter(r, &f)
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	filter.Statuses = nil
	n, err := a.Tickets.Counts(r.Context(), c.user, filter)
	if err != nil {
		a.fail(w, r, err, ticketFilterFields)
		return
	}
	a.writeJSON(w, http.StatusOK, ticketCounts{New: n[tickets.StatusNew], Assigned: n[tickets.StatusAssigned],
		InProgress: n[tickets.StatusInProgress], Done: n[tickets.StatusDone], Cancelled: n[tickets.StatusCancelled]})
}
