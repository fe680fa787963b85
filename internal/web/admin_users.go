package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// adminPageSize is how many users a page of the list shows.
const adminPageSize = 50

// adminUsersData is the users list: the filters as given, one page of users, and
// the links to the next and the first page.
type adminUsersData struct {
	Notice      string
	Form        *form
	Roles       []users.Role
	Departments []users.Department
	Users       []*users.User
	// Filtered is true when any filter is set, so "reset" is offered; MoreFilters
	// when one of the folded ones is, so they are shown unfolded.
	Filtered, MoreFilters bool
	// Next continues the list after this page ("" on the last page); First is set
	// when this is not the first page.
	Next, First string
}

// adminUsers lists accounts for an administrator, with search and filters, a page
// at a time by id. The domain refuses anyone else (403).
func (s *Server) adminUsers(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	q := r.URL.Query()
	f := newForm()
	filter := users.UserFilter{Q: strings.TrimSpace(q.Get("q")), Limit: adminPageSize + 1}
	f.Values["q"] = filter.Q
	// Values that do not parse are ignored as filters, as a link from an old page may carry them.
	if role, ok := users.ParseRole(q.Get("role")); ok {
		filter.Role = role
		f.Values["role"] = string(role)
	}
	if id, err := strconv.ParseInt(q.Get("department"), 10, 64); err == nil && id > 0 {
		filter.DepartmentID = id
		f.Values["department"] = q.Get("department")
	}
	switch q.Get("active") {
	case "yes", "no":
		active := q.Get("active") == "yes"
		filter.Active = &active
		f.Values["active"] = q.Get("active")
	}
	if after, err := strconv.ParseInt(q.Get("after"), 10, 64); err == nil && after > 0 {
		filter.AfterID = after
	}
	status := http.StatusOK
	list, err := s.Accounts.ListUsers(r.Context(), u, filter)
	if err != nil {
		// Only a bad search is shown on the page; the rest (403 first) get their own.
		if apperr.CodeOf(err) != apperr.Invalid {
			s.fail(w, r, err)
			return
		}
		status, _ = fill(f, s.localizer(r), err)
	}
	deps, err := s.Users.ListDepartments(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d := &adminUsersData{Notice: s.popNotice(r), Form: f, Roles: users.Roles, Departments: deps, Users: list,
		MoreFilters: filter.Role != "" || filter.DepartmentID != 0 || filter.Active != nil}
	d.Filtered = d.MoreFilters || filter.Q != ""
	keep := url.Values{}
	for _, k := range []string{"q", "role", "department", "active"} {
		if v := f.Values[k]; v != "" {
			keep.Set(k, v)
		}
	}
	if len(list) > adminPageSize {
		d.Users = list[:adminPageSize]
		next := url.Values{}
		for k, v := range keep {
			next[k] = v
		}
		next.Set("after", strconv.FormatInt(d.Users[len(d.Users)-1].ID, 10))
		d.Next = "/admin/users?" + next.Encode()
	}
	if filter.AfterID > 0 {
		d.First = "/admin/users"
		if len(keep) > 0 {
			d.First += "?" + keep.Encode()
		}
	}
	s.render(w, r, status, "admin_users", "admin.users.title", d)
}
