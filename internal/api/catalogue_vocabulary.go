package api

import (
	"fmt"
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
)

// The service classes and the problem types are both flat lists of two-language
// names (assets.Vocabulary): the same five handlers serve both collections.

// vocabulary is one of the catalogue's vocabularies as the API serves it.
type vocabulary struct {
	terms assets.Vocabulary
	// collection is the path segment under /api/v1/, which also names the list's
	// cursors: "service-classes", "problem-types".
	collection string
}

var (
	classesVocabulary  = vocabulary{assets.ClassVocabulary, "service-classes"}
	problemsVocabulary = vocabulary{assets.ProblemVocabulary, "problem-types"}
)

// listTerms answers GET /api/v1/{collection}: every entry, by id, a page at a time.
// Anyone logged in may read the catalogue.
func (a *API) listTerms(v vocabulary) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, _ *caller) {
		var f apperr.Fields
		limit, after := pageAfterID(r, v.collection, &f)
		if f != nil {
			a.invalid(w, r, f)
			return
		}
		all, err := a.Assets.Terms(r.Context(), v.terms)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		page, last := pageOf(all, func(t assets.Term) int64 { return t.ID }, limit, after)
		loc := a.localizer(r)
		items := make([]termView, len(page))
		for i, t := range page {
			items[i] = namesView(loc, t.ID, t.Names)
		}
		a.writeJSON(w, http.StatusOK, newList(items, limit, v.collection, last))
	}
}

// term answers GET /api/v1/{collection}/{id}.
func (a *API) term(v vocabulary) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, _ *caller) {
		id, ok := pathID(r)
		if !ok {
			a.notFoundID(w, r)
			return
		}
		t, err := a.Assets.Term(r.Context(), v.terms, id)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		a.writeJSON(w, http.StatusOK, namesView(a.localizer(r), t.ID, t.Names))
	}
}

// createTerm answers POST /api/v1/{collection} (admin) with 201 and the entry.
func (a *API) createTerm(v vocabulary) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		var in namesInput
		if !a.decode(w, r, &in) {
			return
		}
		var f apperr.Fields
		loc := a.localizer(r)
		n := in.apply(assets.Names{}, loc.Lang(), &f)
		if f != nil {
			a.invalid(w, r, f)
			return
		}
		t, err := a.Assets.CreateTerm(r.Context(), c.user, v.terms, n)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		w.Header().Set("Location", fmt.Sprintf("/api/v1/%s/%d", v.collection, t.ID))
		a.writeJSON(w, http.StatusCreated, namesView(loc, t.ID, t.Names))
	}
}

// updateTerm answers PATCH /api/v1/{collection}/{id} (admin): a rename; absent
// names stay as they are.
func (a *API) updateTerm(v vocabulary) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		id, ok := pathID(r)
		if !ok {
			a.notFoundID(w, r)
			return
		}
		var in namesInput
		if !a.decode(w, r, &in) {
			return
		}
		cur, err := a.Assets.Term(r.Context(), v.terms, id)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		var f apperr.Fields
		loc := a.localizer(r)
		n := in.apply(cur.Names, loc.Lang(), &f)
		if f != nil {
			a.invalid(w, r, f)
			return
		}
		t, err := a.Assets.RenameTerm(r.Context(), c.user, v.terms, id, n)
		if err != nil {
			a.fail(w, r, err)
			return
		}
		a.writeJSON(w, http.StatusOK, namesView(loc, t.ID, t.Names))
	}
}

// deleteTerm answers DELETE /api/v1/{collection}/{id} (admin): 204, or 409 while
// something refers to the entry (a type belongs to the class, offers the problem).
func (a *API) deleteTerm(v vocabulary) func(http.ResponseWriter, *http.Request, *caller) {
	return func(w http.ResponseWriter, r *http.Request, c *caller) {
		id, ok := pathID(r)
		if !ok {
			a.notFoundID(w, r)
			return
		}
		if err := a.Assets.DeleteTerm(r.Context(), c.user, v.terms, id); err != nil {
			a.fail(w, r, err)
			return
		}
		a.noContent(w)
	}
}
