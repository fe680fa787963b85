package reports

// Service levels in the report (issue 16, part 4): of the tickets completed in
// the period that had a target, the share taken and the share completed within
// it, overall and per department, problem type and executor. Taken means an
// executor took or started it (tickets.taken_at), or, for a ticket completed
// straight from the queue, its completion. Counted by the database: whole days
// and weeks from migration 00020's summary, the partial days at a period's ends
// from the tickets over their range of the done_at index; names are joined after
// grouping. There the status is compared as an expression (status || '') so that
// no planner reads the status index instead: "done" is most of the table, and
// SQLite, without statistics, took that index and read every done ticket.

import (
	"context"
	"fmt"
	"sort"
	"strings"
)

// SLALine is one group's counts: of Of tickets with a take (done) target, Met
// kept it.
type SLALine struct {
	// ID is the department, problem type or executor; 0 is none.
	ID              int64
	NameEN, NameRU  string
	TakeOf, TakeMet int64
	DoneOf, DoneMet int64
}

// TakeShare and DoneShare are the percentages kept, rounded down; -1 when no
// ticket had that target.
func (l SLALine) TakeShare() int { return share(l.TakeMet, l.TakeOf) }

// DoneShare is DoneMet of DoneOf in percent; -1 when DoneOf is 0.
func (l SLALine) DoneShare() int { return share(l.DoneMet, l.DoneOf) }

func share(met, of int64) int {
	if of == 0 {
		return -1
	}
	return int(met * 100 / of)
}

// SLA is the report's service-level section.
type SLA struct {
	Total                            SLALine
	Departments, Problems, Executors []SLALine
}

