package api

import "net/http"

// deleteHoliday answers DELETE /api/v1/service-levels/holidays/{day}
// (administrators).
func (a *API) deleteHoliday(w http.ResponseWriter, r *http.Request, c *caller) {
	if err := a.SLA.RemoveHoliday(r.Context(), c.user, r.PathValue("day")); err != nil {
		a.fail(w, r, err)
		return
	}
	a.noContent(w)
}
