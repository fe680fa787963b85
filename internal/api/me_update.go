package api

import "net/http"

// meInput is what a person may change about themselves through the API: only the
// language. Name and e-mail come from the directory, roles from an admin; sending
// them is refused (decode rejects unknown fields).
type meInput struct {
	Language *string `json:"language"`
}

// updateMe answers PATCH /api/v1/me.
func (a *API) updateMe(w http.ResponseWriter, r *http.Request, c *caller) {
	var in meInput
	if !a.decode(w, r, &in) {
		return
	}
	if in.Language != nil {
		if err := a.Accounts.SetLanguage(r.Context(), c.user, *in.Language); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	v, err := a.meView(r, c)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, v)
}
