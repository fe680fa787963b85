package api

import "net/http"

// me answers GET /api/v1/me: the caller.
func (a *API) me(w http.ResponseWriter, r *http.Request, c *caller) {
	a.writeJSON(w, http.StatusOK, a.userView(a.localizer(r), c.user))
}
