package api

import (
	"context"
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/sla"
	"smartservice/internal/users"
)

// targetInput is a target as typed: "30m", "2h", "1h30m"; "" or null is none.
type targetInput struct {
	Take *string `json:"take"`
	Done *string `json:"done"`
}

func (in targetInput) domain() sla.TargetInput {
	var out sla.TargetInput
	if in.Take != nil {
		out.Take = *in.Take
	}
	if in.Done != nil {
		out.Done = *in.Done
	}
	return out
}

// setProblemTarget answers PUT /api/v1/service-levels/problem-types/{id}
// (administrators).
func (a *API) setProblemTarget(w http.ResponseWriter, r *http.Request, c *caller) {
	a.setTarget(w, r, c, a.SLA.SetProblemTarget)
}

// setRuleTarget answers PUT /api/v1/service-levels/rules/{id} (administrators):
// the rule's own target; none falls back to the problem type's.
func (a *API) setRuleTarget(w http.ResponseWriter, r *http.Request, c *caller) {
	a.setTarget(w, r, c, a.SLA.SetRuleTarget)
}

func (a *API) setTarget(w http.ResponseWriter, r *http.Request, c *caller, set func(ctx context.Context, actor *users.User, id int64, in sla.TargetInput) (sla.Target, error)) {
	id, ok := pathID(r)
	if !ok {
		a.fail(w, r, apperr.New(apperr.NotFound, "error.not_found"))
		return
	}
	var in targetInput
	if !a.decode(w, r, &in) {
		return
	}
	t, err := set(r.Context(), c.user, id, in.domain())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, targetOf(t))
}
