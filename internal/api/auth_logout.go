package api

import "net/http"

// logout answers POST /api/v1/auth/logout: the token the request was made with
// stops working, even if it is replayed.
func (a *API) logout(w http.ResponseWriter, r *http.Request, c *caller) {
	if err := a.Accounts.RevokeLoginToken(r.Context(), c.token); err != nil {
		a.internal(w, r, err)
		return
	}
	a.noContent(w)
}
