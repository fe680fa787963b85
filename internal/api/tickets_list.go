package api

import (
	"net/http"

	"smartservice/internal/apperr"
)

// listTickets answers GET /api/v1/tickets: the journal, the tickets the caller may
// see that match the filters (see ticketFilter), newest first, a page at a time.
func (a *API) listTickets(w http.ResponseWriter, r *http.Request, c *caller) {
	var f apperr.Fields
	limit, after := pageQuery(r, "tickets", &f)
	filter := a.ticketFilter(r, &f)
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	filter.Limit, filter.Cursor = limit, after
	page, err := a.Tickets.List(r.Context(), c.user, filter)
	if err != nil {
		a.fail(w, r, err, ticketFilterFields)
		return
	}
	loc := a.localizer(r)
	out := list[ticketItem]{Items: make([]ticketItem, 0, len(page.Items))}
	for i := range page.Items {
		out.Items = append(out.Items, a.ticketItem(loc, &page.Items[i]))
	}
	if page.NextCursor != "" {
		next := encodeCursor("tickets", page.NextCursor)
		out.NextCursor = &next
	}
	a.writeJSON(w, http.StatusOK, out)
}
