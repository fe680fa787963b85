package api

import (
	"net/http"

	"smartservice/internal/apperr"
)

// listDepartments answers GET /api/v1/departments: every department, by code, a page
// at a time. Anyone logged in may read them.
func (a *API) listDepartments(w http.ResponseWriter, r *http.Request, _ *caller) {
	var f apperr.Fields
	limit, after := pageQuery(r, "departments", &f)
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	all, err := a.Users.ListDepartments(r.Context())
	if err != nil {
		a.internal(w, r, err)
		return
	}
	loc := a.localizer(r)
	items := []departmentView{}
	for _, d := range all { // ordered by code; departments are few
		if d.Code <= after {
			continue
		}
		if len(items) == limit {
			break
		}
		items = append(items, a.departmentView(loc, d))
	}
	last := ""
	if len(items) > 0 {
		last = items[len(items)-1].Code
	}
	a.writeJSON(w, http.StatusOK, newList(items, limit, "departments", last))
}
