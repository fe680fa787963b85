package api

import (
	"net/http"

	"smartservice/internal/apperr"
)

// deleteDepartment answers DELETE /api/v1/departments/{id} (admin): 204, or 409
// while people still belong to it.
func (a *API) deleteDepartment(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.fail(w, r, apperr.New(apperr.NotFound, "error.not_found"))
		return
	}
	if err := a.Accounts.DeleteDepartment(r.Context(), c.user, id); err != nil {
		a.fail(w, r, err)
		return
	}
	a.noContent(w)
}
