package web

import (
	"net/http"
	"slices"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/users"
)

// offersPageData is a service type's page: the problems it offers, in the order
// the device page shows them, each with its self-help text for this type.
type offersPageData struct {
	Notice              string
	TypeID              int64
	TypeName, ClassName string
	Rows                []offerRow
	// Add is the form that offers one more problem, from Available.
	Add       *form
	Available []option
}

// offerRow is one offered problem with its self-help form; Open unfolds it after
// a refused change.
type offerRow struct {
	ProblemID   int64
	Name        string
	Form        *form
	Open        bool
	First, Last bool
}

// catalogueType shows what a service type offers (admins).
func (s *Server) catalogueType(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	// A refused form carried over by the language switch opens filled in.
	var failedID int64
	fid, failed := s.takeFormDraft(r)
	if failed != nil {
		failedID = parseID(strings.TrimSuffix(strings.TrimPrefix(fid, "offer-"), "-form"))
		if offerFormID(failedID) != fid {
			failed = nil
		}
	}
	s.renderOffers(w, r, u, http.StatusOK, id, &offersPageData{Notice: s.popNotice(r)}, failedID, failed)
}

// offerFormID is the element id of an offered problem's self-help form, or of
// the add form (0): the language switch carries a refused one over.
func offerFormID(problemID int64) string {
	if problemID == 0 {
		return "offer-new-form"
	}
	return "offer-" + itoa(problemID) + "-form"
}

// renderOffers renders the page; the row of problem failedID (the add form when
// the id is 0) gets failed as its form.
func (s *Server) renderOffers(w http.ResponseWriter, r *http.Request, u *users.User, status int, typeID int64, d *offersPageData, failedID int64, failed *form) {
	t, err := s.Assets.AdminType(r.Context(), u, typeID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cat, err := s.Assets.AdminCatalogue(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localizer(r)
	d.TypeID, d.TypeName = t.ID, loc.Name(t.EN, t.RU)
	for _, c := range cat.Classes {
		if c.ID == t.ClassID {
			d.ClassName = loc.Name(c.EN, c.RU)
		}
	}
	offered := map[int64]bool{}
	for i, o := range t.Problems {
		offered[o.ID] = true
		row := offerRow{ProblemID: o.ID, Name: loc.Name(o.EN, o.RU), First: i == 0, Last: i == len(t.Problems)-1}
		if failed != nil && failedID == o.ID {
			row.Form, row.Open = failed, true
		} else {
			row.Form = newForm()
			row.Form.Values["self_help_en"], row.Form.Values["self_help_ru"] = o.SelfHelp.EN, o.SelfHelp.RU
		}
		d.Rows = append(d.Rows, row)
	}
	d.Add = newForm()
	if failed != nil && failedID == 0 {
		d.Add = failed
	}
	for _, p := range cat.Problems {
		if !offered[p.ID] {
			v := itoa(p.ID)
			d.Available = append(d.Available, option{Value: v, Label: loc.Name(p.EN, p.RU), Selected: v == d.Add.Get("problem_id")})
		}
	}
	s.render(w, r, status, "catalogue_type", "assets.offers.title", d)
}

// catalogueOffers handles the posts that change what a type offers: add one,
// save one's self-help, move one up or down, remove one. Each reads the current
// list, changes it and stores it whole through SetOffers.
func (s *Server) catalogueOffers(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := s.requireUser(w, r)
		if u == nil {
			return
		}
		typeID, ok := pathID(r)
		if !ok {
			s.errorPage(w, r, http.StatusNotFound)
			return
		}
		if !s.parseForm(w, r) {
			return
		}
		t, err := s.Assets.AdminType(r.Context(), u, typeID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		offers := make([]assets.OfferInput, len(t.Problems))
		for i, o := range t.Problems {
			offers[i] = assets.OfferInput{ProblemID: o.ID, SelfHelp: o.SelfHelp}
		}
		f := newForm()
		for _, k := range []string{"problem_id", "self_help_en", "self_help_ru"} {
			f.Values[k] = r.PostForm.Get(k)
		}
		help := assets.Names{EN: f.Values["self_help_en"], RU: f.Values["self_help_ru"]}
		problemID := parseID(r.PathValue("problem"))
		at := slices.IndexFunc(offers, func(o assets.OfferInput) bool { return o.ProblemID == problemID })
		notice := "assets.offers.saved"
		switch action {
		case "add":
			problemID = 0 // a refusal belongs to the add form
			offers = append(offers, assets.OfferInput{ProblemID: parseID(f.Values["problem_id"]), SelfHelp: help})
			notice = "assets.offers.added"
		case "save", "move", "remove":
			if at < 0 {
				s.errorPage(w, r, http.StatusNotFound)
				return
			}
			if action != "save" {
				f.Values["self_help_en"], f.Values["self_help_ru"] = offers[at].SelfHelp.EN, offers[at].SelfHelp.RU
			}
			switch action {
			case "save":
				offers[at].SelfHelp = help
			case "move":
				to := at - 1
				if r.PostForm.Get("dir") == "down" {
					to = at + 1
				}
				if to >= 0 && to < len(offers) {
					offers[at], offers[to] = offers[to], offers[at]
				}
			case "remove":
				offers = slices.Delete(offers, at, at+1)
				notice = "assets.offers.removed"
			}
		}
		if _, err := s.Assets.SetOffers(r.Context(), u, typeID, offers); err != nil {
			if !shownOnForm(err) {
				s.fail(w, r, err)
				return
			}
			status, _ := fill(f, s.localizer(r), err)
			// The domain names the list's entries (problem_types[i]); the page shows
			// the message on the form that was sent.
			if e := apperr.As(err); e != nil && len(e.Fields) > 0 {
				f.fail(s.localizer(r), "", e.Fields[0].Key, e.Fields[0].Args...)
			}
			r = keepOnSwitch(r, offerFormID(problemID), "/catalogue/types/"+itoa(typeID), f)
			s.renderOffers(w, r, u, status, typeID, &offersPageData{}, problemID, f)
			return
		}
		s.setNotice(r.Context(), notice)
		http.Redirect(w, r, "/catalogue/types/"+itoa(typeID), http.StatusSeeOther)
	}
}
