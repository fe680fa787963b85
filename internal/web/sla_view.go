package web

import (
	"strings"

	"smartservice/internal/i18n"
	"smartservice/internal/reports"
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

// reportSLARow is a row of the report's service-level table: a group and its
// two shares as words ("92% (46 of 50)"), "—" without a target.
type reportSLARow struct {
	Kind, Name, Taken, Done string
}

func reportSLARows(loc *i18n.Localizer, r reports.SLA) []reportSLARow {
	pct := func(met, of int64) string {
		if of == 0 {
			return "—"
		}
		return loc.T("sla.report_share", "Share", met*100/of, "Met", met, "Of", of)
	}
	var out []reportSLARow
	add := func(kind string, lines []reports.SLALine) {
		for _, l := range lines {
			name := loc.Name(l.NameEN, l.NameRU)
			if l.ID == 0 && kind != "" {
				name = loc.T("reports.nobody")
			}
			out = append(out, reportSLARow{Kind: kind, Name: name, Taken: pct(l.TakeMet, l.TakeOf), Done: pct(l.DoneMet, l.DoneOf)})
		}
	}
	out = append(out, reportSLARow{Name: loc.T("reports.this_period"), Taken: pct(r.Total.TakeMet, r.Total.TakeOf), Done: pct(r.Total.DoneMet, r.Total.DoneOf)})
	add(loc.T("sla.report_by_department"), r.Departments)
	add(loc.T("sla.report_by_problem"), r.Problems)
	add(loc.T("sla.report_by_executor"), r.Executors)
	return out
}
