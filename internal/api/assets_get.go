package api

import "net/http"

// asset answers GET /api/v1/assets/{id}: a device the caller may see (another
// person's personal device is a 404, as an absent one).
func (a *API) asset(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	as, err := a.Assets.Asset(r.Context(), c.user, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeAsset(w, r, c, http.StatusOK, as)
}
