package api

import (
	"net/http"
	"strconv"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// listUsers answers GET /api/v1/users (admin): accounts by id, a page at a time,
// filtered by ?q= (e-mail or name), ?role=, ?department_id= and ?active=true|false.
func (a *API) listUsers(w http.ResponseWriter, r *http.Request, c *caller) {
	var f apperr.Fields
	limit, after := pageQuery(r, "users", &f)
	filter := users.UserFilter{Limit: limit, Q: r.URL.Query().Get("q")}
	if after != "" {
		if filter.AfterID, _ = strconv.ParseInt(after, 10, 64); filter.AfterID <= 0 {
			f.Add("cursor", "api.cursor")
		}
	}
	q := r.URL.Query()
	if len(filter.Q) > 200 {
		f.Add("q", "validation.search_long")
	}
	if s := q.Get("role"); s != "" {
		role, ok := users.ParseRole(s)
		if !ok {
			f.Add("role", "validation.role_unknown")
		}
		filter.Role = role
	}
	if s := q.Get("department_id"); s != "" {
		id, err := strconv.ParseInt(s, 10, 64)
		if err != nil || id <= 0 {
			f.Add("department_id", "validation.department_unknown")
		}
		filter.DepartmentID = id
	}
	if s := q.Get("active"); s != "" {
		switch s {
		case "true", "false":
			active := s == "true"
			filter.Active = &active
		default:
			f.Add("active", "api.boolean")
		}
	}
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	us, err := a.Accounts.ListUsers(r.Context(), c.user, filter)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	ids := make([]int64, len(us))
	for i, u := range us {
		ids[i] = u.ID
	}
	linked := map[int64]bool{}
	if a.Telegram != nil { // without the bot part (some tests) nobody is linked
		if linked, err = a.Telegram.LinkedAmong(r.Context(), c.user, ids); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	loc := a.localizer(r)
	items := make([]userView, len(us))
	last := ""
	for i, u := range us {
		items[i] = a.userView(loc, u)
		items[i].TelegramLinked = linked[u.ID]
		last = strconv.FormatInt(u.ID, 10)
	}
	a.writeJSON(w, http.StatusOK, newList(items, limit, "users", last))
}
