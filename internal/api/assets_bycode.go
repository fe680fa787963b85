package api

import (
	"net/http"

	"smartservice/internal/i18n"
	"smartservice/internal/tickets"
)

// deviceView is what the device page behind a QR code shows.
type deviceView struct {
	Asset        assetView   `json:"asset"`
	ProblemTypes []offerView `json:"problem_types"`
	// OpenTickets are the device's open tickets, newest first, so whoever scans it
	// can follow one ("me too") instead of filing the same problem again.
	OpenTickets []openTicketView `json:"open_tickets"`
}

// openTicketView is an open ticket on a scanned device, with only what anyone who
// may see the device may know about it: no comment, no reporter, no e-mail
// address (the executor is named, as the device page names them).
type openTicketView struct {
	ID          int64  `json:"id"`
	Number      string `json:"number"`
	ProblemType ref    `json:"problem_type"`
	Status      string `json:"status"`
	CreatedAt   string `json:"created_at"`
	// AssigneeName is null while nobody is on it.
	AssigneeName *string `json:"assignee_name"`
	// Following tells whether the caller follows it already (a reporter follows
	// their own); POST /api/v1/tickets/{id}/follow is the "me too".
	Following bool `json:"following"`
}

// assetByCode answers GET /api/v1/assets/by-code/{code}: the device behind a
// scanned code, with the problem types its type offers and its open tickets, and
// counts the scan. Unknown, malformed and hidden codes are one 404; a re-issued
// code is a 404 whose detail says the label was replaced.
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
	open, err := a.Tickets.OpenOnAsset(r.Context(), c.user, v.Asset.ID)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	loc := a.localizer(r)
	a.writeJSON(w, http.StatusOK, deviceView{Asset: av, ProblemTypes: offersView(loc, v.Type.Problems), OpenTickets: a.openTicketsView(loc, open)})
}

// openTicketsView shows a device's open tickets; never null, so a client can
// always iterate.
func (a *API) openTicketsView(loc *i18n.Localizer, open []tickets.OpenTicket) []openTicketView {
	out := make([]openTicketView, 0, len(open))
	for _, o := range open {
		v := openTicketView{
			ID: o.ID, Number: o.Number(), ProblemType: ref{ID: o.ProblemID, Name: loc.Name(o.ProblemEN, o.ProblemRU)},
			Status: string(o.Status), CreatedAt: a.timestamp(o.CreatedAt), Following: o.Following,
		}
		if o.AssigneeName != "" {
			name := o.AssigneeName
			v.AssigneeName = &name
		}
		out = append(out, v)
	}
	return out
}
