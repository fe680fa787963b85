package api

import (
	"net/http"

	"smartservice/internal/apperr"
)

// upkeepPlan answers GET /api/v1/upkeep-plans/{id}; another department's plan is
// the same 404 as an absent one.
func (a *API) upkeepPlan(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.fail(w, r, apperr.New(apperr.NotFound, "error.not_found"))
		return
	}
	p, err := a.Upkeep.Get(r.Context(), c.user, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, a.upkeepView(a.localizer(r), p))
}
