package api

import (
	"net/http"
	"strconv"

	"smartservice/internal/apperr"
)

// listTokens answers GET /api/v1/me/tokens: the caller's personal tokens, newest
// first, revoked ones included, never their secrets.
func (a *API) listTokens(w http.ResponseWriter, r *http.Request, c *caller) {
	var f apperr.Fields
	limit, after := pageQuery(r, "tokens", &f)
	var before int64
	if after != "" {
		var ok bool
		if before, ok = cursorID(after); !ok {
			f.Add("cursor", "api.cursor")
		}
	}
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	all, err := a.Accounts.ListTokens(r.Context(), c.user)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	items := []tokenView{}
	for _, t := range all { // newest (highest id) first; a person has few tokens
		if before != 0 && t.ID >= before {
			continue
		}
		if len(items) == limit {
			break
		}
		items = append(items, a.tokenView(t))
	}
	last := ""
	if len(items) > 0 {
		last = strconv.FormatInt(items[len(items)-1].ID, 10)
	}
	a.writeJSON(w, http.StatusOK, newList(items, limit, "tokens", last))
}
