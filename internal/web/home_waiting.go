package web

import (
	"net/http"
	"slices"
	"strings"

	"smartservice/internal/i18n"
	"smartservice/internal/tickets"
)

// waitingSection is the heads' and admins' list of tickets nobody can take now
// (tickets.Desk.Waiting), each with the form that moves it on: assign it to one of
// its department's executors, or, unrouted, send it to a department.
type waitingSection struct {
	Href  string
	Lines []waitingLine
}

// waitingLine is a waiting ticket and its form. Action is "reassign" (Choices are
// executors, field assignee_id) or "send" (Choices are departments, field
// department_id); no Choices means the department has nobody to assign to.
type waitingLine struct {
	ticketLine
	Action, Field string
	Choices       []option
}

// waitingSection builds the waiting list of desk; href is the journal's queue.
func (s *Server) waitingSection(r *http.Request, loc *i18n.Localizer, desk *tickets.Desk, href string) (*waitingSection, error) {
	ws := &waitingSection{Href: href}
	var depts []option
	for i := range desk.Waiting {
		row := &desk.Waiting[i]
		l := waitingLine{ticketLine: s.ticketLine(loc, row), Action: "reassign", Field: "assignee_id"}
		if row.DepartmentID == 0 {
			if depts == nil {
				all, err := s.Users.ListDepartments(r.Context())
				if err != nil {
					return nil, err
				}
				for _, d := range all {
					depts = append(depts, option{Value: itoa(d.ID), Label: loc.Name(d.NameEN, d.NameRU)})
				}
				slices.SortFunc(depts, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
			}
			l.Action, l.Field, l.Choices = "send", "department_id", depts
		} else {
			for _, p := range desk.Executors[row.DepartmentID] {
				l.Choices = append(l.Choices, option{Value: itoa(p.ID), Label: p.Name})
			}
		}
		ws.Lines = append(ws.Lines, l)
	}
	return ws, nil
}
