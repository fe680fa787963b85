package reports

// The report's SQL. One text serves both engines; the two places where they
// differ (the seconds between two times, the type of a time parameter inside
// VALUES) are the helpers below. Times travel as parameters, computed in Go in
// the office's time zone: SQL never decides where a day starts.

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"strconv"
	"time"

	"smartservice/internal/db"
)

// args collects query parameters; values only ever travel as parameters.
type args []any

func (a *args) add(v any) string {
	*a = append(*a, v)
	return "$" + strconv.Itoa(len(*a))
}

// cond is the scope as a condition on tickets t (" AND …", or "" for every
// ticket), for queries that read a range of a time index: the unary plus keeps
// SQLite from reading the department index instead (every ticket of the
// department, for a year, rather than the range's), and changes nothing else.
func (sc scope) cond(a *args) string {
	return sc.condOn(a, "+t.department_id")
}

// condDep is the scope on tickets t for the queries of open tickets, which the
// index on (department_id, status) serves.
func (sc scope) condDep(a *args) string {
	return sc.condOn(a, "t.department_id")
}

// seconds is the SQL for the seconds from one time column to another, the same
// expression as migration 00017's triggers. SQLite reads the stored text with
// unixepoch; only the first 19 characters (YYYY-MM-DD HH:MM:SS) are read: times
// are stored in UTC, and those characters are the same in the driver's older text
// format (Go's String(), which SQLite's date functions cannot read whole) and in
// SQLite's own; the fraction of a second is dropped, which a report rounding to
// seconds does not show. PostgreSQL subtracts timestamps and takes the epoch of
// the interval.
func (s *Service) seconds(from, to string) string {
	if s.db.Dialect == db.Postgres {
		return "CAST(EXTRACT(EPOCH FROM (" + to + " - " + from + ")) AS DOUBLE PRECISION)"
	}
	return "(unixepoch(substr(" + to + ", 1, 19)) - unixepoch(substr(" + from + ", 1, 19)))"
}

// utc is how every time is passed: the stored times are UTC.
func utc(t time.Time) time.Time { return t.UTC() }

// dur turns seconds from SQL into a whole-second duration: PostgreSQL's carry
// microseconds, which nobody reads in a report.
func dur(sec float64) time.Duration {
	return time.Duration(math.Round(sec)) * time.Second
}

// spread computes the average, median and 90th percentile of end − start over
// the tickets whose `in` time falls in p. The percentiles are nearest-rank:
// ROW_NUMBER over the sorted durations picks rank ⌈n/2⌉ and ⌈9n/10⌉, written
// (n+1)/2 and (9n+9)/10 in integer arithmetic (SQLite); PostgreSQL's
// percentile_disc gives the same values faster.
func (s *Service) spread(ctx context.Context, sc scope, p Period, start, end, in string) (Spread, error) {
	var a args
	from, to := a.add(utc(p.Start())), a.add(utc(p.End()))
	c := sc.cond(&a)
	d := `SELECT ` + s.seconds(start, end) + ` AS s FROM tickets t
		WHERE ` + in + ` >= ` + from + ` AND ` + in + ` < ` + to + ` AND ` + start + ` IS NOT NULL` + c
	q := `WITH d AS (` + d + `), r AS (
		SELECT s, ROW_NUMBER() OVER (ORDER BY s) AS rn, COUNT(*) OVER () AS n FROM d
	)
	SELECT COUNT(*), COALESCE(AVG(s), 0),
		COALESCE(MAX(CASE WHEN rn = (n + 1) / 2 THEN s END), 0),
		COALESCE(MAX(CASE WHEN rn = (9 * n + 9) / 10 THEN s END), 0)
	FROM r`
	if s.db.Dialect == db.Postgres {
		// percentile_disc is the same nearest-rank value (the first whose
		// cumulative share reaches p), computed by one in-memory sort shared by
		// both calls instead of two window passes: at a million tickets, the
		// difference between a spill to disk and none.
		q = `SELECT COUNT(*), COALESCE(AVG(s), 0),
			COALESCE(percentile_disc(0.5) WITHIN GROUP (ORDER BY s), 0),
			COALESCE(percentile_disc(0.9) WITHIN GROUP (ORDER BY s), 0)
		FROM (` + d + `) d`
	}
	var sp Spread
	var avg, med, p90 float64
	if err := s.db.R.QueryRowContext(ctx, q, a...).Scan(&sp.Count, &avg, &med, &p90); err != nil {
		return sp, fmt.Errorf("reports: unable to compute durations: %w", err)
	}
	sp.Avg, sp.Median, sp.P90 = dur(avg), dur(med), dur(p90)
	return sp, nil
}

// perDayRaw counts the tickets created and completed on each of the days spans
// from the tickets themselves: the days as one day_spans table (DaySpans), each
// midnight once, and two index range counts per day. For zones whose midnights
// are not whole UTC hours, which the summary cannot cut.
func (s *Service) perDayRaw(ctx context.Context, sc scope, spans []Span) ([]Day, error) {
	cte, spanArgs := DaySpans(s.db.Dialect, spans, 1)
	a := args(spanArgs)
	c := sc.cond(&a)
	q := `WITH ` + cte + `
	SELECT d.day,
		(SELECT COUNT(*) FROM tickets t WHERE t.created_at >= d.start_at AND t.created_at < d.end_at` + c + `),
		(SELECT COUNT(*) FROM tickets t WHERE t.done_at >= d.start_at AND t.done_at < d.end_at` + c + `)
	FROM day_spans d ORDER BY d.day`
	rs, err := s.db.R.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, fmt.Errorf("reports: unable to count tickets per day: %w", err)
	}
	defer rs.Close()
	out := make([]Day, len(spans))
	for i := range out {
		out[i].Date = spans[i].Start.In(s.loc)
	}
	for rs.Next() {
		var i int
		var cr, co int64
		if err := rs.Scan(&i, &cr, &co); err != nil {
			return nil, fmt.Errorf("reports: unable to read a day: %w", err)
		}
		if i >= 0 && i < len(out) {
			out[i].Created, out[i].Completed = cr, co
		}
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("reports: unable to count tickets per day: %w", err)
	}
	return out, nil
}

