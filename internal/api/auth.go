package api

import (
	"context"
	"net/http"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// caller is the authenticated person of a request and the token they sent.
type caller struct {
	user  *users.User
	token string
}

type callerKey struct{}

// callerOf returns the request's caller, nil before authentication or for anonymous routes.
func callerOf(ctx context.Context) *caller {
	c, _ := ctx.Value(callerKey{}).(*caller)
	return c
}

// authed wraps a handler that needs a caller: "Authorization: Bearer <token>" with a
// live token of an active account, else 401. What the caller may then do is the
// domain's decision.
func (a *API) authed(h func(http.ResponseWriter, *http.Request, *caller)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		token, ok := bearerToken(r)
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="smartservice"`)
			a.problem(w, r, http.StatusUnauthorized, "api.token_missing")
			return
		}
		u, err := a.Accounts.AuthenticateToken(r.Context(), token)
		if apperr.CodeOf(err) == apperr.Unauthenticated {
			w.Header().Set("WWW-Authenticate", `Bearer realm="smartservice", error="invalid_token"`)
			a.problem(w, r, http.StatusUnauthorized, "api.token_dead")
			return
		}
		if err != nil {
			a.internal(w, r, err)
			return
		}
		c := &caller{user: u, token: token}
		h(w, r.WithContext(context.WithValue(r.Context(), callerKey{}, c)), c)
	}
}

// bearerToken returns the token of an "Authorization: Bearer <token>" header.
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimSpace(token)
	return token, token != ""
}
