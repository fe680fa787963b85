package api

import (
	"net/http"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/i18n"
	"smartservice/internal/reports"
)

// reportSummary is the answer of GET /api/v1/reports/summary (design/API.md):
// the period's figures (times in whole seconds), the previous period's, the
// per-day series, the breakdowns and the backlog.
type reportSummary struct {
	From                     string               `json:"from"`
	To                       string               `json:"to"`
	Department               *departmentRef       `json:"department"`
	Created                  int64                `json:"created"`
	Completed                int64                `json:"completed"`
	Cancelled                int64                `json:"cancelled"`
	OpenAtEnd                int64                `json:"open_at_end"`
	AvgCompletionSeconds     int64                `json:"avg_completion_seconds"`
	MedianCompletionSeconds  int64                `json:"median_completion_seconds"`
	P90CompletionSeconds     int64                `json:"p90_completion_seconds"`
	AvgFirstActionSeconds    int64                `json:"avg_first_action_seconds"`
	MedianFirstActionSeconds int64                `json:"median_first_action_seconds"`
	P90FirstActionSeconds    int64                `json:"p90_first_action_seconds"`
	Previous                 reportPrevious       `json:"previous"`
	PerDay                   []reportDay          `json:"per_day"`
	ByDepartment             []reportLine         `json:"by_department"`
	ByServiceClass           []reportLine         `json:"by_service_class"`
	ByServiceType            []reportLine         `json:"by_service_type"`
	ByProblemType            []reportLine         `json:"by_problem_type"`
	TopDevices               []reportDeviceLine   `json:"top_devices"`
	ByExecutor               []reportExecutorLine `json:"by_executor"`
	Backlog                  reportBacklog        `json:"backlog"`
	Upkeep                   reportUpkeep         `json:"upkeep"`
	// ServiceLevels: of the period's completed tickets with a target, how many
	// kept it (reports/sla.go).
	ServiceLevels reportSLA `json:"service_levels"`
}

// reportSLA is the service-level section of the summary.
type reportSLA struct {
	Total        reportSLALine   `json:"total"`
	ByDepartment []reportSLALine `json:"by_department"`
	ByProblem    []reportSLALine `json:"by_problem_type"`
	ByExecutor   []reportSLALine `json:"by_executor"`
}

// reportSLALine counts one group's tickets with a take (done) target and those
// that kept it.
type reportSLALine struct {
	ID      *int64 `json:"id"`
	Name    string `json:"name"`
	TakeOf  int64  `json:"take_with_target"`
	TakeMet int64  `json:"taken_in_time"`
	DoneOf  int64  `json:"done_with_target"`
	DoneMet int64  `json:"done_in_time"`
}

func slaLines(loc interface{ Name(en, ru string) string }, in []reports.SLALine) []reportSLALine {
	out := []reportSLALine{}
	for _, l := range in {
		v := reportSLALine{Name: loc.Name(l.NameEN, l.NameRU), TakeOf: l.TakeOf, TakeMet: l.TakeMet, DoneOf: l.DoneOf, DoneMet: l.DoneMet}
		if l.ID != 0 {
			id := l.ID
			v.ID = &id
		}
		out = append(out, v)
	}
	return out
}

// reportPrevious is the period of equal length before, with its figures.
type reportPrevious struct {
	From                    string `json:"from"`
	To                      string `json:"to"`
	Created                 int64  `json:"created"`
	Completed               int64  `json:"completed"`
	Cancelled               int64  `json:"cancelled"`
	OpenAtEnd               int64  `json:"open_at_end"`
	AvgCompletionSeconds    int64  `json:"avg_completion_seconds"`
	MedianCompletionSeconds int64  `json:"median_completion_seconds"`
	P90CompletionSeconds    int64  `json:"p90_completion_seconds"`
}

type reportDay struct {
	Date      string `json:"date"`
	Created   int64  `json:"created"`
	Completed int64  `json:"completed"`
}

// reportLine is a breakdown row; id is null for "no department".
type reportLine struct {
	ID      *int64 `json:"id"`
	Name    string `json:"name"`
	Created int64  `json:"created"`
}

type reportDeviceLine struct {
	ID      int64  `json:"id"`
	Name    string `json:"name"`
	Code    string `json:"code"`
	Created int64  `json:"created"`
}

// reportExecutorLine: assignee null for tickets completed with nobody assigned.
type reportExecutorLine struct {
	Assignee             *personName `json:"assignee"`
	Completed            int64       `json:"completed"`
	AvgCompletionSeconds int64       `json:"avg_completion_seconds"`
}

type personName struct {
	ID       int64  `json:"id"`
	FullName string `json:"full_name"`
}

