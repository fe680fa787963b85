package api

import (
	"net/http"

	"smartservice/internal/users"
)

type registerInput struct {
	Email    string `json:"email"`
	Password string `json:"password"`
	// Language of the account and of the confirmation mail; the request's language when absent.
	Language *string `json:"language"`
}

type registerAnswer struct {
	Email string `json:"email"`
	// DevMail is true when no mail server is configured: the link went to the server log.
	DevMail bool `json:"dev_mail"`
}

// register answers POST /api/v1/auth/register: the employee directory decides; for
// an active employee a confirmation link is mailed (202), otherwise nothing is stored.
func (a *API) register(w http.ResponseWriter, r *http.Request) {
	var in registerInput
	if !a.decode(w, r, &in) {
		return
	}
	lang := a.localizer(r).Lang()
	if in.Language != nil {
		lang = *in.Language
	}
	res, err := a.Accounts.Register(r.Context(), users.RegisterInput{Email: in.Email, Password: in.Password, Language: lang})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusAccepted, registerAnswer{Email: res.Email, DevMail: res.DevMail})
}
