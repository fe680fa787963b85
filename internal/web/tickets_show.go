package web

import (
	"net/http"
	"net/url"
	"strconv"

	"smartservice/internal/apperr"
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
	Executors                 []option
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
	s.renderTicket(w, r, u, id, http.StatusOK, newForm(), "")
}

// renderTicket renders ticket id's page with f (a refused change's messages) and
// the form open unfolded.
func (s *Server) renderTicket(w http.ResponseWriter, r *http.Request, u *users.User, id int64, status int, f *form, open string) {
	ctx := r.Context()
	row, err := s.Tickets.Row(ctx, u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	acts, err := s.Tickets.Actions(ctx, u, &row.Ticket)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localizer(r)
	d := &ticketPageData{Line: s.ticketLine(loc, row), Notice: s.popNotice(r), Form: f, Open: open, Acts: acts,
		DeviceHref: "/a/" + row.AssetCode + "?from=list", Resolution: row.Resolution, CancelReason: row.CancelReason, CommentText: row.Comment, Back: "/tickets/" + itoa(id),
		DeviceJournal: journalHref("/tickets", url.Values{"device": {itoa(row.AssetID)}})}
	if u.IsStaff() {
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
	if acts.Reassign {
		people, err := s.Tickets.Executors(ctx, u, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, p := range people {
			if p.ID != row.AssigneeID {
				v := itoa(p.ID)
				d.Executors = append(d.Executors, option{Value: v, Label: p.Name, Selected: v == f.Get("assignee_id")})
			}
		}
	}
	if d.Trace, err = s.routingTrace(r, u, loc, row); err != nil {
		s.serverError(w, r, err)
		return
	}
	if d.Events, err = s.ticketEvents(r, u, loc, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, "ticket", "journal.ticket_title", d)
}

// routingTrace says how the ticket found its department: the rule (as the rules
// table shows it, or that it was deleted since), the default department, or none.
// The rules table is for staff: others read "" (Rules.Rule refuses them).
func (s *Server) routingTrace(r *http.Request, u *users.User, loc *i18n.Localizer, row *tickets.Row) (string, error) {
	dept := loc.Name(row.DepartmentEN, row.DepartmentRU)
	switch row.RoutedBy {
	case tickets.RoutedByDefault:
		return loc.T("journal.trace_default", "Department", dept), nil
	case tickets.RoutedByNone:
		return loc.T("journal.trace_none"), nil
	}
	rule, err := s.Rules.Rule(r.Context(), u, row.RuleID)
	switch apperr.CodeOf(err) {
	case apperr.Forbidden:
		return "", nil
	case apperr.NotFound:
		return loc.T("journal.trace_rule_deleted", "Rule", row.RuleID, "Department", dept), nil
	}
	if err != nil {
		return "", err
	}
	rr := s.ruleRow(loc, rule)
	return loc.T("journal.trace_rule", "Rule", row.RuleID, "Class", rr.Class, "Type", rr.Type, "Problem", rr.Problem,
		"Department", rr.Department), nil
}

// ticketEvents is the ticket's history with names in place of ids.
func (s *Server) ticketEvents(r *http.Request, u *users.User, loc *i18n.Localizer, id int64) ([]eventLine, error) {
	events, err := s.Tickets.EventRows(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	people, err := s.Tickets.EventPeople(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	out := make([]eventLine, 0, len(events))
	for _, e := range events {
		name := e.ActorName
		if e.ActorID == 0 {
			name = loc.T("journal.system")
		}
		whom := ""
		if n, err := strconv.ParseInt(e.Detail, 10, 64); err == nil {
			if p, ok := people[n]; ok {
				whom = p.Name
			}
		}
		l := eventLine{When: s.stamp(&e.CreatedAt), Kind: e.Kind}
		switch e.Kind {
		case tickets.EventRouted:
			switch e.Detail {
			case tickets.RoutedByDefault:
				l.Text = loc.T("journal.event_routed_default")
			case tickets.RoutedByNone:
				l.Text = loc.T("journal.event_routed_none")
			default:
				l.Text = loc.T("journal.event_routed_rule", "Rule", e.Detail)
			}
		case tickets.EventAssigned:
			l.Text = loc.T("journal.event_assigned", "Assignee", whom)
		case tickets.EventReassigned:
			l.Text = loc.T("journal.event_reassigned", "Name", name, "Assignee", whom)
		case tickets.EventDone, tickets.EventCancelled, tickets.EventComment:
			l.Text, l.Detail = loc.T("journal.event_"+e.Kind, "Name", name), e.Detail
		case tickets.EventFiled, tickets.EventTaken, tickets.EventStarted, tickets.EventReopened, tickets.EventFollowed:
			l.Text = loc.T("journal.event_"+e.Kind, "Name", name)
		default:
			l.Text = loc.T("journal.event_other", "Name", name, "Kind", e.Kind)
		}
		out = append(out, l)
	}
	return out, nil
}
