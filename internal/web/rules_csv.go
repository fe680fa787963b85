package web

import (
	"bytes"
	"errors"
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/httpx"
)

// sessRulesImported holds how many rules the last import added, for the notice on
// the page the import redirects to (setNotice carries no arguments).
const sessRulesImported = "rules_imported"

// rulesExport downloads the routing rules as CSV (staff; the domain neutralises
// spreadsheet formulas). It is written to a buffer first so a failure still gets a
// proper error page.
func (s *Server) rulesExport(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	var buf bytes.Buffer
	if err := s.Rules.ExportCSV(r.Context(), u, &buf); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="routing-rules.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

// rulesImport adds the rules of an uploaded CSV (admin). A refused file re-renders
// the page with every bad line; a good one redirects with the count.
func (s *Server) rulesImport(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	loc := s.localizer(r)
	d := &rulesData{Import: newForm()}
	file, _, err := r.FormFile("file")
	if err != nil {
		if httpx.TooLarge(err) {
			s.errorPage(w, r, http.StatusRequestEntityTooLarge)
			return
		}
		if !u.IsAdmin() {
			s.fail(w, r, apperr.New(apperr.Forbidden, "error.forbidden"))
			return
		}
		d.Import.Errors["file"] = loc.T("rulescsv.file_missing")
		s.renderRules(w, r, u, http.StatusUnprocessableEntity, d)
		return
	}
	defer file.Close()
	rep, err := s.Rules.ImportCSV(r.Context(), u, file)
	if err != nil {
		var ae *apperr.Error
		if !errors.As(err, &ae) {
			s.serverError(w, r, err)
			return
		}
		if ae.Code == apperr.Forbidden || ae.Code == apperr.Unauthenticated {
			s.fail(w, r, err)
			return
		}
		status, _ := fill(d.Import, loc, err)
		if rep != nil {
			for _, e := range rep.Errors {
				d.ImportLines = append(d.ImportLines, loc.T("rulescsv.line", "Line", e.Line, "Reason", loc.T(e.Key, e.Args...)))
			}
		}
		s.renderRules(w, r, u, status, d)
		return
	}
	s.sessions.Put(r.Context(), sessRulesImported, rep.Imported)
	http.Redirect(w, r, "/rules", http.StatusSeeOther)
}
