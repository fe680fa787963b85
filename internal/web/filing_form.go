package web

import (
	"crypto/rand"
	"encoding/base64"
	"html/template"
	"net/http"
	"strconv"

	"smartservice/internal/assets"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// PageTitle names the tab after the problem being reported.
func (d *filingFormData) PageTitle() string { return d.Problem }

// filingFormData is the page behind a problem's button: the self-help first, then
// "me too" when the problem is already reported, then the form.
type filingFormData struct {
	Code, Name, Location string
	ProblemID            int64
	Problem              string
	SelfHelp             template.HTML
	// Duplicate is the open ticket already reported for this problem on this device.
	Duplicate *openTicketLine
	Form      *form
	// Token is the form's idempotency token: a double click or a re-sent form files
	// one ticket.
	Token string
	// PhotoAgain says that a photo was sent with a refused form and was not kept.
	PhotoAgain bool
	MaxMB      int
	// Anything: the problem is "Something else", whose comment is required.
	Anything bool
}

// Action is where the form posts.
func (d *filingFormData) Action() string { return "/a/" + d.Code + "/report" }

// filingForm shows the chosen problem with the type's self-help text and the form
// that files the ticket. An unknown, hidden or retired device, and a problem its
// type does not offer, get the 404 page; the scan is not counted again.
func (s *Server) filingForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	v, err := s.Assets.LookupByCode(r.Context(), u, r.PathValue("code"))
	if err != nil {
		s.deviceFail(w, r, err)
		return
	}
	id, err := strconv.ParseInt(r.URL.Query().Get("problem"), 10, 64)
	o, offered := v.Offers(id)
	if err != nil || !offered || v.Asset.Archived {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	f, photoAgain := s.restoreFilingDraft(r, v.Asset.Code, o.ID)
	if id, kept := s.takeFormDraft(r); kept != nil && id == filingFormID {
		f, photoAgain = kept, kept.Get("photo") != ""
	}
	s.renderFilingForm(w, r, u, http.StatusOK, v, o, f, newFormToken(), photoAgain)
}

// renderFilingForm renders the form page for the device and the problem.
func (s *Server) renderFilingForm(w http.ResponseWriter, r *http.Request, u *users.User, status int, v *assets.View, o assets.Offer,
	f *form, token string, photoAgain bool) {
	loc := s.localizer(r)
	d := &filingFormData{Code: v.Asset.Code, Name: v.Asset.Name, Location: v.Asset.Location.String(), ProblemID: o.ID,
		Problem: loc.Name(o.EN, o.RU), SelfHelp: linkify(loc.Name(o.SelfHelp.EN, o.SelfHelp.RU)),
		Form: f, Token: token, PhotoAgain: photoAgain, MaxMB: tickets.MaxPhotoBytes >> 20, Anything: o.Anything}
	if s.Tickets != nil {
		open, err := s.Tickets.OpenOnAsset(r.Context(), u, v.Asset.ID)
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		// The oldest open ticket for this problem is the one people join (the list
		// is newest first).
		for _, t := range open {
			if t.ProblemID == o.ID {
				line := s.openTicketLine(loc, t)
				d.Duplicate = &line
			}
		}
	}
	s.render(w, r, status, "device_report", "device.page_report_title", d)
}

// filingFormID is the filing form's element id (the language switch carries it over).
const filingFormID = "report-form"

// newFormToken is a fresh idempotency token for a form: 128 random bits.
func newFormToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
