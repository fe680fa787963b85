package web

import (
	"context"
	"net/http"

	"smartservice/internal/assets"
	"smartservice/internal/users"
)

// catalogueInput is a posted class, type or problem type: its names, and for a
// type its class.
type catalogueInput struct {
	names   assets.Names
	classID int64
}

func readCatalogueInput(r *http.Request) (catalogueInput, *form) {
	f := newForm()
	for _, k := range []string{"name_en", "name_ru", "service_class_id"} {
		f.Values[k] = r.PostForm.Get(k)
	}
	return catalogueInput{names: assets.Names{EN: f.Values["name_en"], RU: f.Values["name_ru"]}, classID: parseID(f.Values["service_class_id"])}, f
}

// catalogueCreate adds a class, type or problem type (kind).
func (s *Server) catalogueCreate(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := s.requireUser(w, r)
		if u == nil || !s.parseForm(w, r) {
			return
		}
		in, f := readCatalogueInput(r)
		var err error
		ctx := r.Context()
		switch kind {
		case kindClass:
			_, err = s.Assets.CreateClass(ctx, u, in.names)
		case kindType:
			_, err = s.Assets.CreateType(ctx, u, assets.TypeInput{ClassID: in.classID, Names: in.names})
		case kindProblem:
			_, err = s.Assets.CreateProblem(ctx, u, in.names)
		}
		s.catalogueDone(w, r, u, err, kind, 0, f, "assets.catalogue.created")
	}
}

// catalogueUpdate renames a class, type or problem type (kind), or moves a type
// to another class.
func (s *Server) catalogueUpdate(kind string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
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
		in, f := readCatalogueInput(r)
		var err error
		ctx := r.Context()
		switch kind {
		case kindClass:
			_, err = s.Assets.UpdateClass(ctx, u, id, in.names)
		case kindType:
			_, err = s.Assets.UpdateType(ctx, u, id, assets.TypeInput{ClassID: in.classID, Names: in.names})
		case kindProblem:
			_, err = s.Assets.UpdateProblem(ctx, u, id, in.names)
		}
		s.catalogueDone(w, r, u, err, kind, id, f, "assets.catalogue.saved")
	}
}

// catalogueDelete deletes a class, type or problem type (kind) nothing refers
// to; for one in use the page shows the domain's reason on its row.
func (s *Server) catalogueDelete(kind string) http.HandlerFunc {
	del := map[string]func(context.Context, *users.User, int64) error{
		kindClass: s.Assets.DeleteClass, kindType: s.Assets.DeleteType, kindProblem: s.Assets.DeleteProblem}[kind]
	return func(w http.ResponseWriter, r *http.Request) {
		u := s.requireUser(w, r)
		if u == nil {
			return
		}
		id, ok := pathID(r)
		if !ok {
			s.errorPage(w, r, http.StatusNotFound)
			return
		}
		err := del(r.Context(), u, id)
		var f *form
		if err != nil && shownOnForm(err) {
			f, err = s.storedCatalogueForm(r, u, kind, id, err)
		}
		s.catalogueDone(w, r, u, err, kind, id, f, "assets.catalogue.deleted")
	}
}

// storedCatalogueForm is the edit form of a stored entry, for showing why its
// deletion was refused; err is returned unless reading the entry failed.
func (s *Server) storedCatalogueForm(r *http.Request, u *users.User, kind string, id int64, refusal error) (*form, error) {
	cat, err := s.Assets.AdminCatalogue(r.Context(), u)
	if err != nil {
		return nil, err
	}
	f := newForm()
	set := func(n assets.Names) { f.Values["name_en"], f.Values["name_ru"] = n.EN, n.RU }
	switch kind {
	case kindClass:
		for _, c := range cat.Classes {
			if c.ID == id {
				set(c.Names)
			}
		}
	case kindType:
		for _, t := range cat.Types {
			if t.ID == id {
				set(t.Names)
				f.Values["service_class_id"] = itoa(t.ClassID)
			}
		}
	case kindProblem:
		for _, p := range cat.Problems {
			if p.ID == id {
				set(p.Names)
			}
		}
	}
	return f, refusal
}

// catalogueDone finishes a catalogue post: back to the page with a notice, or the
// page again with the refusal on the form it concerns, or the error's own page.
func (s *Server) catalogueDone(w http.ResponseWriter, r *http.Request, u *users.User, err error, kind string, id int64, f *form, notice string) {
	if err == nil {
		s.setNotice(r.Context(), notice)
		http.Redirect(w, r, "/catalogue#"+kind, http.StatusSeeOther)
		return
	}
	if !shownOnForm(err) || f == nil {
		s.fail(w, r, err)
		return
	}
	status, _ := fill(f, s.localizer(r), err)
	r = keepOnSwitch(r, catalogueFormID(kind, id), "/catalogue", f)
	s.renderCatalogue(w, r, u, status, &cataloguePageData{failedKind: kind, failedID: id, failed: f})
}

// catalogueFormID is the element id of an entry's edit form, or of its kind's
// add form (id 0): the language switch carries a refused one over.
func catalogueFormID(kind string, id int64) string {
	if id == 0 {
		return "cat-" + kind + "-new-form"
	}
	return "cat-" + kind + "-" + itoa(id) + "-form"
}
