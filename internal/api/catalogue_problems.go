package api

import (
	"fmt"
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
)

// listProblems answers GET /api/v1/problem-types: every problem type (the shared vocabulary), by id, a page at a
// time. Anyone logged in may read the catalogue.
func (a *API) listProblems(w http.ResponseWriter, r *http.Request, _ *caller) {
	var f apperr.Fields
	limit, after := pageAfterID(r, "problem-types", &f)
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	all, err := a.Assets.Problems(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page, last := pageOf(all, func(c assets.Problem) int64 { return c.ID }, limit, after)
	loc := a.localizer(r)
	items := make([]problemTypeView, len(page))
	for i, c := range page {
		items[i] = namesView(loc, c.ID, c.Names)
	}
	a.writeJSON(w, http.StatusOK, newList(items, limit, "problem-types", last))
}

// findProblem returns the problem type with id, or NotFound.
func (a *API) findProblem(r *http.Request, id int64) (*assets.Problem, error) {
	all, err := a.Assets.Problems(r.Context())
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

// problemType answers GET /api/v1/problem-types/{id}.
func (a *API) problemType(w http.ResponseWriter, r *http.Request, _ *caller) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	c, err := a.findProblem(r, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, namesView(a.localizer(r), c.ID, c.Names))
}

// createProblem answers POST /api/v1/problem-types (admin) with 201 and the problem type.
func (a *API) createProblem(w http.ResponseWriter, r *http.Request, c *caller) {
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
	cl, err := a.Assets.CreateProblem(r.Context(), c.user, n)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/problem-types/%d", cl.ID))
	a.writeJSON(w, http.StatusCreated, namesView(loc, cl.ID, cl.Names))
}

// updateProblem answers PATCH /api/v1/problem-types/{id} (admin): a rename.
func (a *API) updateProblem(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	var in namesInput
	if !a.decode(w, r, &in) {
		return
	}
	cur, err := a.findProblem(r, id)
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
	cl, err := a.Assets.UpdateProblem(r.Context(), c.user, id, n)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, namesView(loc, cl.ID, cl.Names))
}

// deleteProblem answers DELETE /api/v1/problem-types/{id} (admin): 204, or 409
// while a service type offers it.
func (a *API) deleteProblem(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	if err := a.Assets.DeleteProblem(r.Context(), c.user, id); err != nil {
		a.fail(w, r, err)
		return
	}
	a.noContent(w)
}