type reportBacklog struct {
	Open     int64 `json:"open"`
	OverHour int64 `json:"over_hour"`
	OverDay  int64 `json:"over_day"`
	OverWeek int64 `json:"over_week"`
}

func seconds(d time.Duration) int64 { return int64(d / time.Second) }

// reportsSummary answers GET /api/v1/reports/summary?from=&to=&department_id=:
// the period report for heads (their departments) and administrators. Dates are
// days in the office's time zone, both included; the domain checks access.
func (a *API) reportsSummary(w http.ResponseWriter, r *http.Request, c *caller) {
	var f apperr.Fields
	dep := queryID(r, "department_id", &f)
	q := r.URL.Query()
	p, err := reports.ParsePeriod(q.Get("from"), q.Get("to"), a.Reports.Now(), a.Reports.Location())
	if e := apperr.As(err); e != nil {
		f = append(f, e.Fields...)
	}
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	rep, err := a.Reports.Summary(r.Context(), c.user, reports.Query{Period: p, DepartmentID: dep})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, summaryView(a.localizer(r), rep))
}

func summaryView(loc *i18n.Localizer, rep *reports.Report) reportSummary {
	c, b := rep.Current, rep.Before
	out := reportSummary{
		From: rep.Period.From.Format(reports.DateLayout), To: rep.Period.To.Format(reports.DateLayout),
		Created: c.Created, Completed: c.Completed, Cancelled: c.Cancelled, OpenAtEnd: c.OpenAtEnd,
		AvgCompletionSeconds: seconds(c.Completion.Avg), MedianCompletionSeconds: seconds(c.Completion.Median), P90CompletionSeconds: seconds(c.Completion.P90),
		AvgFirstActionSeconds: seconds(c.FirstAction.Avg), MedianFirstActionSeconds: seconds(c.FirstAction.Median), P90FirstActionSeconds: seconds(c.FirstAction.P90),
		Previous: reportPrevious{From: rep.Previous.From.Format(reports.DateLayout), To: rep.Previous.To.Format(reports.DateLayout),
			Created: b.Created, Completed: b.Completed, Cancelled: b.Cancelled, OpenAtEnd: b.OpenAtEnd,
			AvgCompletionSeconds: seconds(b.Completion.Avg), MedianCompletionSeconds: seconds(b.Completion.Median), P90CompletionSeconds: seconds(b.Completion.P90)},
		PerDay: []reportDay{}, TopDevices: []reportDeviceLine{}, ByExecutor: []reportExecutorLine{},
		Backlog: reportBacklog{Open: rep.Backlog.Open, OverHour: rep.Backlog.OverHour, OverDay: rep.Backlog.OverDay, OverWeek: rep.Backlog.OverWeek},
		Upkeep:  upkeepSection(rep.Upkeep),
	}
	out.ServiceLevels = reportSLA{Total: slaLines(loc, []reports.SLALine{rep.SLA.Total})[0], ByDepartment: slaLines(loc, rep.SLA.Departments),
		ByProblem: slaLines(loc, rep.SLA.Problems), ByExecutor: slaLines(loc, rep.SLA.Executors)}
	if rep.DepartmentID != 0 {
		out.Department = &departmentRef{ID: rep.DepartmentID, Name: loc.Name(rep.DepartmentEN, rep.DepartmentRU)}
	}
	for _, d := range rep.Days {
		out.PerDay = append(out.PerDay, reportDay{Date: d.Date.Format(reports.DateLayout), Created: d.Created, Completed: d.Completed})
	}
	lines := func(ls []reports.Line) []reportLine {
		res := []reportLine{}
		for _, l := range ls {
			line := reportLine{Name: loc.Name(l.NameEN, l.NameRU), Created: l.Created}
			if l.ID != 0 {
				id := l.ID
				line.ID = &id
			}
			res = append(res, line)
		}
		return res
	}
	out.ByDepartment, out.ByServiceClass, out.ByServiceType, out.ByProblemType = lines(rep.Departments), lines(rep.Classes), lines(rep.Types), lines(rep.Problems)
	for _, l := range rep.Devices {
		out.TopDevices = append(out.TopDevices, reportDeviceLine{ID: l.ID, Name: l.NameEN, Code: l.Code, Created: l.Created})
	}
	for _, l := range rep.Executors {
		line := reportExecutorLine{Completed: l.Completed, AvgCompletionSeconds: seconds(l.AvgCompletion)}
		if l.ID != 0 {
			line.Assignee = &personName{ID: l.ID, FullName: l.NameEN}
		}
		out.ByExecutor = append(out.ByExecutor, line)
	}
	return out
}
