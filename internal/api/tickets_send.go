package api

import "net/http"

// sendInput is the body of POST /api/v1/tickets/{id}/send.
type sendInput struct {
	DepartmentID int64 `json:"department_id"`
}

// sendTicket answers POST /api/v1/tickets/{id}/send {"department_id"}: an
// administrator sends an unrouted ticket to a department, which assigns it as
// filing would.
func (a *API) sendTicket(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := a.ticketID(w, r)
	if !ok {
		return
	}
	var in sendInput
	if !a.decode(w, r, &in) {
		return
	}
	if _, err := a.Tickets.Send(r.Context(), c.user, id, in.DepartmentID); err != nil {
		a.fail(w, r, err)
		return
	}
	a.answerTicket(w, r, c, http.StatusOK, id)
}
