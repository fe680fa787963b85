package web

import (
	"errors"
	"io"
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/httpx"
)

type importData struct {
	Form   *form
	Report *assets.ImportReport
	// Lines are the report's row errors, translated.
	Lines []importLine
}

type importLine struct {
	Line          int
	Field, Reason string
}

// assetsImportPage shows the CSV upload form (admin).
func (s *Server) assetsImportPage(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if _, err := s.Assets.AdminCatalogue(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "assets_import", "transfer.import_title", importData{Form: newForm()})
}

// assetsImport checks (dry run) or imports an uploaded CSV of devices. Every bad row
// is listed with its line; the real import writes all rows or none.
func (s *Server) assetsImport(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	f := newForm()
	file, _, err := r.FormFile("file")
	if err != nil {
		if httpx.TooLarge(err) {
			s.errorPage(w, r, http.StatusRequestEntityTooLarge)
			return
		}
		f.Errors["file"] = s.localizer(r).T("transfer.file_missing")
		s.render(w, r, http.StatusUnprocessableEntity, "assets_import", "transfer.import_title", importData{Form: f})
		return
	}
	defer file.Close()
	dry := r.FormValue("dry_run") != ""
	if dry {
		f.Values["dry_run"] = "1"
	}
	rep, err := s.Assets.ImportCSVWith(r.Context(), u, io.Reader(file), assets.ImportOptions{DryRun: dry, CreateCatalogue: r.FormValue("create_catalogue") != ""})
	loc := s.localizer(r)
	d := importData{Form: f, Report: rep}
	if rep != nil {
		for _, e := range rep.Errors {
			d.Lines = append(d.Lines, importLine{Line: e.Line, Field: e.Field, Reason: loc.T(e.Key, e.Args...)})
		}
	}
	status := http.StatusOK
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
		status, _ = fill(f, loc, err)
		d.Report = nil // nothing was imported; the lines say why
	}
	s.render(w, r, status, "assets_import", "transfer.import_title", d)
}
