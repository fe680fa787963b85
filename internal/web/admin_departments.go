package web

import (
	"net/http"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// adminDepartmentsData is the departments page: each department with its own edit
// form, and the form that adds one.
type adminDepartmentsData struct {
	Notice string
	Rows   []departmentRow
	Create *form
	// TelegramOn shows the Telegram group of each department (the bot is on);
	// codeFor's row shows code, made by this request (admin_departments_telegram.go).
	TelegramOn        bool
	codeFor           int64
	code, codeExpires string
}

// departmentRow is a department with its edit form; Open unfolds the form, after a
// refused change or deletion, so its message is seen.
type departmentRow struct {
	users.Department
	Form *form
	Open bool
	// Telegram is the department's group chat, nil when the bot is off.
	Telegram *departmentTelegram
}

// adminDepartments lists the departments for an administrator.
func (s *Server) adminDepartments(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if _, err := s.Accounts.AdminDepartments(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	// A refused form carried over by the language switch comes back filled in.
	d := &adminDepartmentsData{Notice: s.popNotice(r)}
	var failedID int64
	id, failed := s.takeFormDraft(r)
	switch {
	case failed == nil:
	case id == departmentFormID(0):
		d.Create, failed = failed, nil
	default:
		failedID = parseID(strings.TrimSuffix(strings.TrimPrefix(id, "dept-"), "-form"))
		if departmentFormID(failedID) != id {
			failed = nil
		}
	}
	s.renderDepartments(w, r, http.StatusOK, d, failedID, failed)
}

// departmentFormID is the element id of a department's edit form, or of the add
// form (0): the language switch carries a refused one over.
func departmentFormID(id int64) string {
	if id == 0 {
		return "dept-new-form"
	}
	return "dept-" + itoa(id) + "-form"
}

// renderDepartments renders the page; the row of department failedID (if any) gets
// failed as its form instead of the stored values.
func (s *Server) renderDepartments(w http.ResponseWriter, r *http.Request, status int, d *adminDepartmentsData, failedID int64, failed *form) {
	deps, err := s.Users.ListDepartments(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	for _, dep := range deps {
		row := departmentRow{Department: dep}
		if dep.ID == failedID && failed != nil {
			row.Form, row.Open = failed, true
		} else {
			row.Form = departmentForm(dep)
		}
		d.Rows = append(d.Rows, row)
	}
	if d.Create == nil {
		d.Create = newForm()
	}
	if err := s.telegramRows(r, s.currentUser(r), d); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "admin_departments", "admin.departments.title", d)
}

func departmentForm(d users.Department) *form {
	f := newForm()
	f.Values["name_ru"], f.Values["name_en"] = d.NameRU, d.NameEN
	return f
}

// departmentInput reads a posted department into the domain's input and a form
// to refill. The page offers one way to give a department a Telegram group: the
// one-time /link code. The hand-typed chat id of before (kept in the API and as
// a delivery fallback) is neither shown as a field nor taken from the form.
func departmentInput(r *http.Request) (users.DepartmentInput, *form) {
	in := users.DepartmentInput{Code: r.PostForm.Get("code"), NameEN: r.PostForm.Get("name_en"), NameRU: r.PostForm.Get("name_ru")}
	f := newForm()
	f.Values["code"], f.Values["name_en"], f.Values["name_ru"] = in.Code, in.NameEN, in.NameRU
	return in, f
}

// adminCreateDepartment adds a department.
func (s *Server) adminCreateDepartment(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	in, f := departmentInput(r)
	if _, err := s.Accounts.CreateDepartment(r.Context(), u, in); err != nil {
		if !shownOnForm(err) {
			s.fail(w, r, err)
			return
		}
		status, _ := fill(f, s.localizer(r), err)
		r = keepOnSwitch(r, departmentFormID(0), "/admin/departments", f)
		s.renderDepartments(w, r, status, &adminDepartmentsData{Create: f}, 0, nil)
		return
	}
	s.setNotice(r.Context(), "admin.departments.created")
	http.Redirect(w, r, "/admin/departments", http.StatusSeeOther)
}

// adminUpdateDepartment renames a department; the code and any chat id stay.
func (s *Server) adminUpdateDepartment(w http.ResponseWriter, r *http.Request) {
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
	in, f := departmentInput(r)
	// A rename keeps a chat id set earlier (through the API or the old field).
	cur, err := s.Accounts.Department(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	in.TelegramChatID = cur.TelegramChatID
	if _, err := s.Accounts.UpdateDepartment(r.Context(), u, id, in); err != nil {
		if !shownOnForm(err) {
			s.fail(w, r, err)
			return
		}
		status, _ := fill(f, s.localizer(r), err)
		r = keepOnSwitch(r, departmentFormID(id), "/admin/departments", f)
		s.renderDepartments(w, r, status, &adminDepartmentsData{}, id, f)
		return
	}
	s.setNotice(r.Context(), "admin.departments.saved")
	http.Redirect(w, r, "/admin/departments", http.StatusSeeOther)
}

// adminDeleteDepartment deletes a department nobody belongs to; for one in use the
// page shows the domain's reason on that department.
func (s *Server) adminDeleteDepartment(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err := s.Accounts.DeleteDepartment(r.Context(), u, id); err != nil {
		if !shownOnForm(err) {
			s.fail(w, r, err)
			return
		}
		dep, derr := s.Accounts.Department(r.Context(), u, id)
		if derr != nil {
			s.fail(w, r, derr)
			return
		}
		f := departmentForm(dep)
		status, _ := fill(f, s.localizer(r), err)
		r = keepOnSwitch(r, departmentFormID(id), "/admin/departments", f)
		s.renderDepartments(w, r, status, &adminDepartmentsData{}, id, f)
		return
	}
	s.setNotice(r.Context(), "admin.departments.deleted")
	http.Redirect(w, r, "/admin/departments", http.StatusSeeOther)
}

// shownOnForm reports whether err is a refusal the page explains next to the form
// (bad input, a conflict such as a taken code or a department in use); the others
// (forbidden, not found, internal) get their own page.
func shownOnForm(err error) bool {
	c := apperr.CodeOf(err)
	return c == apperr.Invalid || c == apperr.Conflict
}
