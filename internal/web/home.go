package web

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"smartservice/internal/httpx"
	"smartservice/internal/notify"
	"smartservice/internal/reports"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// homeData is the home page: the landing page for visitors (Departments), or the
// reader's desk once logged in (Desk).
type homeData struct {
	Departments []users.Department
	Desk        *deskData
}

// deskData is a logged-in person's home: what waits for them, by role, each list
// oldest first with its age, and "find a device".
type deskData struct {
	Notice  string
	Waiting *waitingSection
	// Availability is an executor's own (nil for others).
	Availability *availabilityCard
	Sections     []deskSection
	// Reports: the reader may open the period report (heads, admins).
	Reports bool
	// NotifyAlerts are the notification channels that are down (admins only).
	NotifyAlerts []notify.ChannelState
}

// deskSection is one list of the home page with a link to the journal filtered
// the same way (each list shows at most tickets.DeskLimit tickets).
type deskSection struct {
	ID, Title, Hint, Empty, Href string
	Lines                        []ticketLine
}

// home is the landing page for visitors (what Smart Service is and who looks after
// the office) and the desk of a logged-in person.
func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	if u := s.currentUser(r); u != nil && s.Tickets != nil {
		s.desk(w, r, u)
		return
	}
	deps, err := s.Users.ListDepartments(r.Context())
	if err != nil {
		s.serverError(w, r, err)
		return
	}
	loc := s.localizer(r)
	slices.SortFunc(deps, func(a, b users.Department) int {
		return strings.Compare(loc.Name(a.NameEN, a.NameRU), loc.Name(b.NameEN, b.NameRU))
	})
	s.render(w, r, http.StatusOK, "home", "home.title", homeData{Departments: deps})
}

// desk is the logged-in home: an employee's open tickets and "find a device"; an
// executor's queue and work in progress; a head's departments' open tickets; an
// administrator's unrouted queue. The domain decides what each list holds.
func (s *Server) desk(w http.ResponseWriter, r *http.Request, u *users.User) {
	desk, err := s.Tickets.Desk(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localizer(r)
	open := []string{string(tickets.StatusNew), string(tickets.StatusAssigned), string(tickets.StatusInProgress)}
	queued := []string{string(tickets.StatusNew)}
	working := []string{string(tickets.StatusAssigned), string(tickets.StatusInProgress)}
	// A person in one department gets its journal; in several, the journal's
	// scope (their departments) does the narrowing.
	dept := url.Values{}
	if len(u.Departments) == 1 {
		dept.Set("department", itoa(u.Departments[0].ID))
	}
	with := func(v url.Values, status []string) string {
		out := cloneValues(v)
		out["status"] = status
		return journalHref("/tickets", out)
	}
	d := &deskData{Notice: s.popNotice(r), Reports: reports.MayReport(u)}
	if s.Notify != nil {
		if d.NotifyAlerts, err = s.Notify.Alerts(r.Context(), u); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	add := func(id string, rows []tickets.Row, href string) {
		if rows == nil {
			return // not this person's list
		}
		d.Sections = append(d.Sections, deskSection{ID: id, Title: loc.T("journal.home_" + id), Hint: loc.T("journal.home_" + id + "_hint"),
			Empty: loc.T("journal.home_" + id + "_empty"), Href: href, Lines: s.ticketLines(loc, rows)})
	}
	if u.Has(users.RoleExecutor) {
		av, err := s.Tickets.MyAvailability(r.Context(), u)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Availability = &availabilityCard{Available: av.Available, Holding: av.Holding}
	}
	if desk.Waiting != nil {
		if d.Waiting, err = s.waitingSection(r, loc, desk, with(nil, queued)); err != nil {
			s.serverError(w, r, err)
			return
		}
	}
	add("queue", desk.Queue, with(dept, queued))
	add("working", desk.Working, with(url.Values{"assignee": {itoa(u.ID)}}, working))
	add("departments", desk.Departments, with(dept, open))
	mine := url.Values{}
	if u.IsStaff() {
		// Staff see far more than their own in the journal.
		mine.Set("reporter", itoa(u.ID))
	}
	add("mine", desk.Mine, with(mine, open))
	s.render(w, r, http.StatusOK, "home", "journal.home_title", homeData{Desk: d})
}

// serverError logs err with the request id and answers with the 500 page; the
// user never sees the error text.
func (s *Server) serverError(w http.ResponseWriter, r *http.Request, err error) {
	s.Logger.Error("request failed", "request_id", httpx.RequestID(r.Context()), "path", r.URL.Path, "err", err)
	s.errorPage(w, r, http.StatusInternalServerError)
}
