package web

import (
	"strings"

	"smartservice/internal/i18n"
	"smartservice/internal/sla"
	"smartservice/internal/tickets"
)

// slaChip is a ticket's service-level state as words in a coloured chip (the
// colour repeats the words, never replaces them), with its due times for the
// ticket page. Label is "" for a ticket with no target: nothing is shown.
type slaChip struct {
	Class, Label   string
	TakeBy, DoneBy string
	// The labels the ticket page's partial needs (it has no localizer).
	StateLabel, TakeByLabel, DoneByLabel string
}

func (s *Server) slaChip(loc *i18n.Localizer, t *tickets.Ticket) slaChip {
	c := slaChip{StateLabel: loc.T("sla.state_label"), TakeByLabel: loc.T("sla.take_by"), DoneByLabel: loc.T("sla.done_by")}
	if st := t.SLAState(s.Now()); st != sla.StateNone {
		c.Class = "tstatus sla sla-" + strings.ReplaceAll(string(st), "_", "-")
		c.Label = loc.T("sla.state_" + string(st))
	}
	if t.TakeBy != nil && t.Status != tickets.StatusCancelled {
		c.TakeBy = s.stamp(t.TakeBy)
	}
	if t.DoneBy != nil && t.Status != tickets.StatusCancelled {
		c.DoneBy = s.stamp(t.DoneBy)
	}
	return c
}

// slaEventText is the history line of a service-level escalation.
func slaEventText(loc *i18n.Localizer, e tickets.EventRow) string {
	clock := tickets.ClockDone
	if e.Detail == tickets.ClockTake {
		clock = tickets.ClockTake
	}
	if e.Kind == tickets.EventSLABreached {
		return loc.T("sla.event_breached_" + clock)
	}
	return loc.T("sla.event_at_risk_" + clock)
}
