package web

import (
	"bytes"
	"net/http"
)

// assetsExport downloads the devices the list's filter matches as CSV (admin; the
// domain neutralises spreadsheet formulas). It is written to a buffer first so a
// failure still gets a proper error page.
func (s *Server) assetsExport(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	_, filter, _ := assetFilter(r.URL.Query())
	filter.AfterID, filter.Limit = 0, 0
	var buf bytes.Buffer
	if err := s.Assets.ExportCSV(r.Context(), u, &buf, filter); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="devices.csv"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}
