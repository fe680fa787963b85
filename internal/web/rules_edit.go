package web

import (
	"net/http"

	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

func readRuleInput(r *http.Request) (tickets.RuleInput, *form) {
	f := newForm()
	for _, k := range []string{"service_class_id", "service_type_id", "problem_type_id", "department_id"} {
		f.Values[k] = r.PostForm.Get(k)
	}
	return tickets.RuleInput{ClassID: parseID(f.Values["service_class_id"]), TypeID: parseID(f.Values["service_type_id"]),
		ProblemID: parseID(f.Values["problem_type_id"]), DepartmentID: parseID(f.Values["department_id"])}, f
}

// rulesCreate adds a rule (admin).
func (s *Server) rulesCreate(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	in, f := readRuleInput(r)
	_, err := s.Rules.Create(r.Context(), u, in)
	s.rulesDone(w, r, u, err, 0, f, "rulespage.created")
}

// rulesUpdate changes a rule (admin).
func (s *Server) rulesUpdate(w http.ResponseWriter, r *http.Request) {
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
	in, f := readRuleInput(r)
	_, err := s.Rules.Update(r.Context(), u, id, in)
	s.rulesDone(w, r, u, err, id, f, "rulespage.saved")
}

// rulesDelete removes a rule (admin).
func (s *Server) rulesDelete(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	if err := s.Rules.Delete(r.Context(), u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setNotice(r.Context(), "rulespage.deleted")
	http.Redirect(w, r, "/rules", http.StatusSeeOther)
}

// rulesDefault sets or clears the default department (admin).
func (s *Server) rulesDefault(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil || !s.parseForm(w, r) {
		return
	}
	f := newForm()
	f.Values["department_id"] = r.PostForm.Get("department_id")
	err := s.Rules.SetDefaultDepartment(r.Context(), u, parseID(f.Values["department_id"]))
	if err == nil {
		s.setNotice(r.Context(), "rulespage.default_saved")
		http.Redirect(w, r, "/rules", http.StatusSeeOther)
		return
	}
	status, ok := fill(f, s.localizer(r), err)
	if !ok || !shownOnForm(err) {
		s.fail(w, r, err)
		return
	}
	s.renderRules(w, keepOnSwitch(r, defaultRuleFormID, "/rules", f), u, status, &rulesData{Default: &ruleForm{form: f}})
}

// rulesStarter loads the starter rules into an empty table (admin).
func (s *Server) rulesStarter(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if _, err := s.Rules.LoadStarterRules(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.setNotice(r.Context(), "rulespage.starter_loaded")
	http.Redirect(w, r, "/rules", http.StatusSeeOther)
}

// rulesDone finishes an add or edit: back to the table with a notice, or the table
// again with the refusal on its form, or the error's own page.
func (s *Server) rulesDone(w http.ResponseWriter, r *http.Request, u *users.User, err error, id int64, f *form, notice string) {
	if err == nil {
		s.setNotice(r.Context(), notice)
		http.Redirect(w, r, "/rules", http.StatusSeeOther)
		return
	}
	status, ok := fillRule(f, s.localizer(r), err)
	if !ok || !shownOnForm(err) {
		s.fail(w, r, err)
		return
	}
	s.renderRules(w, keepOnSwitch(r, ruleFormID(id), "/rules", f), u, status, &rulesData{failedID: id, failed: f})
}

// ruleFormID is the element id of a rule's edit form, or of the add form (0).
func ruleFormID(id int64) string {
	if id == 0 {
		return "rule-new-form"
	}
	return "rule-" + itoa(id) + "-form"
}
