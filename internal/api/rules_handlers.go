package api

import (
	"fmt"
	"net/http"
	"strconv"

	"smartservice/internal/apperr"
)

// listRules answers GET /api/v1/routing-rules (executor, head, admin): every rule,
// most specific first, the order they are tried in. The table is small: one page.
func (a *API) listRules(w http.ResponseWriter, r *http.Request, c *caller) {
	rules, err := a.Rules.List(r.Context(), c.user)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	loc := a.localizer(r)
	items := []ruleView{}
	for _, rule := range rules {
		items = append(items, a.ruleView(loc, rule))
	}
	a.writeJSON(w, http.StatusOK, list[ruleView]{Items: items})
}

// createRule answers POST /api/v1/routing-rules (admin) with 201 and the rule; 409
// when a rule with the same three columns exists.
func (a *API) createRule(w http.ResponseWriter, r *http.Request, c *caller) {
	var in ruleInput
	if !a.decode(w, r, &in) {
		return
	}
	rule, err := a.Rules.Create(r.Context(), c.user, in.domain())
	if err != nil {
		a.fail(w, r, err, ruleFields)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/routing-rules/%d", rule.ID))
	a.writeJSON(w, http.StatusCreated, a.ruleView(a.localizer(r), rule))
}

// updateRule answers PUT /api/v1/routing-rules/{id} (admin): the rule replaced.
func (a *API) updateRule(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.fail(w, r, apperr.New(apperr.NotFound, "error.not_found"))
		return
	}
	var in ruleInput
	if !a.decode(w, r, &in) {
		return
	}
	rule, err := a.Rules.Update(r.Context(), c.user, id, in.domain())
	if err != nil {
		a.fail(w, r, err, ruleFields)
		return
	}
	a.writeJSON(w, http.StatusOK, a.ruleView(a.localizer(r), rule))
}

// deleteRule answers DELETE /api/v1/routing-rules/{id} (admin) with 204.
func (a *API) deleteRule(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.fail(w, r, apperr.New(apperr.NotFound, "error.not_found"))
		return
	}
	if err := a.Rules.Delete(r.Context(), c.user, id); err != nil {
		a.fail(w, r, err)
		return
	}
	a.noContent(w)
}

// routeView is where a ticket would go; both null when it would wait unrouted,
// rule_id null when the default department would catch it.
type routeView struct {
	DepartmentID *int64 `json:"department_id"`
	RuleID       *int64 `json:"rule_id"`
}

// resolveRule answers GET /api/v1/routing-rules/resolve?asset_id=&problem_type_id=.
func (a *API) resolveRule(w http.ResponseWriter, r *http.Request, c *caller) {
	var f apperr.Fields
	q := r.URL.Query()
	num := func(name string) int64 {
		n, err := strconv.ParseInt(q.Get(name), 10, 64)
		if err != nil || n <= 0 {
			f.Add(name, "api.id_invalid")
		}
		return n
	}
	assetID, problemID := num("asset_id"), num("problem_type_id")
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	route, err := a.Rules.ResolveFor(r.Context(), c.user, assetID, problemID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	var v routeView
	if route.DepartmentID != 0 {
		v.DepartmentID = &route.DepartmentID
	}
	if route.RuleID != 0 {
		v.RuleID = &route.RuleID
	}
	a.writeJSON(w, http.StatusOK, v)
}
