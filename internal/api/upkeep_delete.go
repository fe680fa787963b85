package api

import (
	"net/http"

	"smartservice/internal/apperr"
)

// deleteUpkeepPlan answers DELETE /api/v1/upkeep-plans/{id} with 204; the plan's
// tickets stay, still marked as upkeep.
func (a *API) deleteUpkeepPlan(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.fail(w, r, apperr.New(apperr.NotFound, "error.not_found"))
		return
	}
	if err := a.Upkeep.Delete(r.Context(), c.user, id); err != nil {
		a.fail(w, r, err)
		return
	}
	a.noContent(w)
}
