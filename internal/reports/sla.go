package reports

// Service levels in the report (issue 16, part 4): of the tickets completed in
// the period that had a target, the share taken and the share completed within
// it, overall and per department, problem type and executor. Taken means an
// executor took or started it (tickets.taken_at), or, for a ticket completed
// straight from the queue, its completion. Counted by the database over the
// period's range of the done_at index; names are joined after grouping.

import (
	"context"
	"fmt"
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

// sla computes the section for p within sc.
func (s *Service) sla(ctx context.Context, sc scope, p Period) (SLA, error) {
	var out SLA
	groups := []struct {
		col, names string
		dst        *[]SLALine
	}{
		{"", "", nil},
		{"t.department_id", "departments", &out.Departments},
		{"t.problem_type_id", "problem_types", &out.Problems},
		{"t.assignee_id", "users", &out.Executors},
	}
	for _, g := range groups {
		var a args
		from, to := a.add(utc(p.Start())), a.add(utc(p.End()))
		c := sc.cond(&a)
		key := "0"
		if g.col != "" {
			key = "COALESCE(" + g.col + ", 0)"
		}
		inner := `SELECT ` + key + ` AS id,
			COUNT(CASE WHEN t.take_by IS NOT NULL THEN 1 END) AS take_of,
			COUNT(CASE WHEN t.take_by IS NOT NULL AND COALESCE(t.taken_at, t.done_at) <= t.take_by THEN 1 END) AS take_met,
			COUNT(CASE WHEN t.done_by IS NOT NULL THEN 1 END) AS done_of,
			COUNT(CASE WHEN t.done_by IS NOT NULL AND t.done_at <= t.done_by THEN 1 END) AS done_met
		FROM tickets t WHERE t.done_at >= ` + from + ` AND t.done_at < ` + to + ` AND t.status = 'done'
			AND (t.take_by IS NOT NULL OR t.done_by IS NOT NULL)` + c
		if g.col != "" {
			inner += " GROUP BY " + key
		}
		names := "'', ''"
		join := ""
		switch g.names {
		case "departments", "problem_types":
			names, join = "COALESCE(n.name_en, ''), COALESCE(n.name_ru, '')", " LEFT JOIN "+g.names+" n ON n.id = g.id"
		case "users":
			names, join = "COALESCE(n.full_name, ''), COALESCE(n.full_name, '')", " LEFT JOIN users n ON n.id = g.id"
		}
		q := `SELECT g.id, ` + names + `, g.take_of, g.take_met, g.done_of, g.done_met FROM (` + inner + `) g` + join + ` ORDER BY g.id`
		rows, err := s.db.R.QueryContext(ctx, q, a...)
		if err != nil {
			return out, fmt.Errorf("reports: unable to count service levels: %w", err)
		}
		for rows.Next() {
			var l SLALine
			if err := rows.Scan(&l.ID, &l.NameEN, &l.NameRU, &l.TakeOf, &l.TakeMet, &l.DoneOf, &l.DoneMet); err != nil {
				rows.Close()
				return out, fmt.Errorf("reports: unable to count service levels: %w", err)
			}
			if g.dst == nil {
				out.Total = l
			} else {
				*g.dst = append(*g.dst, l)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return out, err
		}
	}
	return out, nil
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
