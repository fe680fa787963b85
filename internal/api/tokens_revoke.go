package api

import (
	"net/http"

	"smartservice/internal/apperr"
)

// revokeToken answers DELETE /api/v1/me/tokens/{id}: 204; another person's token,
// or one already revoked, is 404 like one that never existed.
func (a *API) revokeToken(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.fail(w, r, apperr.New(apperr.NotFound, "error.not_found"))
		return
	}
	if err := a.Accounts.RevokeToken(r.Context(), c.user, id); err != nil {
		a.fail(w, r, err)
		return
	}
	a.noContent(w)
}
