package web

import (
	"net/http"
	"slices"
	"strings"

	"smartservice/internal/users"
)

type homeData struct {
	Departments []users.Department
}

// home is the landing page: what Smart Service is and who looks after the office.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	deps, err := s.Users.ListDepartments(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	loc := s.localizer(r)
	slices.SortFunc(deps, func(a, b users.Department) int {
		return strings.Compare(loc.Name(a.NameEN, a.NameRU), loc.Name(b.NameEN, b.NameRU))
	})
	s.render(w, r, http.StatusOK, "home", "home.title", homeData{Departments: deps})
}

// serverError logs err with the request id and answers with the 500 page; the
// user never sees the error text.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.Logger.Error("request failed", "request_id", RequestID(r.Context()), "path", r.URL.Path, "err", err)
	s.errorPage(w, r, http.StatusInternalServerError)
}
