package api

import (
	"net/http"

	"smartservice/internal/httpx"
	"smartservice/internal/users"
)

type loginInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type loginAnswer struct {
	Token     string   `json:"token"`
	ExpiresAt string   `json:"expires_at"`
	User      userView `json:"user"`
}

// login answers POST /api/v1/auth/login with a bearer token that lives as long as a
// web session of the account. Every failed check gets the same 401 and message;
// too many failures get 429 (the domain counts them in the database).
func (a *API) login(w http.ResponseWriter, r *http.Request) {
	var in loginInput
	if !a.decode(w, r, &in) {
		return
	}
	u, err := a.Accounts.Login(r.Context(), users.LoginInput{Email: in.Email, Password: in.Password, Addr: httpx.ClientAddr(r)})
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
