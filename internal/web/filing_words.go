package web

import (
	"time"

	"smartservice/internal/i18n"
	"smartservice/internal/tickets"
)

// This file holds the words the filing pages share: how long ago a ticket was
// reported and who is on it, as people say it ("12 minutes ago — Ivan is on it").

// ago says how long before now t was, in the largest unit that is at least one.
func ago(loc *i18n.Localizer, t, now time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return loc.T("filing.ago_now")
	case d < time.Hour:
		return loc.T("filing.ago_minutes", "Count", int(d/time.Minute))
	case d < 24*time.Hour:
		return loc.T("filing.ago_hours", "Count", int(d/time.Hour))
	default:
		return loc.T("filing.ago_days", "Count", int(d/(24*time.Hour)))
	}
}

// whoIsOnIt says who works an open ticket: its executor, or that it waits for one.
func whoIsOnIt(loc *i18n.Localizer, status tickets.Status, assignee string) string {
	switch {
	case assignee == "":
		return loc.T("filing.waiting_executor")
	case status == tickets.StatusInProgress:
		return loc.T("filing.working_on_it", "Name", assignee)
	default:
		return loc.T("filing.on_it", "Name", assignee)
	}
}

// openTicketLine is one open ticket on a device, as the device page and the form
// show it to anyone who may see the device.
type openTicketLine struct {
	ID        int64
	Number    string
	Problem   string
	Reported  string
	Who       string
	Following bool
}

func (s *Server) openTicketLine(loc *i18n.Localizer, o tickets.OpenTicket) openTicketLine {
	return openTicketLine{ID: o.ID, Number: o.Number(), Problem: loc.Name(o.ProblemEN, o.ProblemRU), Following: o.Following,
		Reported: loc.T("filing.reported", "Ago", ago(loc, o.CreatedAt, s.Now())), Who: whoIsOnIt(loc, o.Status, o.AssigneeName)}
}
