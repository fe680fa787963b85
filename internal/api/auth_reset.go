package api

import (
	"net/http"

	"smartservice/internal/httpx"
	"smartservice/internal/users"
)

type resetInput struct {
	Email string `json:"email"`
}

// requestPasswordReset answers POST /api/v1/auth/password-reset with 202 for every
// well-formed address; a single-use link is mailed to an existing active account.
func (a *API) requestPasswordReset(w http.ResponseWriter, r *http.Request) {
	var in resetInput
	if !a.decode(w, r, &in) {
		return
	}
	res, err := a.Accounts.RequestPasswordReset(r.Context(), users.ResetInput{Email: in.Email, Addr: httpx.ClientAddr(r)})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusAccepted, registerAnswer{Email: res.Email, DevMail: res.DevMail})
}

// completePasswordReset answers POST /api/v1/auth/password-reset/complete: the new
// password is set from the mailed link, every session and login token of the account
// ends, and the caller is logged in (the answer of POST /api/v1/auth/login).
func (a *API) completePasswordReset(w http.ResponseWriter, r *http.Request) {
	var in linkInput
	if !a.decode(w, r, &in) {
		return
	}
	u, err := a.Accounts.ResetPassword(r.Context(), in.Token, in.Password)
	a.loggedIn(w, r, u, err)
}
