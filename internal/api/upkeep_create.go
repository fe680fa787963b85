package api

import (
	"fmt"
	"net/http"

	"smartservice/internal/apperr"
)

// createUpkeepPlan answers POST /api/v1/upkeep-plans with 201 and the plan; 422
// for a schedule that never fires or is out of bounds, or a problem the target
// does not offer.
func (a *API) createUpkeepPlan(w http.ResponseWriter, r *http.Request, c *caller) {
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
	p, err := a.Upkeep.Create(r.Context(), c.user, d)
	if err != nil {
		a.fail(w, r, err, upkeepFields)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/upkeep-plans/%d", p.ID))
	a.writeJSON(w, http.StatusCreated, a.upkeepView(a.localizer(r), p))
}
