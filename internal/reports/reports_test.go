package reports_test

import (
	"cmp"
	"math"
	"slices"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/reports"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

// want is the straightforward computation of a report: every ticket looked at
// once, in Go.
func (o *office) want(p reports.Period, deps []int64) reports.Figures {
	in := func(k tkt) bool { return deps == nil || slices.Contains(deps, k.dep) }
	start, end := p.From, time.Date(p.To.Year(), p.To.Month(), p.To.Day()+1, 0, 0, 0, 0, o.loc)
	within := func(x *time.Time) bool { return x != nil && !x.Before(start) && x.Before(end) }
	before := func(x *time.Time) bool { return x != nil && x.Before(end) }
	var f reports.Figures
	var comp, first []time.Duration
	for _, k := range o.tickets {
		if !in(k) {
			continue
		}
		c := k.created
		if within(&c) {
			f.Created++
		}
		if within(k.done) {
			f.Completed++
			comp = append(comp, k.done.Sub(k.created))
		}
		if within(k.cancelled) {
			f.Cancelled++
		}
		if c.Before(end) && !before(k.done) && !before(k.cancelled) {
			f.OpenAtEnd++
		}
		if within(k.started) && k.assigned != nil {
			first = append(first, k.started.Sub(*k.assigned))
		}
	}
	f.Completion, f.FirstAction = spreadOf(comp), spreadOf(first)
	return f
}

// spreadOf is the nearest-rank definition, by sorting.
func spreadOf(ds []time.Duration) reports.Spread {
	if len(ds) == 0 {
		return reports.Spread{}
	}
	slices.Sort(ds)
	var sum time.Duration
	for _, d := range ds {
		sum += d
	}
	n := len(ds)
	rank := func(p float64) time.Duration { return ds[int(math.Ceil(p*float64(n)))-1] }
	avg := time.Duration(math.Round(float64(sum)/float64(n)/float64(time.Second))) * time.Second
	return reports.Spread{Count: int64(n), Avg: avg, Median: rank(0.5), P90: rank(0.9)}
}

func checkFigures(t *testing.T, what string, got, want reports.Figures) {
	t.Helper()
	// The average may differ by a rounding step: the database sums floats.
	near := func(a, b time.Duration) bool { return a-b <= time.Second && b-a <= time.Second }
	if got.Created != want.Created || got.Completed != want.Completed || got.Cancelled != want.Cancelled || got.OpenAtEnd != want.OpenAtEnd ||
		got.Completion.Count != want.Completion.Count || got.Completion.Median != want.Completion.Median || got.Completion.P90 != want.Completion.P90 ||
		!near(got.Completion.Avg, want.Completion.Avg) || got.FirstAction.Count != want.FirstAction.Count ||
		got.FirstAction.Median != want.FirstAction.Median || got.FirstAction.P90 != want.FirstAction.P90 || !near(got.FirstAction.Avg, want.FirstAction.Avg) {
		t.Errorf("%s:\n got %+v\nwant %+v", what, got, want)
	}
}

func TestSummaryMatchesStraightforwardComputation(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		o.generate(t, 400, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2026, 4, 6, 9, 0, 0, 0, time.UTC))
		period := reports.Period{From: time.Date(2026, 3, 23, 0, 0, 0, 0, o.loc), To: time.Date(2026, 4, 3, 0, 0, 0, 0, o.loc)}
		cases := []struct {
			name string
			rep  func() (*reports.Report, error)
			deps []int64
		}{
			{"admin, every department", func() (*reports.Report, error) {
				return o.svc.Summary(o.ctx, o.admin, reports.Query{Period: period})
			}, nil},
			{"admin, facilities", func() (*reports.Report, error) {
				return o.svc.Summary(o.ctx, o.admin, reports.Query{Period: period, DepartmentID: o.fac})
			}, []int64{o.fac}},
			{"head of it, default", func() (*reports.Report, error) {
				return o.svc.Summary(o.ctx, o.boss, reports.Query{Period: period})
			}, []int64{o.it}},
			{"head of it, it", func() (*reports.Report, error) {
				return o.svc.Summary(o.ctx, o.boss, reports.Query{Period: period, DepartmentID: o.it})
			}, []int64{o.it}},
		}
		for _, c := range cases {
			t.Run(c.name, func(t *testing.T) {
				rep := must(c.rep())(t)
				want := o.want(period, c.deps)
				if want.Created < 30 || want.Completion.Count < 10 {
					t.Fatalf("the test office is too thin to test anything: %+v", want)
				}
				checkFigures(t, "this period", rep.Current, want)
				checkFigures(t, "previous period", rep.Before, o.want(period.Previous(), c.deps))
				o.checkDays(t, rep, c.deps)
				o.checkBreakdowns(t, rep, period, c.deps)
				o.checkBacklog(t, rep, c.deps)
				o.checkSLA(t, "this period", rep, period, c.deps)
				if sl := o.wantSLA(period, c.deps).Total; sl.TakeOf < 5 || sl.DoneOf < 5 || sl.TakeMet == 0 || sl.DoneMet == 0 ||
					sl.TakeMet == sl.TakeOf || sl.DoneMet == sl.DoneOf {
					t.Fatalf("the test office's service levels are too thin to test anything: %+v", sl)
				}
			})
		}
	})
}

