package api

import (
	"net/http"

	"smartservice/internal/apperr"
)

// department answers GET /api/v1/departments/{id}.
func (a *API) department(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.fail(w, r, apperr.New(apperr.NotFound, "error.not_found"))
		return
	}
	d, err := a.Accounts.Department(r.Context(), c.user, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, a.departmentView(a.localizer(r), d))
}
