package web

import (
	"net/http"
	"net/url"
	"strings"

	"smartservice/internal/i18n"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// ticketPageData is a ticket's page: what it is about, where it went and why, its
// history, and only the changes this reader may make.
type ticketPageData struct {
	Line   ticketLine
	Notice string
	// Form carries a refused change's message and field errors; Open names the form
	// to show unfolded with them.
	Form *form
	Open string
	Acts tickets.Actions
	// Main is the one next step, shown as the big button: take, start or complete.
	Main string
	// Executors are the reassign choices (the department's executors but the current one).
	Executors []option
	// Departments are the send choices of an unrouted ticket (Acts.Send).
	Departments               []option
	DeviceHref, DeviceJournal string
	ReporterJournal           string
	Trace                     string
	Resolution, CancelReason  string
	CommentText               string
	PhotoSrc                  string
	Events                    []eventLine
	// Back is where follow and unfollow return to: this page.
	Back string
}

// PageTitle names the tab after the ticket.
func (d *ticketPageData) PageTitle() string { return d.Line.Number + " · " + d.Line.Problem }

// eventLine is a line of the ticket's history.
type eventLine struct {
	When, Text, Detail string
	Kind               string
}

// ticketID reads the {id} of the path; 0 when it is not an id (the 404 page).
func ticketID(r *http.Request) int64 { return parseID(r.PathValue("id")) }

// ticketShow is a ticket's page; who may not see the ticket gets the same 404 as
// for an absent one.
func (s *Server) ticketShow(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id := ticketID(r)
	if id == 0 {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	// A refused change carried over by the language switch comes back filled in,
	// its form unfolded.
	if form, f := s.takeFormDraft(r); f != nil {
		if open, ok := strings.CutPrefix(strings.TrimSuffix(form, "-form"), "ticket-"); ok {
			s.renderTicket(w, r, u, id, http.StatusOK, f, open)
			return
		}
	}
	s.renderTicket(w, r, u, id, http.StatusOK, newForm(), "")
}

// renderTicket renders ticket id's page with f (a refused change's messages) and
// the form open unfolded. The page is one read of the ticket (tickets.View).
func (s *Server) renderTicket(w http.ResponseWriter, r *http.Request, u *users.User, id int64, status int, f *form, open string) {
	v, err := s.Tickets.View(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	row, acts := &v.Row, v.Actions
	loc := s.localizer(r)
	d := &ticketPageData{Line: s.ticketLine(loc, row), Notice: s.popNotice(r), Form: f, Open: open, Acts: acts,
		DeviceHref: "/a/" + row.AssetCode + "?from=list", Resolution: row.Resolution, CancelReason: row.CancelReason, CommentText: row.Comment, Back: "/tickets/" + itoa(id),
		DeviceJournal: journalHref("/tickets", url.Values{"device": {itoa(row.AssetID)}}),
		Trace:         s.routingTrace(loc, v), Events: s.ticketEvents(loc, v.Events)}
	if u.IsStaff() && !row.Limited {
		d.ReporterJournal = journalHref("/tickets", url.Values{"reporter": {row.ReporterEmail}})
	}
	switch {
	case acts.Take:
		d.Main = "take"
	case acts.Start:
		d.Main = "start"
	case acts.Complete:
		d.Main = "complete"
	}
	if row.HasPhoto {
		d.PhotoSrc = "/tickets/" + itoa(id) + "/photo"
	}
	for _, p := range v.Executors {
		if p.ID != row.AssigneeID {
			val := itoa(p.ID)
			d.Executors = append(d.Executors, option{Value: val, Label: p.Name, Selected: val == f.Get("assignee_id")})
		}
	}
	if acts.Send {
		deps, err := s.Users.ListDepartments(r.Context())
		if err != nil {
			s.serverError(w, r, err)
			return
		}
		for _, dp := range deps {
			val := itoa(dp.ID)
			d.Departments = append(d.Departments, option{Value: val, Label: loc.Name(dp.NameEN, dp.NameRU), Selected: val == f.Get("department_id")})
		}
	}
	s.render(w, r, status, "ticket", "journal.ticket_title", d)
}

// routingTrace says how the ticket found its department: the rule (as the rules
// table shows it, or that it was deleted since), the default department, or none.
// The rules table is for staff: for others the view holds no rule and this is "".
func (s *Server) routingTrace(loc *i18n.Localizer, v *tickets.View) string {
	row := &v.Row
	dept := loc.Name(row.DepartmentEN, row.DepartmentRU)
	switch {
	case row.RoutedBy == tickets.RoutedByDefault:
		return loc.T("journal.trace_default", "Department", dept)
	case row.RoutedBy == tickets.RoutedByNone && row.DepartmentID != 0:
		return loc.T("loop.trace_sent", "Department", dept)
	case row.RoutedBy == tickets.RoutedByNone:
		return loc.T("journal.trace_none")
	case v.RuleDeleted:
		return loc.T("journal.trace_rule_deleted", "Rule", row.RuleID, "Department", dept)
	case v.Rule == nil:
		return ""
	}
	rr := s.ruleRow(loc, *v.Rule)
	return loc.T("journal.trace_rule", "Rule", row.RuleID, "Class", rr.Class, "Type", rr.Type, "Problem", rr.Problem,
		"Department", rr.Department)
}

// ticketEvents is the ticket's history as people read it, with names.
func (s *Server) ticketEvents(loc *i18n.Localizer, events []tickets.EventRow) []eventLine {
	out := make([]eventLine, 0, len(events))
	for _, e := range events {
		name := e.ActorName
		switch {
		case e.ByReporter:
			name = loc.T("follow.reporter")
		case e.ActorID == 0:
			name = loc.T("journal.system")
		}
		whom := e.SubjectName
		l := eventLine{When: s.stamp(&e.CreatedAt), Kind: e.Kind}
		switch e.Kind {
		case tickets.EventFiled:
			if e.ByReporter {
				l.Text = loc.T("follow.event_filed")
			} else {
				l.Text = loc.T("journal.event_filed", "Name", name)
			}
		case tickets.EventRouted:
			switch e.Detail {
			case tickets.RoutedByDefault:
				l.Text = loc.T("journal.event_routed_default")
			case tickets.RoutedByNone:
				l.Text = loc.T("journal.event_routed_none")
			case tickets.SentByHand:
				l.Text = loc.T("loop.event_sent", "Name", name)
			default:
				l.Text = loc.T("journal.event_routed_rule", "Rule", e.Detail)
			}
		case tickets.EventHandedBack:
			l.Text = loc.T("loop.event_handed_back", "Name", name)
		case tickets.EventAssigned:
			l.Text = loc.T("journal.event_assigned", "Assignee", whom)
		case tickets.EventReassigned:
			l.Text = loc.T("journal.event_reassigned", "Name", name, "Assignee", whom)
		case tickets.EventDone, tickets.EventCancelled, tickets.EventComment:
			l.Text, l.Detail = loc.T("journal.event_"+e.Kind, "Name", name), e.Detail
		case tickets.EventSLAAtRisk, tickets.EventSLABreached:
			l.Text = slaEventText(loc, e)
		case tickets.EventTaken, tickets.EventStarted, tickets.EventReopened, tickets.EventFollowed:
			l.Text = loc.T("journal.event_"+e.Kind, "Name", name)
		case tickets.EventWatched:
			l.Text = loc.T("loop2.event_watched", "Name", name)
		default:
			l.Text = loc.T("journal.event_other", "Name", name, "Kind", e.Kind)
		}
		out = append(out, l)
	}
	return out
}
