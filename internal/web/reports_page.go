package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/i18n"
	"smartservice/internal/reports"
	"smartservice/internal/users"
)

// reportData is the report page: the period and department chooser, and the
// report when the query was valid.
type reportData struct {
	Form        *form
	Departments []option
	// AllLabel names the "every department" choice (all, or all of mine).
	AllLabel string
	Presets  []reportPreset
	// Invalid: the query did not parse; the page shows why instead of a report.
	Invalid bool
	Report  *reportView
}

// reportPreset is a link to a common period (the department kept).
type reportPreset struct {
	Label, Href string
	Current     bool
}

// reportView is a computed report, formatted for reading.
type reportView struct {
	Period, Previous, Zone string
	ChartTitle, ChartMax   string
	// Approx says that the percentiles are approximate (a long period).
	Approx  string
	Figures []reportFigure
	Chart   reportChart
	Days    []reportDay
	// DaysOpen: the day table starts unfolded (a month or less).
	DaysOpen, Empty bool
	Breakdowns      []reportBreakdown
	Executors       []reportLine
	Backlog         []reportFigure
	// Upkeep is the upkeep section (partials/upkeep.html).
	Upkeep reports.Upkeep
	// SLA is the service-level section (sla_view.go).
	SLA       []reportSLARow
	CSV, XLSX string
}

// reportFigure is a figure beside the previous period's, with the change.
type reportFigure struct {
	Label, Now, Before, Change string
}

// reportDay is a row of the day table.
type reportDay struct {
	Date               string
	Created, Completed int64
}

// reportBreakdown is one breakdown table.
type reportBreakdown struct {
	ID, Title string
	Lines     []reportLine
}

// reportLine is a breakdown row linking to the journal filtered the same way.
type reportLine struct {
	Name, Code, Href, Avg string
	N                     int64
}

