package api

import (
	"net/http"

	"smartservice/internal/apperr"
)

// updateUpkeepPlan answers PUT /api/v1/upkeep-plans/{id}: the plan replaced
// whole ("active": false pauses it).
func (a *API) updateUpkeepPlan(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.fail(w, r, apperr.New(apperr.NotFound, "error.not_found"))
		return
	}
	var in upkeepInput
	if !a.decode(w, r, &in) {
		return
	}
	var f apperr.Fields
	d := in.domain(&f)
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	p, err := a.Upkeep.Update(r.Context(), c.user, id, d)
	if err != nil {
		a.fail(w, r, err, upkeepFields)
		return
	}
	a.writeJSON(w, http.StatusOK, a.upkeepView(a.localizer(r), p))
}
