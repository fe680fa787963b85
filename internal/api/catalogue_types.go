package api

import (
	"fmt"
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
)

// typeInput is a service type as a client creates it; its offered problem types
// are set with PUT …/{id}/problem-types.
type typeInput struct {
	namesInput
	ServiceClassID int64 `json:"service_class_id"`
}

// typePatch changes the fields it names.
type typePatch struct {
	namesInput
	ServiceClassID *int64 `json:"service_class_id"`
}

// classesByID reads the classes, to name a type's class.
func (a *API) classesByID(r *http.Request) (map[int64]assets.Class, error) {
	all, err := a.Assets.Classes(r.Context())
	if err != nil {
		return nil, err
	}
	m := make(map[int64]assets.Class, len(all))
	for _, c := range all {
		m[c.ID] = c
	}
	return m, nil
}

// writeType answers status with t as the API shows it.
func (a *API) writeType(w http.ResponseWriter, r *http.Request, status int, t *assets.Type) {
	classes, err := a.classesByID(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var class *assets.Class
	if c, ok := classes[t.ClassID]; ok {
		class = &c
	}
	a.writeJSON(w, status, typeViewOf(a.localizer(r), t, class))
}

// listTypes answers GET /api/v1/service-types: the types by id, of one class with
// ?service_class_id=, each with its offered problem types in order.
func (a *API) listTypes(w http.ResponseWriter, r *http.Request, _ *caller) {
	var f apperr.Fields
	limit, after := pageAfterID(r, "service-types", &f)
	classID := queryID(r, "service_class_id", &f)
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	all, err := a.Assets.Types(r.Context(), classID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	classes, err := a.classesByID(r)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	page, last := pageOf(all, func(t assets.Type) int64 { return t.ID }, limit, after)
	loc := a.localizer(r)
	items := make([]typeView, 0, len(page))
	for _, t := range page {
		full, err := a.Assets.TypeWithProblems(r.Context(), t.ID)
		if apperr.CodeOf(err) == apperr.NotFound {
			continue // deleted meanwhile
		}
		if err != nil {
			a.fail(w, r, err)
			return
		}
		var class *assets.Class
		if c, ok := classes[full.ClassID]; ok {
			class = &c
		}
		items = append(items, typeViewOf(loc, full, class))
	}
	a.writeJSON(w, http.StatusOK, newList(items, limit, "service-types", last))
}

// serviceType answers GET /api/v1/service-types/{id}.
func (a *API) serviceType(w http.ResponseWriter, r *http.Request, _ *caller) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	t, err := a.Assets.TypeWithProblems(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeType(w, r, http.StatusOK, t)
}

// createType answers POST /api/v1/service-types (admin) with 201 and the type,
// which offers nothing yet.
func (a *API) createType(w http.ResponseWriter, r *http.Request, c *caller) {
	var in typeInput
	if !a.decode(w, r, &in) {
		return
	}
	var f apperr.Fields
	n := in.apply(assets.Names{}, a.localizer(r).Lang(), &f)
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	t, err := a.Assets.CreateType(r.Context(), c.user, assets.TypeInput{ClassID: in.ServiceClassID, Names: n})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/service-types/%d", t.ID))
	a.writeType(w, r, http.StatusCreated, t)
}

// updateType answers PATCH /api/v1/service-types/{id} (admin): a rename or a move
// to another class.
func (a *API) updateType(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	var p typePatch
	if !a.decode(w, r, &p) {
		return
	}
	cur, err := a.Assets.TypeWithProblems(r.Context(), id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var f apperr.Fields
	in := assets.TypeInput{ClassID: cur.ClassID, Names: p.apply(cur.Names, a.localizer(r).Lang(), &f)}
	if p.ServiceClassID != nil {
		in.ClassID = *p.ServiceClassID
	}
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	t, err := a.Assets.UpdateType(r.Context(), c.user, id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeType(w, r, http.StatusOK, t)
}

// deleteType answers DELETE /api/v1/service-types/{id} (admin): 204, or 409 while
// a device is of this type.
func (a *API) deleteType(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	if err := a.Assets.DeleteType(r.Context(), c.user, id); err != nil {
		a.fail(w, r, err)
		return
	}
	a.noContent(w)
}