// sla computes the section for p within sc: the period's completed tickets
// counted by (department, problem type, executor), with the three names joined
// to the groups, then the total and the three breakdowns summed from those
// groups (at most departments × problems × executors of them, never a row per
// ticket). The counts come from migration 00020's summary (report_sla): the
// period's whole UTC weeks, then the whole days around them, and only its partial
// days straight from tickets, over their range of the done_at index; the same
// tickets either way, so the figures are exact. Reading a year's completions
// ticket by ticket took 1 s on SQLite at a million tickets.
func (s *Service) sla(ctx context.Context, sc scope, p Period) (SLA, error) {
	var out SLA
	var a args
	sp := splitOn(p.Start(), p.End(), daySeconds)
	var parts []string
	summary := func(grain int, lo, hi int64) {
		if lo < hi {
			parts = append(parts, `SELECT r.department_id AS dep, r.problem_type_id AS prob, r.assignee_id AS exec,
			r.take_of AS take_of, r.take_met AS take_met, r.done_of AS done_of, r.done_met AS done_met
			FROM report_sla r WHERE r.grain = `+a.add(grain)+` AND r.at >= `+a.add(lo)+` AND r.at < `+a.add(hi)+sc.condOn(&a, "r.department_id"))
		}
	}
	if wlo, whi := ceilDiv(sp.lo, 7), floorDiv(sp.hi, 7); sp.lo < sp.hi && wlo < whi {
		summary(7, wlo, whi)
		summary(1, sp.lo, wlo*7)
		summary(1, whi*7, sp.hi)
	} else {
		summary(1, sp.lo, sp.hi)
	}
	for _, e := range sp.edges {
		from, to := a.add(utc(e.from)), a.add(utc(e.to))
		parts = append(parts, `SELECT COALESCE(t.department_id, 0) AS dep, t.problem_type_id AS prob, COALESCE(t.assignee_id, 0) AS exec,
			COUNT(CASE WHEN t.take_by IS NOT NULL THEN 1 END) AS take_of,
			COUNT(CASE WHEN t.take_by IS NOT NULL AND COALESCE(t.taken_at, t.done_at) <= t.take_by THEN 1 END) AS take_met,
			COUNT(CASE WHEN t.done_by IS NOT NULL THEN 1 END) AS done_of,
			COUNT(CASE WHEN t.done_by IS NOT NULL AND t.done_at <= t.done_by THEN 1 END) AS done_met
		FROM tickets t WHERE t.done_at >= `+from+` AND t.done_at < `+to+` AND t.status || '' = 'done'
			AND (t.take_by IS NOT NULL OR t.done_by IS NOT NULL)`+sc.cond(&a)+`
		GROUP BY COALESCE(t.department_id, 0), t.problem_type_id, COALESCE(t.assignee_id, 0)`)
	}
	q := `SELECT g.dep, COALESCE(d.name_en, ''), COALESCE(d.name_ru, ''),
			g.prob, COALESCE(pt.name_en, ''), COALESCE(pt.name_ru, ''),
			g.exec, COALESCE(u.full_name, ''),
			g.take_of, g.take_met, g.done_of, g.done_met
		FROM (SELECT u.dep AS dep, u.prob AS prob, u.exec AS exec,
			SUM(u.take_of) AS take_of, SUM(u.take_met) AS take_met, SUM(u.done_of) AS done_of, SUM(u.done_met) AS done_met
			FROM (` + strings.Join(parts, " UNION ALL ") + `) u
			GROUP BY u.dep, u.prob, u.exec HAVING SUM(u.take_of) <> 0 OR SUM(u.done_of) <> 0) g
		LEFT JOIN departments d ON d.id = g.dep
		LEFT JOIN problem_types pt ON pt.id = g.prob
		LEFT JOIN users u ON u.id = g.exec`
	rows, err := s.db.R.QueryContext(ctx, q, a...)
	if err != nil {
		return out, fmt.Errorf("reports: unable to count service levels: %w", err)
	}
	defer rows.Close()
	deps, probs, execs := map[int64]*SLALine{}, map[int64]*SLALine{}, map[int64]*SLALine{}
	add := func(m map[int64]*SLALine, id int64, en, ru string, n SLALine) {
		l := m[id]
		if l == nil {
			l = &SLALine{ID: id, NameEN: en, NameRU: ru}
			m[id] = l
		}
		l.TakeOf, l.TakeMet, l.DoneOf, l.DoneMet = l.TakeOf+n.TakeOf, l.TakeMet+n.TakeMet, l.DoneOf+n.DoneOf, l.DoneMet+n.DoneMet
	}
	for rows.Next() {
		var dep, prob, exec int64
		var depEN, depRU, probEN, probRU, execName string
		var n SLALine
		if err := rows.Scan(&dep, &depEN, &depRU, &prob, &probEN, &probRU, &exec, &execName,
			&n.TakeOf, &n.TakeMet, &n.DoneOf, &n.DoneMet); err != nil {
			return out, fmt.Errorf("reports: unable to count service levels: %w", err)
		}
		add(deps, dep, depEN, depRU, n)
		add(probs, prob, probEN, probRU, n)
		add(execs, exec, execName, execName, n)
		out.Total.TakeOf, out.Total.TakeMet = out.Total.TakeOf+n.TakeOf, out.Total.TakeMet+n.TakeMet
		out.Total.DoneOf, out.Total.DoneMet = out.Total.DoneOf+n.DoneOf, out.Total.DoneMet+n.DoneMet
	}
	if err := rows.Err(); err != nil {
		return out, fmt.Errorf("reports: unable to count service levels: %w", err)
	}
	out.Departments, out.Problems, out.Executors = slaSorted(deps), slaSorted(probs), slaSorted(execs)
	return out, nil
}

// slaSorted lists a breakdown's lines by id, as the single-breakdown queries did.
func slaSorted(m map[int64]*SLALine) []SLALine {
	out := make([]SLALine, 0, len(m))
	for _, l := range m {
		out = append(out, *l)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// slaTable lays the section out for export.
func (r *Report) slaTable(l Labels) Table {
	t := l.T
	tb := Table{Sheet: t("sla.report_title"), Title: t("sla.report_title"),
		Header: []string{t("reports.kind"), "id", t("reports.name"), t("sla.report_taken") + " %", t("sla.take"), t("sla.report_done") + " %", t("sla.done")}}
	pct := func(n int) any {
		if n < 0 {
			return ""
		}
		return int64(n)
	}
	add := func(kind string, lines []SLALine) {
		for _, ln := range lines {
			name := l.Name(ln.NameEN, ln.NameRU)
			tb.Rows = append(tb.Rows, []any{t(kind), ln.ID, name, pct(ln.TakeShare()), ln.TakeOf, pct(ln.DoneShare()), ln.DoneOf})
		}
	}
	add("reports.this_period", []SLALine{r.SLA.Total})
	add("sla.report_by_department", r.SLA.Departments)
	add("sla.report_by_problem", r.SLA.Problems)
	add("sla.report_by_executor", r.SLA.Executors)
	return tb
}
