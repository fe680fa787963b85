package web

import (
	"net/http"
	"strings"

	"smartservice/internal/assets"
	"smartservice/internal/users"
)

// cataloguePageData is the catalogue's admin page: service classes, service
// types (each with its class and a link to the problems it offers) and the shared
// vocabulary of problem types, each row with its edit form, and a form per kind
// that adds one.
type cataloguePageData struct {
	Notice string
	// Empty offers the starter catalogue: nothing is in the catalogue yet.
	Empty    bool
	Sections []catalogueSection
	// failed is a refused post's form: the create form of failedKind when
	// failedID is 0, else that row's.
	failedKind string
	failedID   int64
	failed     *form
}

// catalogueSection is one kind of entry: its rows and its create form.
type catalogueSection struct {
	Kind string
	Rows []catalogueRow
	New  *form
	// WithClass is set for types, whose forms choose a class from NewClasses.
	WithClass  bool
	NewClasses []option
}

// catalogueRow is a class, type or problem type with its edit form; Open unfolds
// the form, after a refused change or deletion, so its message is seen.
type catalogueRow struct {
	ID                   int64
	Anchor, Name, Detail string
	// Href leads to a type's offered problems.
	Href         string
	Form         *form
	Open         bool
	ClassOptions []option
}

// The kinds of catalogue entries, as they appear in paths and anchors.
const (
	kindClass   = "classes"
	kindType    = "types"
	kindProblem = "problems"
)

// cataloguePage shows the catalogue to an administrator.
func (s *Server) cataloguePage(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	d := &cataloguePageData{Notice: s.popNotice(r)}
	// A refused form carried over by the language switch opens filled in, on its row.
	if id, f := s.takeFormDraft(r); f != nil {
		for _, kind := range []string{kindClass, kindType, kindProblem} {
			if rest, ok := strings.CutPrefix(id, "cat-"+kind+"-"); ok {
				n := parseID(strings.TrimSuffix(rest, "-form"))
				if catalogueFormID(kind, n) == id {
					d.failedKind, d.failedID, d.failed = kind, n, f
				}
			}
		}
	}
	s.renderCatalogue(w, r, u, http.StatusOK, d)
}

// renderCatalogue renders the page, with d's failed form in place of the stored values.
func (s *Server) renderCatalogue(w http.ResponseWriter, r *http.Request, u *users.User, status int, d *cataloguePageData) {
	cat, err := s.Assets.AdminCatalogue(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localizer(r)
	formFor := func(kind string, id int64, n assets.Names) (*form, bool) {
		if kind == d.failedKind && id == d.failedID && d.failed != nil {
			return d.failed, true
		}
		f := newForm()
		f.Values["name_en"], f.Values["name_ru"] = n.EN, n.RU
		return f, false
	}
	row := func(kind string, id int64, n assets.Names) catalogueRow {
		cr := catalogueRow{ID: id, Anchor: kind + "-" + itoa(id), Name: loc.Name(n.EN, n.RU)}
		cr.Form, cr.Open = formFor(kind, id, n)
		return cr
	}
	classOptions := func(selected string) []option {
		var out []option
		for _, c := range cat.Classes {
			v := itoa(c.ID)
			out = append(out, option{Value: v, Label: loc.Name(c.EN, c.RU), Selected: v == selected})
		}
		return out
	}
	classes := catalogueSection{Kind: kindClass}
	types := catalogueSection{Kind: kindType, WithClass: true}
	problems := catalogueSection{Kind: kindProblem}
	classNames := map[int64]string{}
	typesPerClass := map[int64]int{}
	for _, t := range cat.Types {
		typesPerClass[t.ClassID]++
	}
	for _, c := range cat.Classes {
		classNames[c.ID] = loc.Name(c.EN, c.RU)
		cr := row(kindClass, c.ID, c.Names)
		cr.Detail = loc.T("assets.catalogue.types_count", "Count", typesPerClass[c.ID])
		classes.Rows = append(classes.Rows, cr)
	}
	for _, t := range cat.Types {
		cr := row(kindType, t.ID, t.Names)
		if !cr.Open {
			cr.Form.Values["service_class_id"] = itoa(t.ClassID)
		}
		cr.Detail, cr.Href = classNames[t.ClassID], "/catalogue/types/"+itoa(t.ID)
		cr.ClassOptions = classOptions(cr.Form.Get("service_class_id"))
		types.Rows = append(types.Rows, cr)
	}
	for _, p := range cat.Problems {
		problems.Rows = append(problems.Rows, row(kindProblem, p.ID, p.Names))
	}
	for _, sec := range []*catalogueSection{&classes, &types, &problems} {
		sec.New, _ = formFor(sec.Kind, 0, assets.Names{})
	}
	types.NewClasses = classOptions(types.New.Get("service_class_id"))
	d.Sections = []catalogueSection{classes, types, problems}
	d.Empty = len(cat.Classes) == 0 && len(cat.Types) == 0 && len(cat.Problems) == 0
	s.render(w, r, status, "catalogue", "assets.catalogue.title", d)
}