// reportsPage is GET /reports: the period report of heads (their departments)
// and administrators (all). The domain decides who may see what; a query that
// does not parse is shown back with its errors.
func (s *Server) reportsPage(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if !reports.MayReport(u) {
		s.fail(w, r, apperr.New(apperr.Forbidden, "error.forbidden"))
		return
	}
	loc := s.localizer(r)
	rq := s.reportFilter(r, loc)
	d := &reportData{Form: rq.form}
	if err := s.reportChoices(r, u, rq, d); err != nil {
		s.serverError(w, r, err)
		return
	}
	status := http.StatusOK
	if len(rq.form.Errors) > 0 {
		status, d.Invalid = http.StatusUnprocessableEntity, true
		s.render(w, r, status, "reports", "reports.title", d)
		return
	}
	rep, err := s.Reports.Summary(r.Context(), u, rq.q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Report = s.reportView(loc, rep, rq)
	s.render(w, r, status, "reports", "reports.title", d)
}

// reportChoices fills the department select and the period presets.
func (s *Server) reportChoices(r *http.Request, u *users.User, rq *reportQuery, d *reportData) error {
	loc := s.localizer(r)
	deps := u.Departments
	d.AllLabel = loc.T("reports.my_departments")
	if u.IsAdmin() {
		all, err := s.Users.ListDepartments(r.Context())
		if err != nil {
			return err
		}
		deps, d.AllLabel = all, loc.T("reports.all_departments")
	}
	for _, dp := range deps {
		d.Departments = append(d.Departments, option{Value: itoa(dp.ID), Label: loc.Name(dp.NameEN, dp.NameRU), Selected: dp.ID == rq.q.DepartmentID})
	}
	slices.SortFunc(d.Departments, func(a, b option) int { return strings.Compare(a.Label, b.Label) })
	now, zone := s.Reports.Now(), s.Reports.Location()
	for _, p := range []struct {
		key string
		p   reports.Period
	}{{"reports.preset_today", reports.Today(now, zone)}, {"reports.preset_7d", reports.LastDays(now, zone, 7)},
		{"reports.preset_this_month", reports.ThisMonth(now, zone)}, {"reports.preset_last_month", reports.LastMonth(now, zone)}} {
		v := url.Values{"from": {p.p.From.Format(reports.DateLayout)}, "to": {p.p.To.Format(reports.DateLayout)}}
		if x := rq.keep.Get("department_id"); x != "" {
			v.Set("department_id", x)
		}
		cur := rq.q.Period.From.Equal(p.p.From) && rq.q.Period.To.Equal(p.p.To)
		d.Presets = append(d.Presets, reportPreset{Label: loc.T(p.key), Href: reportHref("/reports", v), Current: cur})
	}
	return nil
}

// dateText writes a day the way the reader's language does.
func dateText(loc *i18n.Localizer, t time.Time) string {
	if loc.Lang() == "ru" {
		return t.Format("02.01.2006")
	}
	return t.Format("2 Jan 2006")
}

// humanDuration writes a duration in the units people use: "2 h 15 min".
func humanDuration(loc *i18n.Localizer, d time.Duration, count int64) string {
	if count == 0 {
		return loc.T("reports.dur_none")
	}
	sec := int64(d / time.Second)
	switch {
	case sec < 60:
		return loc.T("reports.dur_s", "S", sec)
	case sec < 3600:
		return loc.T("reports.dur_m", "M", sec/60)
	case sec < 86400:
		return loc.T("reports.dur_hm", "H", sec/3600, "M", sec%3600/60)
	}
	return loc.T("reports.dur_dh", "D", sec/86400, "H", sec%86400/3600)
}

// countChange is "+5 (+12%)", "−3 (−20%)" or "0"; the percentage only when the
// previous period had any.
func countChange(now, before int64) string {
	diff := now - before
	out := signed(diff)
	if before > 0 && diff != 0 {
		out += " (" + signed(diff*100/before) + "%)"
	}
	return out
}

func signed(n int64) string {
	switch {
	case n > 0:
		return "+" + strconv.FormatInt(n, 10)
	case n < 0:
		return "−" + strconv.FormatInt(-n, 10)
	}
	return "0"
}

// durationChange is the difference of two durations in human units, signed.
func durationChange(loc *i18n.Localizer, now, before reports.Spread, pick func(reports.Spread) time.Duration) string {
	if now.Count == 0 || before.Count == 0 {
		return loc.T("reports.dur_none")
	}
	diff := pick(now) - pick(before)
	switch {
	case diff > 0:
		return "+" + humanDuration(loc, diff, 1)
	case diff < 0:
		return "−" + humanDuration(loc, -diff, 1)
	}
	return "0"
}

// reportView formats rep for the page.
func (s *Server) reportView(loc *i18n.Localizer, rep *reports.Report, rq *reportQuery) *reportView {
	v := &reportView{
		Period:   loc.T("reports.period_label", "From", dateText(loc, rep.Period.From), "To", dateText(loc, rep.Period.To)),
		Previous: loc.T("reports.previous", "From", dateText(loc, rep.Previous.From), "To", dateText(loc, rep.Previous.To)),
		Zone:     s.Reports.Location().String(),
	}
	// The exports name the period the page shows, so a file downloaded after
	// midnight still matches it.
	ex := url.Values{"from": {rep.Period.From.Format(reports.DateLayout)}, "to": {rep.Period.To.Format(reports.DateLayout)}}
	if rep.DepartmentID != 0 {
		ex.Set("department_id", itoa(rep.DepartmentID))
	}
	v.CSV, v.XLSX = reportHref("/reports/export.csv", ex), reportHref("/reports/export.xlsx", ex)
	v.ChartTitle = loc.T("reports.chart_title", "From", dateText(loc, rep.Period.From), "To", dateText(loc, rep.Period.To))
	c, b := rep.Current, rep.Before
	count := func(key string, now, before int64) {
		v.Figures = append(v.Figures, reportFigure{Label: loc.T(key), Now: strconv.FormatInt(now, 10), Before: strconv.FormatInt(before, 10), Change: countChange(now, before)})
	}
	spread := func(key string, now, before reports.Spread, pick func(reports.Spread) time.Duration) {
		v.Figures = append(v.Figures, reportFigure{Label: loc.T(key), Now: humanDuration(loc, pick(now), now.Count),
			Before: humanDuration(loc, pick(before), before.Count), Change: durationChange(loc, now, before, pick)})
	}
	avg := func(x reports.Spread) time.Duration { return x.Avg }
	med := func(x reports.Spread) time.Duration { return x.Median }
	p90 := func(x reports.Spread) time.Duration { return x.P90 }
	if c.Completion.Approx || c.FirstAction.Approx || b.Completion.Approx || b.FirstAction.Approx {
		v.Approx = loc.T("reports.approx_hint", "Days", reports.ApproxAfterDays)
	}
	count("reports.created", c.Created, b.Created)
	count("reports.completed", c.Completed, b.Completed)
	count("reports.cancelled", c.Cancelled, b.Cancelled)
	count("reports.open_at_end", c.OpenAtEnd, b.OpenAtEnd)
	spread("reports.completion_median", c.Completion, b.Completion, med)
	spread("reports.completion_avg", c.Completion, b.Completion, avg)
	spread("reports.completion_p90", c.Completion, b.Completion, p90)
	spread("reports.first_action_median", c.FirstAction, b.FirstAction, med)
	spread("reports.first_action_avg", c.FirstAction, b.FirstAction, avg)
	spread("reports.first_action_p90", c.FirstAction, b.FirstAction, p90)

	var top int64
	v.Empty = true
	for _, d := range rep.Days {
		v.Days = append(v.Days, reportDay{Date: dateText(loc, d.Date), Created: d.Created, Completed: d.Completed})
		top = max(top, d.Created, d.Completed)
		if d.Created > 0 || d.Completed > 0 {
			v.Empty = false
		}
	}
	v.ChartMax = loc.T("reports.chart_max", "N", top)
	v.DaysOpen = len(rep.Days) <= 31
	short := "2 Jan"
	if loc.Lang() == "ru" {
		short = "02.01"
	}
	v.Chart = newReportChart(rep.Days, func(d reports.Day) string { return d.Date.Format(short) },
		func(d reports.Day, done bool) string {
			if done {
				return dateText(loc, d.Date) + ": " + loc.T("reports.completed") + " " + strconv.FormatInt(d.Completed, 10)
			}
			return dateText(loc, d.Date) + ": " + loc.T("reports.created") + " " + strconv.FormatInt(d.Created, 10)
		})

	// Links to the journal: the same period (by filing date) and department.
	base := url.Values{"from": {rep.Period.From.Format(reports.DateLayout)}, "to": {rep.Period.To.Format(reports.DateLayout)}}
	if rep.DepartmentID != 0 {
		base.Set("department", itoa(rep.DepartmentID))
	}
	link := func(key string, id int64) string {
		if id == 0 {
			return ""
		}
		q := cloneValues(base)
		q.Set(key, itoa(id))
		return journalHref("/tickets", q)
	}
	lines := func(ls []reports.Line, key, none string) []reportLine {
		var out []reportLine
		for _, l := range ls {
			name := loc.Name(l.NameEN, l.NameRU)
			if l.ID == 0 {
				name = loc.T(none)
			}
			out = append(out, reportLine{Name: name, Code: l.Code, Href: link(key, l.ID), N: l.Created})
		}
		return out
	}
	v.Breakdowns = []reportBreakdown{
		{ID: "by-department", Title: loc.T("reports.by_department"), Lines: lines(rep.Departments, "department", "reports.no_department")},
		{ID: "by-class", Title: loc.T("reports.by_class"), Lines: lines(rep.Classes, "class", "")},
		{ID: "by-type", Title: loc.T("reports.by_type"), Lines: lines(rep.Types, "type", "")},
		{ID: "by-problem", Title: loc.T("reports.by_problem"), Lines: lines(rep.Problems, "problem", "")},
		{ID: "by-device", Title: loc.T("reports.by_device"), Lines: lines(rep.Devices, "device", "")},
	}
	for _, l := range rep.Executors {
		line := reportLine{Name: l.NameEN, N: l.Completed, Avg: humanDuration(loc, l.AvgCompletion, l.Completed)}
		if l.ID == 0 {
			line.Name = loc.T("reports.nobody")
		} else {
			// Completed tickets of this executor: the journal filters by filing
			// date, so the link keeps the department, not the period.
			q := url.Values{"assignee": {itoa(l.ID)}, "status": {"done"}}
			if rep.DepartmentID != 0 {
				q.Set("department", itoa(rep.DepartmentID))
			}
			line.Href = journalHref("/tickets", q)
		}
		v.Executors = append(v.Executors, line)
	}
	for _, k := range []struct {
		key string
		n   int64
	}{{"reports.backlog_open", rep.Backlog.Open}, {"reports.backlog_hour", rep.Backlog.OverHour},
		{"reports.backlog_day", rep.Backlog.OverDay}, {"reports.backlog_week", rep.Backlog.OverWeek}} {
		v.Backlog = append(v.Backlog, reportFigure{Label: loc.T(k.key), Now: strconv.FormatInt(k.n, 10)})
	}
	v.Upkeep = rep.Upkeep
	if rep.SLA.Total.TakeOf+rep.SLA.Total.DoneOf > 0 {
		v.SLA = reportSLARows(loc, rep.SLA)
	}
	return v
}
