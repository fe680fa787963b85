package web

import (
	"errors"
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/i18n"
	"smartservice/internal/users"
)

// PageTitle names the tab after the device.
func (d *devicePageData) PageTitle() string { return d.Name }

// devicePageData is the page behind every QR code: the device, where it is, its
// instructions and the problems it offers, plus the admin's extras.
type devicePageData struct {
	Code, Name string
	Inventory  string
	// Parts are what the page shows of the device itself, the same for every
	// viewer (devicePartsFor).
	Parts deviceParts
	// Admin holds what only administrators see; nil for everyone else.
	Admin *deviceAdmin
	// History is the device's recent tickets, for staff responsible for them.
	History []deviceTicket
	// Reported lists the open tickets on the device, for everyone who sees it: "me
	// too" instead of a second ticket.
	Reported []openTicketLine
	// Upkeep is the device's upkeep box (staff; nil when no plan covers it).
	Upkeep *upkeepBox
	// Live is what of the above the page shows, executed (device_page.go).
	Live deviceLive
	// frame is the layout's frame, executed or kept (nil: the layout executes it).
	frame *pageFrame
}

func (d *devicePageData) pageFrame() *pageFrame { return d.frame }

// deviceTicket is one line of the device's recent history.
type deviceTicket struct {
	ID            int64
	Problem, When string
	Status        string
}

// deviceProblem is one big button: a problem type the device's type offers.
type deviceProblem struct {
	Name, Href string
}

// deviceAdmin is the administrator's part of the device page.
type deviceAdmin struct {
	ID        int64
	ShortCode string
	Scans     int64
	LastScan  string
}

// device is the page behind every QR code. Visitors log in first and come back
// here. A scan is counted unless the visitor came from the list (?from=list). An
// unknown, malformed or hidden code gets one and the same 404 page; a re-issued
// one says the label was replaced.
func (s *Server) device(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	code := r.PathValue("code")
	var v *assets.View
	var err error
	if r.URL.Query().Get("from") == "list" {
		v, err = s.Assets.LookupByCode(r.Context(), u, code)
	} else {
		v, err = s.Assets.ViewByCode(r.Context(), u, code)
	}
	if err != nil {
		s.deviceFail(w, r, err)
		return
	}
	a := v.Asset
	s.learnDeviceID(code, a.ID)
	d := &devicePageData{Code: a.Code, Name: a.Name, Inventory: a.InventoryNumber}
	loc := s.localizer(r)
	if d.Parts, err = s.devicePartsFor(r.Context(), loc, v); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.frame, err = s.deviceFrame(r, loc, u, a, d.Parts.Top); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.deviceReported(r, u, v, d); err != nil {
		s.serverError(w, r, err)
		return
	}
	if err := s.deviceHistory(r, u, v, d); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Upkeep, err = s.deviceUpkeep(r, u, a.ID, a.Archived); err != nil {
		s.serverError(w, r, err)
		return
	}
	if u.IsAdmin() {
		d.Admin = &deviceAdmin{ID: a.ID, ShortCode: assets.ShortCode(a.Code), Scans: a.ScanCount, LastScan: s.stamp(a.LastScannedAt)}
	}
	if err := s.deviceLive(r, loc, u, d); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.frame != nil && s.writeKeptDevicePage(w, loc, d) {
		return
	}
	s.render(w, r, http.StatusOK, "device", "device.page_title", d)
}

// deviceFail answers a code that leads to no device this user may see.
func (s *Server) deviceFail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, assets.ErrReplaced):
		s.render(w, r, http.StatusNotFound, "device_replaced", "device.page_replaced_title", nil)
	case apperr.CodeOf(err) == apperr.NotFound:
		s.render(w, r, http.StatusNotFound, "device_missing", "device.page_missing_title", nil)
	default:
		s.fail(w, r, err)
	}
}

// deviceReported fills the open tickets on the device ("already reported").
func (s *Server) deviceReported(r *http.Request, u *users.User, v *assets.View, d *devicePageData) error {
	if s.Tickets == nil {
		return nil
	}
	open, err := s.Tickets.OpenOnDevice(r.Context(), u, v.Asset)
	if err != nil {
		return err
	}
	loc := s.localizer(r)
	for _, o := range open {
		d.Reported = append(d.Reported, s.openTicketLine(loc, o))
	}
	return nil
}

// problemNames are the names of the problems the device's type offers, by id.
func problemNames(loc *i18n.Localizer, v *assets.View) map[int64]string {
	names := map[int64]string{}
	for _, o := range v.Type.Problems {
		names[o.ID] = loc.Name(o.EN, o.RU)
	}
	return names
}

// deviceHistory fills the recent tickets the domain lets this person see as staff.
func (s *Server) deviceHistory(r *http.Request, u *users.User, v *assets.View, d *devicePageData) error {
	if s.Tickets == nil {
		return nil
	}
	list, err := s.Tickets.History(r.Context(), u, v.Asset.ID, 10)
	if err != nil || len(list) == 0 {
		return err // nothing to name: most viewers are no staff
	}
	loc := s.localizer(r)
	names := problemNames(loc, v)
	for _, t := range list {
		d.History = append(d.History, deviceTicket{ID: t.ID, Problem: names[t.ProblemID], When: s.stamp(&t.CreatedAt),
			Status: loc.T("device.history_status_" + string(t.Status))})
	}
	return nil
}
