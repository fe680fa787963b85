package api

import (
	"net/http"
	"strconv"

	"smartservice/internal/tickets"
)

// ticketEvents answers GET /api/v1/tickets/{id}/events: the whole history, oldest
// first, in one page.
func (a *API) ticketEvents(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := a.ticketID(w, r)
	if !ok {
		return
	}
	v, err := a.Tickets.View(r.Context(), c.user, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items := make([]eventView, 0, len(v.Events))
	for _, e := range v.Events {
		items = append(items, a.eventView(e))
	}
	a.writeJSON(w, http.StatusOK, list[eventView]{Items: items})
}

func (a *API) eventView(e tickets.EventRow) eventView {
	v := eventView{ID: e.ID, Kind: e.Kind, Detail: e.Detail, CreatedAt: a.timestamp(e.CreatedAt)}
	if e.ActorID != 0 {
		v.Actor = &personRef{ID: e.ActorID, Email: e.ActorEmail, FullName: e.ActorName}
	}
	if e.SubjectID != 0 {
		v.Subject = &personRef{ID: e.SubjectID, Email: e.SubjectEmail, FullName: e.SubjectName}
		if v.Detail == "" {
			// Before the subject had its own field, detail carried the person's id;
			// clients reading it there keep working.
			v.Detail = strconv.FormatInt(e.SubjectID, 10)
		}
	}
	return v
}
