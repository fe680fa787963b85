package api

import (
	"net/http"

	"smartservice/internal/users"
)

// linkInput is the secret of a mailed link and the password chosen with it.
type linkInput struct {
	Token    string `json:"token"`
	Password string `json:"password"`
}

// completeRegistration answers POST /api/v1/auth/register/complete: the password is
// set from the registration mail's link, the account made, and the caller logged in
// (the answer of POST /api/v1/auth/login).
func (a *API) completeRegistration(w http.ResponseWriter, r *http.Request) {
	var in linkInput
	if !a.decode(w, r, &in) {
		return
	}
	u, err := a.Accounts.CompleteRegistration(r.Context(), in.Token, in.Password)
	a.loggedIn(w, r, u, err)
}

// loggedIn answers a request that ended in u being logged in, with a login token.
func (a *API) loggedIn(w http.ResponseWriter, r *http.Request, u *users.User, err error) {
	if err != nil {
		a.fail(w, r, err)
		return
	}
	token, expires, err := a.Accounts.IssueLoginToken(r.Context(), u)
	if err != nil {
		a.internal(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, loginAnswer{Token: token, ExpiresAt: a.timestamp(expires), User: a.userView(a.localizer(r), u)})
}
