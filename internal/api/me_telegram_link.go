package api

import "net/http"

// telegramLinkView is a one-time deep link to the bot.
type telegramLinkView struct {
	URL       string `json:"url"`
	ExpiresAt string `json:"expires_at"`
}

// createTelegramLink answers POST /api/v1/me/telegram-link: a one-time
// https://t.me/<bot>?start=<token> link for the caller, valid 15 minutes.
// 503 when the bot is off or Telegram does not answer.
func (a *API) createTelegramLink(w http.ResponseWriter, r *http.Request, c *caller) {
	url, expires, err := a.Telegram.NewLink(r.Context(), c.user)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	a.writeJSON(w, http.StatusCreated, telegramLinkView{URL: url, ExpiresAt: a.timestamp(expires)})
}
