package api

import (
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// userPatch is an admin's change to an account; absent or null fields stay. E-mail
// and name are not here: they come from the directory, and sending them is refused.
type userPatch struct {
	Roles         *[]string `json:"roles"`
	DepartmentIDs *[]int64  `json:"department_ids"`
	Active        *bool     `json:"active"`
	Available     *bool     `json:"available"`
}

// updateUser answers PATCH /api/v1/users/{id} (admin) with the account as changed.
func (a *API) updateUser(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.fail(w, r, apperr.New(apperr.NotFound, "error.not_found"))
		return
	}
	var p userPatch
	if !a.decode(w, r, &p) {
		return
	}
	patch := users.UserPatch{DepartmentIDs: p.DepartmentIDs, Active: p.Active, Available: p.Available}
	if p.Roles != nil {
		roles := make([]users.Role, len(*p.Roles))
		for i, s := range *p.Roles {
			roles[i] = users.Role(s) // the domain refuses unknown roles
		}
		patch.Roles = &roles
	}
	u, err := a.Accounts.UpdateUser(r.Context(), c.user, id, patch)
	if err != nil {
		a.fail(w, r, err, map[string]string{"departments": "department_ids"})
		return
	}
	a.writeJSON(w, http.StatusOK, a.userView(a.localizer(r), u))
}