// breakdowns fills the report's breakdowns of the tickets filed in the period:
// the period's tickets grouped by department, device and problem (created: the
// summary's days and the partial days' tickets; a materialised CTE, a few
// thousand rows however many tickets), and every
// breakdown is a small grouping of that, names joined after grouping.
func (s *Service) breakdowns(ctx context.Context, sc scope, rep *Report) error {
	var a args
	q := `WITH g AS MATERIALIZED (` + s.created(sc, rep.Period, &a) + `)
	SELECT 1, COALESCE(x.id, 0), COALESCE(d.name_en, ''), COALESCE(d.name_ru, ''), '', x.n FROM (
		SELECT g.dep AS id, CAST(SUM(g.n) AS BIGINT) AS n FROM g GROUP BY g.dep
	) x LEFT JOIN departments d ON d.id = x.id
	UNION ALL
	SELECT 2, x.id, c.name_en, c.name_ru, '', x.n FROM (
		SELECT st.class_id AS id, CAST(SUM(g.n) AS BIGINT) AS n FROM g
		JOIN assets a ON a.id = g.asset JOIN service_types st ON st.id = a.type_id GROUP BY st.class_id
	) x JOIN service_classes c ON c.id = x.id
	UNION ALL
	SELECT 3, x.id, st.name_en, st.name_ru, '', x.n FROM (
		SELECT a.type_id AS id, CAST(SUM(g.n) AS BIGINT) AS n FROM g JOIN assets a ON a.id = g.asset GROUP BY a.type_id
	) x JOIN service_types st ON st.id = x.id
	UNION ALL
	SELECT 4, x.id, pt.name_en, pt.name_ru, '', x.n FROM (
		SELECT g.prob AS id, CAST(SUM(g.n) AS BIGINT) AS n FROM g GROUP BY g.prob
	) x JOIN problem_types pt ON pt.id = x.id
	UNION ALL
	SELECT 5, y.id, y.name, y.name, y.code, y.n FROM (
		SELECT x.id, a.name, a.code, x.n FROM (
			SELECT g.asset AS id, CAST(SUM(g.n) AS BIGINT) AS n FROM g GROUP BY g.asset
		) x JOIN assets a ON a.id = x.id
		ORDER BY x.n DESC, a.name, x.id LIMIT ` + strconv.Itoa(DevicesShown) + `
	) y
	ORDER BY 1, 6 DESC, 3, 2`
	rs, err := s.db.R.QueryContext(ctx, q, a...)
	if err != nil {
		return fmt.Errorf("reports: unable to read the breakdowns: %w", err)
	}
	defer rs.Close()
	lists := map[int]*[]Line{1: &rep.Departments, 2: &rep.Classes, 3: &rep.Types, 4: &rep.Problems, 5: &rep.Devices}
	for _, l := range lists {
		*l = []Line{}
	}
	for rs.Next() {
		var kind int
		var l Line
		if err := rs.Scan(&kind, &l.ID, &l.NameEN, &l.NameRU, &l.Code, &l.Created); err != nil {
			return fmt.Errorf("reports: unable to read a breakdown row: %w", err)
		}
		if dst, ok := lists[kind]; ok {
			*dst = append(*dst, l)
		}
	}
	if err := rs.Err(); err != nil {
		return fmt.Errorf("reports: unable to read the breakdowns: %w", err)
	}
	return nil
}

// backlog counts the open tickets now and those older than an hour, a day and a
// week (the status index finds the open ones among a million).
func (s *Service) backlog(ctx context.Context, sc scope, now time.Time) (Backlog, error) {
	var a args
	h, d, w := a.add(utc(now.Add(-time.Hour))), a.add(utc(now.Add(-24*time.Hour))), a.add(utc(now.Add(-7*24*time.Hour)))
	c := sc.condDep(&a)
	q := `SELECT COUNT(*),
		COUNT(CASE WHEN t.created_at < ` + h + ` THEN 1 END),
		COUNT(CASE WHEN t.created_at < ` + d + ` THEN 1 END),
		COUNT(CASE WHEN t.created_at < ` + w + ` THEN 1 END)
	FROM tickets t WHERE t.status IN ('new', 'assigned', 'in_progress')` + c
	var b Backlog
	if err := s.db.R.QueryRowContext(ctx, q, a...).Scan(&b.Open, &b.OverHour, &b.OverDay, &b.OverWeek); err != nil {
		return b, fmt.Errorf("reports: unable to count the backlog: %w", err)
	}
	return b, nil
}

// departmentName reads a department's names; ok is false when it does not exist.
func (s *Service) departmentName(ctx context.Context, id int64) (en, ru string, ok bool, err error) {
	err = s.db.R.QueryRowContext(ctx, `SELECT name_en, name_ru FROM departments WHERE id = $1`, id).Scan(&en, &ru)
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return "", "", false, nil
		}
		return "", "", false, fmt.Errorf("reports: unable to read department %d: %w", id, err)
	}
	return en, ru, true, nil
}
