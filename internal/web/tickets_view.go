package web

import (
	"strings"
	"unicode/utf8"

	"smartservice/internal/i18n"
	"smartservice/internal/tickets"
)

// This file holds how tickets look wherever pages list them (the journal, the
// ticket page, the home pages): one status chip per status, one line per ticket.

// statusChip is a ticket's status as a coloured chip; the colour comes from the
// class (app.css, "Tickets" section), the same on every page.
type statusChip struct {
	Class, Label string
}

func newStatusChip(loc *i18n.Localizer, st tickets.Status) statusChip {
	return statusChip{Class: "tstatus tstatus-" + strings.ReplaceAll(string(st), "_", "-"), Label: loc.T("journal.status_" + string(st))}
}

// ticketLine is one ticket in a list, in the reader's language.
type ticketLine struct {
	ID                 int64
	Number, Href       string
	Problem, Kind      string
	Device, Location   string
	Status             statusChip
	Department         string
	Assignee, Reporter string
	Created, Age       string
	Comment            string
	HasPhoto, Unrouted bool
	Followers          int
	// Limited: the reader only follows the ticket; the domain left out the
	// reporter, the comment and the photo (tickets.Row.Limited).
	Limited bool
	// UpkeepPlanID: filed by that upkeep plan (its badge and link).
	UpkeepPlanID int64
	// SLA is the ticket's service level (sla_view.go).
	SLA slaChip
}

// snippetLen is how much of a comment a list shows.
const snippetLen = 140

// snippet shortens s to n characters on a word boundary, with an ellipsis.
func snippet(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := string(r)
	if i := strings.LastIndexByte(cut, ' '); i > n/2 {
		cut = cut[:i]
	}
	return strings.TrimRight(cut, " ,.;:") + "…"
}

// ticketLine turns a domain row into a list line.
func (s *Server) ticketLine(loc *i18n.Localizer, r *tickets.Row) ticketLine {
	l := ticketLine{ID: r.ID, Number: r.Number(), Href: "/tickets/" + itoa(r.ID),
		Problem: loc.Name(r.ProblemEN, r.ProblemRU), Kind: loc.Name(r.TypeEN, r.TypeRU) + " · " + loc.Name(r.ClassEN, r.ClassRU),
		Device: r.AssetName, Location: r.Location, Status: newStatusChip(loc, r.Status),
		Department: loc.Name(r.DepartmentEN, r.DepartmentRU), Assignee: r.AssigneeName, Reporter: r.ReporterName,
		Created: s.stamp(&r.CreatedAt), Age: ago(loc, r.CreatedAt, s.Now()), Comment: snippet(r.Comment, snippetLen),
		HasPhoto: r.HasPhoto, Unrouted: r.DepartmentID == 0, Followers: r.FollowersCount, Limited: r.Limited,
		UpkeepPlanID: r.UpkeepPlanID}
	l.SLA = s.slaChip(loc, &r.Ticket)
	return l
}

// ticketLines turns domain rows into list lines.
func (s *Server) ticketLines(loc *i18n.Localizer, rows []tickets.Row) []ticketLine {
	out := make([]ticketLine, 0, len(rows))
	for i := range rows {
		out = append(out, s.ticketLine(loc, &rows[i]))
	}
	return out
}
