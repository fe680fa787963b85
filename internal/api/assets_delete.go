package api

import "net/http"

// deleteAsset answers DELETE /api/v1/assets/{id} (admin): 204, or 409 while
// something (a ticket) refers to the device: archive it instead.
func (a *API) deleteAsset(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	if err := a.Assets.DeleteAsset(r.Context(), c.user, id); err != nil {
		a.fail(w, r, err)
		return
	}
	a.noContent(w)
}
