package web

import (
	"bytes"
	"net/http"
	"net/url"

	"smartservice/internal/reports"
)

// reportsExport downloads the report of the page's query as CSV or XLSX: the
// figures, the per-day series and the breakdowns, named in the reader's
// language. A query that does not parse goes back to the page, which says why.
func (s *Server) reportsExport(format string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := s.requireUser(w, r)
		if u == nil {
			return
		}
		loc := s.localizer(r)
		rq := s.reportFilter(r, loc)
		if len(rq.form.Errors) > 0 {
			http.Redirect(w, r, reportHref("/reports", rq.keep), http.StatusSeeOther)
			return
		}
		rep, err := s.Reports.Summary(r.Context(), u, rq.q)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		labels := reports.Labels{T: func(k string) string { return loc.T(k) }, Name: loc.Name}
		// The report is small (a few hundred rows at most): built in memory, so an
		// error still gets a page.
		var buf bytes.Buffer
		name := "report-" + rep.Period.From.Format(reports.DateLayout) + "-" + rep.Period.To.Format(reports.DateLayout)
		ctype := "text/csv; charset=utf-8"
		if format == "xlsx" {
			err = rep.WriteXLSX(&buf, labels)
			name += ".xlsx"
			ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		} else {
			err = rep.WriteCSV(&buf, labels)
			name += ".csv"
		}
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		h := w.Header()
		h.Set("Content-Type", ctype)
		h.Set("Content-Disposition", `attachment; filename="`+url.PathEscape(name)+`"`)
		h.Set("Cache-Control", "no-store")
		_, _ = w.Write(buf.Bytes())
	}
}
