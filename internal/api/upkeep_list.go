package api

import (
	"net/http"
	"strconv"

	"smartservice/internal/apperr"
	"smartservice/internal/upkeep"
)

// listUpkeepPlans answers GET /api/v1/upkeep-plans (admins; heads their
// departments' plans): soonest due first, filtered by ?active=active|paused,
// ?asset_id= (plans covering that device) and ?problem_type_id=.
func (a *API) listUpkeepPlans(w http.ResponseWriter, r *http.Request, c *caller) {
	q := r.URL.Query()
	var f apperr.Fields
	num := func(name string) int64 {
		v := q.Get(name)
		if v == "" {
			return 0
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n <= 0 {
			f.Add(name, "upkeep.err_filter")
		}
		return n
	}
	filter := upkeep.ListFilter{Active: q.Get("active"), AssetID: num("asset_id"), ProblemID: num("problem_type_id")}
	if filter.Active != "" && filter.Active != "active" && filter.Active != "paused" {
		f.Add("active", "upkeep.err_filter")
	}
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	plans, err := a.Upkeep.List(r.Context(), c.user, filter)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	l := a.localizer(r)
	items := []upkeepView{}
	for _, p := range plans {
		items = append(items, a.upkeepView(l, p))
	}
	a.writeJSON(w, http.StatusOK, list[upkeepView]{Items: items})
}
