package reports_test

import (
	"slices"
	"testing"
	"time"

	"smartservice/internal/reports"
)

// wantSLA is the straightforward computation of the service-level section: of
// the tickets done now and completed in p with a target, by department, problem
// type and executor, how many kept each target (a due time itself is in time).
func (o *office) wantSLA(p reports.Period, deps []int64) reports.SLA {
	start, end := p.From, time.Date(p.To.Year(), p.To.Month(), p.To.Day()+1, 0, 0, 0, 0, o.loc)
	var out reports.SLA
	deptOf, probOf, execOf := map[int64]*reports.SLALine{}, map[int64]*reports.SLALine{}, map[int64]*reports.SLALine{}
	add := func(m map[int64]*reports.SLALine, id int64, n reports.SLALine) {
		l := m[id]
		if l == nil {
			l = &reports.SLALine{ID: id}
			m[id] = l
		}
		l.TakeOf, l.TakeMet, l.DoneOf, l.DoneMet = l.TakeOf+n.TakeOf, l.TakeMet+n.TakeMet, l.DoneOf+n.DoneOf, l.DoneMet+n.DoneMet
	}
	for _, k := range o.tickets {
		if deps != nil && !slices.Contains(deps, k.dep) || k.status != "done" || k.done == nil ||
			k.done.Before(start) || !k.done.Before(end) || k.takeBy == nil && k.doneBy == nil {
			continue
		}
		var n reports.SLALine
		if k.takeBy != nil {
			n.TakeOf = 1
			taken := k.done
			if k.taken != nil {
				taken = k.taken
			}
			if !taken.After(*k.takeBy) {
				n.TakeMet = 1
			}
		}
		if k.doneBy != nil {
			n.DoneOf = 1
			if !k.done.After(*k.doneBy) {
				n.DoneMet = 1
			}
		}
		add(deptOf, k.dep, n)
		add(probOf, k.problem, n)
		add(execOf, k.assignee, n)
		add(map[int64]*reports.SLALine{0: &out.Total}, 0, n)
	}
	lines := func(m map[int64]*reports.SLALine) []reports.SLALine {
		out := []reports.SLALine{}
		for _, l := range m {
			out = append(out, *l)
		}
		slices.SortFunc(out, func(a, b reports.SLALine) int { return int(a.ID - b.ID) })
		return out
	}
	out.Departments, out.Problems, out.Executors = lines(deptOf), lines(probOf), lines(execOf)
	return out
}

// checkSLA compares the report's service-level section with wantSLA, line by
// line (ids and counts; a named group has its name).
func (o *office) checkSLA(t *testing.T, what string, rep *reports.Report, p reports.Period, deps []int64) {
	t.Helper()
	want := o.wantSLA(p, deps)
	same := func(a, b reports.SLALine) bool {
		return a.ID == b.ID && a.TakeOf == b.TakeOf && a.TakeMet == b.TakeMet && a.DoneOf == b.DoneOf && a.DoneMet == b.DoneMet
	}
	if !same(rep.SLA.Total, want.Total) {
		t.Errorf("%s: service levels in total\n got %+v\nwant %+v", what, rep.SLA.Total, want.Total)
	}
	for _, c := range []struct {
		name      string
		got, want []reports.SLALine
	}{
		{"department", rep.SLA.Departments, want.Departments},
		{"problem", rep.SLA.Problems, want.Problems},
		{"executor", rep.SLA.Executors, want.Executors},
	} {
		if !slices.EqualFunc(c.got, c.want, same) {
			t.Errorf("%s: service levels by %s\n got %+v\nwant %+v", what, c.name, c.got, c.want)
		}
		for _, l := range c.got {
			if l.ID != 0 && l.NameEN == "" {
				t.Errorf("%s: %s %d has no name", what, c.name, l.ID)
			}
		}
	}
}