// checkDays compares the series with the tickets' local dates, as Go's time
// zone database computes them.
func (o *office) checkDays(t *testing.T, rep *reports.Report, deps []int64) {
	t.Helper()
	in := func(k tkt) bool { return deps == nil || slices.Contains(deps, k.dep) }
	created, done := map[string]int64{}, map[string]int64{}
	for _, k := range o.tickets {
		if !in(k) {
			continue
		}
		created[k.created.In(o.loc).Format(reports.DateLayout)]++
		if k.done != nil {
			done[k.done.In(o.loc).Format(reports.DateLayout)]++
		}
	}
	if len(rep.Days) != rep.Period.Days() {
		t.Fatalf("%d days in the series, want %d", len(rep.Days), rep.Period.Days())
	}
	var sum int64
	for i, dd := range rep.Days {
		key := dd.Date.Format(reports.DateLayout)
		from := rep.Period.From
		if want := time.Date(from.Year(), from.Month(), from.Day()+i, 0, 0, 0, 0, o.loc); !dd.Date.Equal(want) {
			t.Errorf("day %d is %s, want %s", i, dd.Date, want)
		}
		if dd.Created != created[key] || dd.Completed != done[key] {
			t.Errorf("%s: created %d completed %d, want %d %d", key, dd.Created, dd.Completed, created[key], done[key])
		}
		sum += dd.Created
	}
	if sum != rep.Current.Created {
		t.Errorf("the days add up to %d, the period says %d", sum, rep.Current.Created)
	}
	if deps == nil || slices.Contains(deps, o.it) {
		// The placed tickets: two on the 29th (one at 00:30 CET, one at 23:59 CEST).
		if created["2026-03-29"] < 2 || created["2026-03-30"] < 1 {
			t.Errorf("the placed tickets are not on their days: %v", created)
		}
	}
}

func (o *office) checkBreakdowns(t *testing.T, rep *reports.Report, p reports.Period, deps []int64) {
	t.Helper()
	start, end := p.From, time.Date(p.To.Year(), p.To.Month(), p.To.Day()+1, 0, 0, 0, 0, o.loc)
	byDep, byClass, byType, byProblem, byDevice := map[int64]int64{}, map[int64]int64{}, map[int64]int64{}, map[int64]int64{}, map[int64]int64{}
	type ex struct {
		n   int64
		sum time.Duration
	}
	byExec := map[int64]*ex{}
	for _, k := range o.tickets {
		if deps != nil && !slices.Contains(deps, k.dep) {
			continue
		}
		if !k.created.Before(start) && k.created.Before(end) {
			byDep[k.dep]++
			byClass[o.classOf[k.asset]]++
			byType[o.typeOf[k.asset]]++
			byProblem[k.problem]++
			byDevice[k.asset]++
		}
		if k.done != nil && !k.done.Before(start) && k.done.Before(end) {
			e := byExec[k.assignee]
			if e == nil {
				e = &ex{}
				byExec[k.assignee] = e
			}
			e.n++
			e.sum += k.done.Sub(k.created)
		}
	}
	same := func(what string, got []reports.Line, want map[int64]int64) {
		t.Helper()
		m := map[int64]int64{}
		for i, l := range got {
			m[l.ID] = l.Created
			if i > 0 && got[i-1].Created < l.Created {
				t.Errorf("%s: not sorted, most first: %+v", what, got)
			}
			if l.NameEN == "" && l.ID != 0 {
				t.Errorf("%s: line %d has no name", what, l.ID)
			}
		}
		if len(m) != len(want) {
			t.Errorf("%s: %v, want %v", what, m, want)
			return
		}
		for id, n := range want {
			if m[id] != n {
				t.Errorf("%s: %v, want %v", what, m, want)
				return
			}
		}
	}
	same("departments", rep.Departments, byDep)
	same("classes", rep.Classes, byClass)
	same("types", rep.Types, byType)
	same("problems", rep.Problems, byProblem)
	// The devices: the ten with most incidents (ties by name).
	type dv struct {
		id int64
		n  int64
	}
	var all []dv
	for id, n := range byDevice {
		all = append(all, dv{id, n})
	}
	slices.SortFunc(all, func(a, b dv) int {
		return cmp.Or(cmp.Compare(b.n, a.n), cmp.Compare(o.deviceName[a.id], o.deviceName[b.id]))
	})
	if len(all) > reports.DevicesShown {
		all = all[:reports.DevicesShown]
	}
	if len(rep.Devices) != len(all) {
		t.Fatalf("devices: %+v, want %+v", rep.Devices, all)
	}
	for i, l := range rep.Devices {
		if l.ID != all[i].id || l.Created != all[i].n || l.Code == "" {
			t.Errorf("device %d: %+v, want %+v", i, l, all[i])
		}
	}
	if len(rep.Executors) != len(byExec) {
		t.Fatalf("executors: %+v, want %d", rep.Executors, len(byExec))
	}
	for _, l := range rep.Executors {
		e := byExec[l.ID]
		if e == nil || e.n != l.Completed {
			t.Errorf("executor %d: %+v, want %+v", l.ID, l, e)
			continue
		}
		avg := time.Duration(math.Round(float64(e.sum)/float64(e.n)/float64(time.Second))) * time.Second
		if d := l.AvgCompletion - avg; d > time.Second || d < -time.Second {
			t.Errorf("executor %d: average %s, want %s", l.ID, l.AvgCompletion, avg)
		}
	}
}

