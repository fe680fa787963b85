package web

import (
	"context"
	"net/http"
	"strconv"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// adminUserData is one account as an administrator edits it: the facts from the
// directory, and the roles, departments and flags as the form currently holds them.
type adminUserData struct {
	Notice      string
	Account     *users.User
	Registered  string
	LastLogin   string
	Form        *form
	Roles       []users.Role
	Departments []users.Department
	// HasRole and InDepartment are the checkboxes' states: the account's, or what
	// was posted when the change was refused.
	HasRole      map[users.Role]bool
	InDepartment map[int64]bool
	Active       bool
	Available    bool
}

// adminAccount returns the account with id; the domain lets administrators only.
func (s *Server) adminAccount(ctx context.Context, actor *users.User, id int64) (*users.User, error) {
	return s.Accounts.AdminUser(ctx, actor, id)
}

// adminUser shows the form that changes an account's roles, departments and flags.
func (s *Server) adminUser(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	acct, err := s.adminAccount(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &adminUserData{Notice: s.popNotice(r), Form: newForm(), HasRole: map[users.Role]bool{}, InDepartment: map[int64]bool{},
		Active: acct.Active, Available: acct.Available}
	for _, role := range acct.Roles {
		d.HasRole[role] = true
	}
	for _, dep := range acct.Departments {
		d.InDepartment[dep.ID] = true
	}
	// A refused change carried over by the language switch comes back as it was sent.
	if kept := s.draftFor(r, userFormID); kept != nil {
		d.Form, d.HasRole, d.InDepartment = kept, map[users.Role]bool{}, map[int64]bool{}
		for _, v := range kept.All("roles") {
			d.HasRole[users.Role(v)] = true
		}
		for _, v := range kept.All("departments") {
			d.InDepartment[parseID(v)] = true
		}
		d.Active, d.Available = kept.Get("active") != "", kept.Get("available") != ""
	}
	s.renderAdminUser(w, r, http.StatusOK, acct, d)
}

// adminUpdateUser applies the form. Name and e-mail are not in it: they come from
// the directory. The domain refuses what an administrator may not do (dropping
// their own admin role, deactivating themselves) with a message on the field.
func (s *Server) adminUpdateUser(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if !s.parseForm(w, r) {
		return
	}
	d := &adminUserData{Form: newForm(), HasRole: map[users.Role]bool{}, InDepartment: map[int64]bool{},
		Active: r.PostForm.Has("active"), Available: r.PostForm.Has("available")}
	roles := []users.Role{}
	for _, v := range r.PostForm["roles"] {
		roles = append(roles, users.Role(v))
		d.HasRole[users.Role(v)] = true
	}
	deps := []int64{}
	for _, v := range r.PostForm["departments"] {
		// An id that does not parse becomes one that cannot exist, which the domain refuses.
		did, err := strconv.ParseInt(v, 10, 64)
		if err != nil || did <= 0 {
			did = -1
		}
		deps = append(deps, did)
		d.InDepartment[did] = true
	}
	_, err := s.Accounts.UpdateUser(r.Context(), u, id, users.UserPatch{Roles: &roles, DepartmentIDs: &deps, Active: &d.Active, Available: &d.Available})
	if err == nil {
		s.setNotice(r.Context(), "account.saved")
		http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
		return
	}
	if apperr.CodeOf(err) != apperr.Invalid {
		s.fail(w, r, err)
		return
	}
	status, _ := fill(d.Form, s.localizer(r), err)
	acct, aerr := s.adminAccount(r.Context(), u, id)
	if aerr != nil {
		s.fail(w, r, aerr)
		return
	}
	s.renderAdminUser(w, keepOnSwitch(r, userFormID, "/admin/users/"+strconv.FormatInt(id, 10), d.Form), status, acct, d)
}

// userFormID is the account form's element id: the language switch carries it over.
const userFormID = "user-form"

// renderAdminUser completes d with the account and the departments to choose from.
func (s *Server) renderAdminUser(w http.ResponseWriter, r *http.Request, status int, acct *users.User, d *adminUserData) {
	deps, err := s.Users.ListDepartments(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	d.Account, d.Roles, d.Departments = acct, users.Roles, deps
	d.Registered, d.LastLogin = s.stamp(&acct.CreatedAt), s.stamp(acct.LastLoginAt)
	s.render(w, r, status, "admin_user", "admin.user.title", d)
}
