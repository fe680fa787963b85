package api

import (
	"net/http"

	"smartservice/internal/tickets"
)

// ticketEvents answers GET /api/v1/tickets/{id}/events: the whole history, oldest
// first, in one page.
func (a *API) ticketEvents(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := a.ticketID(w, r)
	if !ok {
		return
	}
	entries, err := a.Tickets.EventRows(r.Context(), c.user, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items := make([]eventView, 0, len(entries))
	for _, e := range entries {
		items = append(items, a.eventView(e))
	}
	a.writeJSON(w, http.StatusOK, list[eventView]{Items: items})
}

func (a *API) eventView(e tickets.EventRow) eventView {
	v := eventView{ID: e.ID, Kind: e.Kind, Detail: e.Detail, CreatedAt: a.timestamp(e.CreatedAt)}
	if e.ActorID != 0 {
		v.Actor = &personRef{ID: e.ActorID, Email: e.ActorEmail, FullName: e.ActorName}
	}
	return v
}