func (o *office) checkBacklog(t *testing.T, rep *reports.Report, deps []int64) {
	t.Helper()
	var want reports.Backlog
	for _, k := range o.tickets {
		if deps != nil && !slices.Contains(deps, k.dep) || k.done != nil || k.cancelled != nil {
			continue
		}
		age := o.now.Sub(k.created)
		want.Open++
		if age > time.Hour {
			want.OverHour++
		}
		if age > 24*time.Hour {
			want.OverDay++
		}
		if age > 7*24*time.Hour {
			want.OverWeek++
		}
	}
	if rep.Backlog != want {
		t.Errorf("backlog %+v, want %+v", rep.Backlog, want)
	}
}

func TestEmptyPeriodIsZeros(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		p := reports.Period{From: time.Date(2020, 1, 1, 0, 0, 0, 0, o.loc), To: time.Date(2020, 1, 31, 0, 0, 0, 0, o.loc)}
		rep := must(o.svc.Summary(o.ctx, o.admin, reports.Query{Period: p}))(t)
		if rep.Current != (reports.Figures{}) || len(rep.Days) != 31 || len(rep.Departments) != 0 || len(rep.Executors) != 0 || len(rep.Devices) != 0 {
			t.Fatalf("empty period: %+v", rep)
		}
		for _, dd := range rep.Days {
			if dd.Created != 0 || dd.Completed != 0 {
				t.Fatalf("day %+v", dd)
			}
		}
	})
}

func TestWhoMayReport(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		p := reports.LastDays(o.now, o.loc, 7)
		for _, c := range []struct {
			name string
			q    reports.Query
			code apperr.Code
		}{
			{"employee", reports.Query{Period: p}, apperr.Forbidden},
			{"executor", reports.Query{Period: p}, apperr.Forbidden},
			{"head of nothing", reports.Query{Period: p}, apperr.Forbidden},
			{"head, another department", reports.Query{Period: p, DepartmentID: o.fac}, apperr.NotFound},
			{"admin, no such department", reports.Query{Period: p, DepartmentID: 987654}, apperr.NotFound},
			{"nobody", reports.Query{Period: p}, apperr.Unauthenticated},
		} {
			actor := map[string]*users.User{"employee": o.emp, "executor": o.x, "head of nothing": o.lost,
				"head, another department": o.boss, "admin, no such department": o.admin, "nobody": nil}[c.name]
			_, err := o.svc.Summary(o.ctx, actor, c.q)
			if apperr.CodeOf(err) != c.code {
				t.Errorf("%s: %v, want %s", c.name, err, c.code)
			}
		}
		// The head of a department that does not exist gets the same answer as the
		// head of another one.
		_, e1 := o.svc.Summary(o.ctx, o.boss, reports.Query{Period: p, DepartmentID: 987654})
		_, e2 := o.svc.Summary(o.ctx, o.boss, reports.Query{Period: p, DepartmentID: o.fac})
		if apperr.As(e1) == nil || apperr.As(e2) == nil || apperr.As(e1).Code != apperr.As(e2).Code || apperr.As(e1).Key != apperr.As(e2).Key {
			t.Errorf("absent %v and not led %v differ", e1, e2)
		}
	})
}
