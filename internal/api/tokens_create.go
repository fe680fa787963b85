package api

import (
	"fmt"
	"net/http"
	"time"

	"smartservice/internal/users"
)

type tokenInput struct {
	Name          string `json:"name"`
	ExpiresInDays int    `json:"expires_in_days"`
}

// createdToken is a new personal token with its secret, shown this once.
type createdToken struct {
	tokenView
	Token string `json:"token"`
}

// createToken answers POST /api/v1/me/tokens with 201 and the new token's secret,
// which is stored only hashed and never shown again.
func (a *API) createToken(w http.ResponseWriter, r *http.Request, c *caller) {
	var in tokenInput
	if !a.decode(w, r, &in) {
		return
	}
	var ttl time.Duration // out of range: the domain names the field
	if in.ExpiresInDays >= 1 && in.ExpiresInDays <= int(users.MaxTokenTTL/(24*time.Hour)) {
		ttl = time.Duration(in.ExpiresInDays) * 24 * time.Hour
	}
	secret, t, err := a.Accounts.CreateToken(r.Context(), c.user, in.Name, ttl)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/me/tokens/%d", t.ID))
	a.writeJSON(w, http.StatusCreated, createdToken{tokenView: a.tokenView(*t), Token: secret})
}
