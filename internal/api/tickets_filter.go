package api

import (
	"net/http"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/sla"
	"smartservice/internal/tickets"
)

// ticketFilterFields maps the domain's filter field names to the query's.
var ticketFilterFields = map[string]string{"class_id": "service_class_id", "type_id": "service_type_id", "problem_id": "problem_type_id"}

// ticketFilter reads the journal's filters from the query: status (repeatable),
// the ids, created_from and created_to (days in the office's time zone, both
// inclusive), q and upkeep. Values that do not parse go into f, named by the parameter;
// the domain checks the rest (known statuses, lengths, the period's order).
func (a *API) ticketFilter(r *http.Request, f *apperr.Fields) tickets.Filter {
	q := r.URL.Query()
	out := tickets.Filter{
		ClassID: queryID(r, "service_class_id", f), TypeID: queryID(r, "service_type_id", f),
		ProblemID: queryID(r, "problem_type_id", f), DepartmentID: queryID(r, "department_id", f),
		AssigneeID: queryID(r, "assignee_id", f), AssetID: queryID(r, "asset_id", f), ReporterID: queryID(r, "reporter_id", f),
		Q: q.Get("q"), SLA: sla.State(q.Get("sla")), Sort: q.Get("sort"),
	}
	for _, s := range q["status"] {
		out.Statuses = append(out.Statuses, tickets.Status(s))
	}
	// upkeep=1 narrows to tickets filed by upkeep plans, as the page journal's
	// filter does; any other value is no filter, as there.
	out.Upkeep = q.Get("upkeep") == "1"
	out.CreatedFrom = a.queryDay(r, "created_from", f)
	if to := a.queryDay(r, "created_to", f); !to.IsZero() {
		out.CreatedTo = to.AddDate(0, 0, 1) // the domain's bound is exclusive
	}
	return out
}

// queryDay reads a YYYY-MM-DD parameter as the start of that day in the office's
// time zone; zero when absent or invalid (then named in f).
func (a *API) queryDay(r *http.Request, name string, f *apperr.Fields) time.Time {
	s := r.URL.Query().Get(name)
	if s == "" {
		return time.Time{}
	}
	d, err := time.ParseInLocation(time.DateOnly, s, a.loc)
	if err != nil {
		f.Add(name, "api.date")
		return time.Time{}
	}
	return d
}
