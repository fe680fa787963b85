package api

import "net/http"

// deviceView is what the device page behind a QR code shows.
type deviceView struct {
	Asset        assetView   `json:"asset"`
	ProblemTypes []offerView `json:"problem_types"`
	// OpenTickets are the device's open tickets (the tickets module fills them).
	OpenTickets []struct{} `json:"open_tickets"`
}

// assetByCode answers GET /api/v1/assets/by-code/{code}: the device behind a
// scanned code, with the problem types its type offers, and counts the scan.
// Unknown, malformed and hidden codes are one 404; a re-issued code is a 404 whose
// detail says the label was replaced.
func (a *API) assetByCode(w http.ResponseWriter, r *http.Request, c *caller) {
	v, err := a.Assets.ViewByCode(r.Context(), c.user, r.PathValue("code"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	av, err := a.assetViewer(r, c).view(v.Asset)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, deviceView{Asset: av, ProblemTypes: offersView(a.localizer(r), v.Type.Problems), OpenTickets: []struct{}{}})
}
