package api

import (
	"fmt"
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
)

// listClasses answers GET /api/v1/service-classes: every class, by id, a page at a
// time. Anyone logged in may read the catalogue.
func (a *API) listClasses(w http.ResponseWriter, r *http.Request, _ *caller) {
	var f apperr.Fields
	limit, after := pageAfterID(r, "service-classes", &f)
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	all, err := a.Assets.Classes(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page, last := pageOf(all, func(c assets.Class) int64 { return c.ID }, limit, after)
	loc := a.localizer(r)
	items := make([]classView, len(page))
	for i, c := range page {
		items[i] = namesView(loc, c.ID, c.Names)
	}
	a.writeJSON(w, http.StatusOK, newList(items, limit, "service-classes", last))
}

// findClass returns the class with id, or NotFound.
func (a *API) findClass(r *http.Request, id int64) (*assets.Class, error) {
	all, err := a.Assets.Classes(r.Context())
	if err != nil {
		return nil, err
	}
	for _, c := range all {
		if c.ID == id {
			return &c, nil
		}
	}
	return nil, apperr.New(apperr.NotFound, "error.not_found")
}

// class answers GET /api/v1/service-classes/{id}.
func (a *API) class(w http.ResponseWriter, r *http.Request, _ *caller) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	c, err := a.findClass(r, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, namesView(a.localizer(r), c.ID, c.Names))
}

// createClass answers POST /api/v1/service-classes (admin) with 201 and the class.
func (a *API) createClass(w http.ResponseWriter, r *http.Request, c *caller) {
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
	cl, err := a.Assets.CreateClass(r.Context(), c.user, n)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/service-classes/%d", cl.ID))
	a.writeJSON(w, http.StatusCreated, namesView(loc, cl.ID, cl.Names))
}

// updateClass answers PATCH /api/v1/service-classes/{id} (admin): a rename.
func (a *API) updateClass(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	var in namesInput
	if !a.decode(w, r, &in) {
		return
	}
	cur, err := a.findClass(r, id)
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
	cl, err := a.Assets.UpdateClass(r.Context(), c.user, id, n)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, namesView(loc, cl.ID, cl.Names))
}

// deleteClass answers DELETE /api/v1/service-classes/{id} (admin): 204, or 409
// while a service type belongs to it.
func (a *API) deleteClass(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	if err := a.Assets.DeleteClass(r.Context(), c.user, id); err != nil {
		a.fail(w, r, err)
		return
	}
	a.noContent(w)
}
