package api

import (
	"net/http"

	"smartservice/internal/httpx"
	"smartservice/internal/users"
)

type registerInput struct {
	Email string `json:"email"`
	// Language of the account and of the mail; the request's language when absent.
	Language *string `json:"language"`
}

type registerAnswer struct {
	Email string `json:"email"`
	// DevMail is true when no mail server is configured: the link went to the server log.
	DevMail bool `json:"dev_mail"`
}

// register answers POST /api/v1/auth/register with 202 for every well-formed
// address: the mail says what applies (a link to set the password, "you already
// have an account", or nothing when the directory does not know the person).
func (a *API) register(w http.ResponseWriter, r *http.Request) {
	var in registerInput
	if !a.decode(w, r, &in) {
		return
	}
	lang := a.localizer(r).Lang()
	if in.Language != nil {
		lang = *in.Language
	}
	res, err := a.Accounts.Register(r.Context(), users.RegisterInput{Email: in.Email, Language: lang, Addr: httpx.ClientAddr(r)})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusAccepted, registerAnswer{Email: res.Email, DevMail: res.DevMail})
}
