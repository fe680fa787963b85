package web

import (
	"net/http"
	"net/url"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/i18n"
	"smartservice/internal/reports"
)

// reportQuery is a report asked for in a URL (the page and its exports share
// it): the period and the department, with the form to refill and the values
// to keep in links.
type reportQuery struct {
	q    reports.Query
	form *form
	keep url.Values
}

// reportFilter reads ?from=&to=&department_id= (dates in the office's time
// zone, both included; empty means the last seven days and every department the
// reader may see). Input that does not parse becomes field errors, never a 500.
func (s *Server) reportFilter(r *http.Request, loc *i18n.Localizer) *reportQuery {
	v := r.URL.Query()
	rq := &reportQuery{form: newForm(), keep: url.Values{}}
	for _, k := range []string{"from", "to", "department_id"} {
		if x := strings.TrimSpace(v.Get(k)); x != "" {
			rq.form.Values[k] = x
			rq.keep.Set(k, x)
		}
	}
	p, err := reports.ParsePeriod(rq.form.Values["from"], rq.form.Values["to"], s.Reports.Now(), s.Reports.Location())
	if e := apperr.As(err); e != nil {
		for _, fe := range e.Fields {
			rq.form.Errors[fe.Field] = loc.T(fe.Key, fe.Args...)
		}
	}
	rq.q.Period = p
	if x := rq.form.Values["department_id"]; x != "" {
		if rq.q.DepartmentID = parseID(x); rq.q.DepartmentID == 0 {
			rq.form.Errors["department_id"] = loc.T("reports.bad_department")
		}
	}
	if err == nil {
		// The form shows the period actually reported, defaults filled in.
		rq.form.Values["from"], rq.form.Values["to"] = p.From.Format(reports.DateLayout), p.To.Format(reports.DateLayout)
	}
	return rq
}

// reportHref is a report's address (page or export) with the query's values.
func reportHref(path string, v url.Values) string {
	if len(v) == 0 {
		return path
	}
	return path + "?" + v.Encode()
}
