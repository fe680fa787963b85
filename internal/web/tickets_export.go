package web

import (
	"net/http"
	"net/url"

	"smartservice/internal/httpx"
)

// ticketsExport downloads, as CSV, every ticket the journal's filter matches (all
// pages; the domain scopes them and neutralises spreadsheet formulas). A filter
// that does not parse goes back to the journal, which says why. The file is
// streamed: a journal of a million tickets is not held in memory.
func (s *Server) ticketsExport(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	jq := s.journalFilter(r, u)
	back := journalHref("/tickets", jq.keep)
	if len(jq.form.Errors) > 0 {
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	jq.filter.Cursor = ""
	out := &csvDownload{w: w, name: "tickets.csv"}
	if err := s.Tickets.ExportCSV(r.Context(), u, jq.filter, out); err != nil {
		if out.started {
			// Too late for an error page: the log says why the file is cut short.
			s.Logger.Error("ticket export failed midway", "request_id", httpx.RequestID(r.Context()), "err", err)
			return
		}
		if fillJournal(newForm(), s.localizer(r), err) {
			http.Redirect(w, r, back, http.StatusSeeOther)
			return
		}
		s.fail(w, r, err)
	}
}

// csvDownload sends the download's headers with its first bytes, so that an error
// before any row can still answer with a page.
type csvDownload struct {
	w       http.ResponseWriter
	name    string
	started bool
}

func (c *csvDownload) Write(p []byte) (int, error) {
	if !c.started {
		c.started = true
		h := c.w.Header()
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="`+url.PathEscape(c.name)+`"`)
		h.Set("Cache-Control", "no-store")
	}
	return c.w.Write(p)
}
