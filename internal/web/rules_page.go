package web

import (
	"net/http"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/i18n"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// rulesData is the routing rules table: read-only for executors and heads; an
// admin gets an edit form per row, an add form, the default department form, the
// starter rules when the table is empty, and "where would this go?".
type rulesData struct {
	Notice  string
	Admin   bool
	Rows    []ruleRow
	New     *ruleForm
	Default *ruleForm
	// DefaultName is the default department's name, "" when there is none.
	DefaultName string
	Where       *ruleForm
	// WhereAnswer is the answer to "where would this go?", "" before a question.
	WhereAnswer string
	// Import is the CSV import form (admins); ImportLines the refused file's
	// lines, translated.
	Import      *form
	ImportLines []string
	// failedID is the row whose refused edit is in failed (0: the add form).
	failedID int64
	failed   *form
}

// ruleRow is one rule, in the reader's language, with its edit form for admins.
type ruleRow struct {
	ID                               int64
	Class, Type, Problem, Department string
	Form                             *ruleForm
	Open                             bool
}

// ruleForm is a form with its selects' options.
type ruleForm struct {
	*form
	// Prefix makes the form's element ids unique; L translates its labels.
	Prefix                                string
	L                                     *i18n.Localizer
	Classes, Types, Problems, Departments []option
}

// ruleFieldNames maps the domain's field names to the form's.
var ruleFieldNames = map[string]string{"class_id": "service_class_id", "type_id": "service_type_id", "problem_id": "problem_type_id"}

// defaultRuleFormID is the element id of the form that sets the default
// department: the language switch carries it over when refused.
const defaultRuleFormID = "rule-default-form"

// fillRule is fill with the domain's field names renamed to the form's.
func fillRule(f *form, loc *i18n.Localizer, err error) (int, bool) {
	st, ok := fill(f, loc, err)
	for from, to := range ruleFieldNames {
		f.moveErr(from, to, false)
	}
	return st, ok
}

func (s *Server) rulesPage(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	d := &rulesData{Notice: s.popNotice(r)}
	// A form refused and then carried over by the language switch opens filled in.
	if id, f := s.takeFormDraft(r); f != nil {
		if id == defaultRuleFormID {
			d.Default = &ruleForm{form: f}
		}
		for _, rule := range []int64{0, parseID(strings.TrimSuffix(strings.TrimPrefix(id, "rule-"), "-form"))} {
			if ruleFormID(rule) == id {
				d.failedID, d.failed = rule, f
			}
		}
	}
	if s.sessions.Exists(r.Context(), sessRulesImported) {
		d.Notice = s.localizer(r).T("rulescsv.imported", "N", s.sessions.PopInt(r.Context(), sessRulesImported))
	}
	if q := r.URL.Query(); q.Has("device") || q.Has("problem_type_id") {
		s.answerWhere(r, u, d)
	}
	s.renderRules(w, r, u, http.StatusOK, d)
}

// answerWhere answers "where would this go?" for the device (an id or a QR code)
// and the problem type in the query.
func (s *Server) answerWhere(r *http.Request, u *users.User, d *rulesData) {
	loc := s.localizer(r)
	q := r.URL.Query()
	d.Where = &ruleForm{form: newForm()}
	f := d.Where.form
	f.Values["device"], f.Values["problem_type_id"] = strings.TrimSpace(q.Get("device")), q.Get("problem_type_id")
	assetID := parseID(f.Values["device"])
	if assetID == 0 && f.Values["device"] != "" {
		if v, err := s.Assets.LookupByCode(r.Context(), u, f.Values["device"]); err == nil {
			assetID = v.Asset.ID
		}
	}
	problemID := parseID(f.Values["problem_type_id"])
	if assetID == 0 {
		f.Errors["device"] = loc.T("rulespage.where_no_device")
	}
	if problemID == 0 {
		f.Errors["problem_type_id"] = loc.T("rulespage.where_no_problem")
	}
	if len(f.Errors) > 0 {
		return
	}
	route, err := s.Rules.ResolveFor(r.Context(), u, assetID, problemID)
	if apperr.CodeOf(err) == apperr.NotFound {
		f.Errors["device"] = loc.T("rulespage.where_no_device")
		return
	}
	if err != nil {
		fill(f, loc, err)
		return
	}
	switch {
	case route.Unrouted:
		d.WhereAnswer = loc.T("rulespage.where_unrouted")
	case route.Default:
		d.WhereAnswer = loc.T("rulespage.where_default", "Department", loc.Name(route.DepartmentEN, route.DepartmentRU))
	default:
		rule, err := s.Rules.Rule(r.Context(), u, route.RuleID)
		if err != nil {
			fill(f, loc, err)
			return
		}
		row := s.ruleRow(loc, rule)
		d.WhereAnswer = loc.T("rulespage.where_rule", "Department", row.Department,
			"Rule", row.Class+" · "+row.Type+" · "+row.Problem)
	}
}

func (s *Server) ruleRow(loc *i18n.Localizer, rule tickets.Rule) ruleRow {
	name := func(id int64, n assets.Names) string {
		if id == 0 {
			return loc.T("rulespage.any")
		}
		return loc.Name(n.EN, n.RU)
	}
	return ruleRow{ID: rule.ID, Class: name(rule.ClassID, rule.Class), Type: name(rule.TypeID, rule.Type),
		Problem: name(rule.ProblemID, rule.Problem), Department: loc.Name(rule.Department.EN, rule.Department.RU)}
}

// renderRules renders the page; d's failed form stands in for the stored values.
func (s *Server) renderRules(w http.ResponseWriter, r *http.Request, u *users.User, status int, d *rulesData) {
	ctx := r.Context()
	rules, err := s.Rules.List(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localizer(r)
	d.Admin = u.IsAdmin()
	if d.Admin && d.Import == nil {
		d.Import = newForm()
	}
	var build func(f *form) *ruleForm
	if d.Admin {
		cat, err := s.Assets.AdminCatalogue(ctx, u)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		deps, err := s.Accounts.AdminDepartments(ctx, u)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		classNames := map[int64]string{}
		for _, c := range cat.Classes {
			classNames[c.ID] = loc.Name(c.EN, c.RU)
		}
		build = func(f *form) *ruleForm {
			rf := &ruleForm{form: f, L: loc}
			for _, c := range cat.Classes {
				v := itoa(c.ID)
				rf.Classes = append(rf.Classes, option{Value: v, Label: classNames[c.ID], Selected: v == f.Get("service_class_id")})
			}
			for _, t := range cat.Types {
				v := itoa(t.ID)
				rf.Types = append(rf.Types, option{Value: v, Label: classNames[t.ClassID] + " · " + loc.Name(t.EN, t.RU), Selected: v == f.Get("service_type_id")})
			}
			for _, p := range cat.Problems {
				v := itoa(p.ID)
				rf.Problems = append(rf.Problems, option{Value: v, Label: loc.Name(p.EN, p.RU), Selected: v == f.Get("problem_type_id")})
			}
			for _, dep := range deps {
				v := itoa(dep.ID)
				rf.Departments = append(rf.Departments, option{Value: v, Label: loc.Name(dep.NameEN, dep.NameRU), Selected: v == f.Get("department_id")})
			}
			return rf
		}
		def, err := s.Rules.DefaultDepartment(ctx)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		df := newForm()
		if d.Default != nil {
			df = d.Default.form
		} else if def != 0 {
			df.Values["department_id"] = itoa(def)
		}
		d.Default = build(df)
		for _, o := range d.Default.Departments {
			if o.Value == itoa(def) {
				d.DefaultName = o.Label
			}
		}
		if d.Where == nil {
			d.Where = &ruleForm{form: newForm()}
		}
		d.Where.Problems = build(d.Where.form).Problems
		nf := newForm()
		if d.failedID == 0 && d.failed != nil {
			nf = d.failed
		}
		d.New = build(nf)
		d.New.Prefix = "rule-new"
	}
	for _, rule := range rules {
		row := s.ruleRow(loc, rule)
		if d.Admin {
			f := newForm()
			if d.failedID == rule.ID && d.failed != nil {
				f, row.Open = d.failed, true
			} else {
				for k, id := range map[string]int64{"service_class_id": rule.ClassID, "service_type_id": rule.TypeID, "problem_type_id": rule.ProblemID, "department_id": rule.DepartmentID} {
					if id != 0 {
						f.Values[k] = itoa(id)
					}
				}
			}
			row.Form = build(f)
			row.Form.Prefix = "rule-" + itoa(rule.ID)
		}
		d.Rows = append(d.Rows, row)
	}
	s.render(w, r, status, "rules", "rulespage.title", d)
}
