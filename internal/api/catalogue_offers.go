package api

import (
	"fmt"
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
)

// offerInput is one offered problem type of PUT …/problem-types. self_help is the
// shortcut for the self-help text in the request's language.
type offerInput struct {
	ProblemTypeID int64   `json:"problem_type_id"`
	SelfHelp      *string `json:"self_help"`
	SelfHelpEN    *string `json:"self_help_en"`
	SelfHelpRU    *string `json:"self_help_ru"`
}

// setOffers answers PUT /api/v1/service-types/{id}/problem-types (admin): the body
// is the new list of offered problem types in display order, replacing the old one.
// Field errors name the entry: "[2].problem_type_id".
func (a *API) setOffers(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.notFoundID(w, r)
		return
	}
	var in []offerInput
	if !a.decode(w, r, &in) {
		return
	}
	if in == nil { // null
		a.problem(w, r, http.StatusBadRequest, "api.json_array")
		return
	}
	var f apperr.Fields
	lang := a.localizer(r).Lang()
	offers := make([]assets.OfferInput, len(in))
	rename := map[string]string{}
	for i, o := range in {
		at := fmt.Sprintf("[%d]", i)
		offers[i] = assets.OfferInput{ProblemID: o.ProblemTypeID,
			SelfHelp: applyNames(assets.Names{}, o.SelfHelp, o.SelfHelpEN, o.SelfHelpRU, lang, at+".self_help", &f)}
		domain := fmt.Sprintf("problem_types[%d]", i)
		rename[domain] = at + ".problem_type_id"
		rename[domain+".self_help_en"] = at + ".self_help_en"
		rename[domain+".self_help_ru"] = at + ".self_help_ru"
	}
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	t, err := a.Assets.SetOffers(r.Context(), c.user, id, offers)
	if err != nil {
		a.fail(w, r, err, rename)
		return
	}
	a.writeType(w, r, http.StatusOK, t)
}
