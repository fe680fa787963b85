package api

import "net/http"

// me answers GET /api/v1/me: the caller.
func (a *API) me(w http.ResponseWriter, r *http.Request, c *caller) {
	v, err := a.meView(r, c)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, v)
}

// meView is the caller as /me answers: their account and whether Telegram
// delivers to them (a linked chat that is not dead).
func (a *API) meView(r *http.Request, c *caller) (userView, error) {
	v := a.userView(a.localizer(r), c.user)
	link, err := a.Telegram.LinkOf(r.Context(), c.user)
	if err != nil {
		return v, err
	}
	v.TelegramLinked = link != nil && link.DeadAt == nil
	return v, nil
}
