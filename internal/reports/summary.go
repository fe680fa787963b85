package reports

// The report read from the summary tables of migration 00017 (report_hours,
// report_days, report_spreads), which triggers on tickets keep in the same
// transaction as every change. A period's whole UTC hours (or days) come from the
// summary, its partial ones at either end straight from tickets; either way the
// sums are the same tickets', so the figures are exact. Only the median and the
// 90th percentile of long periods are read from a histogram (ApproxAfterDays).

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"strings"
	"time"

	"smartservice/internal/db"
)

// ApproxAfterDays is the longest period whose median and 90th percentile are
// exact (sorted from the tickets themselves). A longer period reads them from
// the per-day histograms of durations, within ApproxError of the exact value (or
// one second): sorting a year of durations on every request takes seconds.
const ApproxAfterDays = 31

// ApproxError is the largest relative error of an approximate percentile: a
// histogram bin spans a factor of 1.02, and its geometric middle is within
// √1.02 − 1 < 1 % of any duration in it.
const ApproxError = 0.01

const (
	hourSeconds = 3600
	daySeconds  = 86400
	// binRatio and binLinear define the histogram's bins (the same numbers as the
	// migration's triggers): bin b < binLinear holds [b, b+1) seconds, bin
	// binLinear + k holds [binLinear·binRatio^k, binLinear·binRatio^(k+1)).
	binRatio  = 1.02
	binLinear = 100
)

// span is a range of instants [from, to).
type span struct{ from, to time.Time }

// split is a period cut into whole units of the summary, [lo, hi) in units since
// 1970 (lo ≥ hi: none), and the partial units at its ends, read from tickets.
type split struct {
	lo, hi int64
	edges  []span
}

// splitOn cuts [from, to) into whole units of unit seconds and the rest.
func splitOn(from, to time.Time, unit int64) split {
	f, t := from.Unix(), to.Unix()
	lo, hi := ceilDiv(f, unit), floorDiv(t, unit)
	if from.Nanosecond() != 0 && lo*unit == f {
		lo++
	}
	if lo >= hi {
		return split{edges: []span{{from, to}}}
	}
	sp := split{lo: lo, hi: hi}
	if a := time.Unix(lo*unit, 0); from.Before(a) {
		sp.edges = append(sp.edges, span{from, a})
	}
	if b := time.Unix(hi*unit, 0); b.Before(to) {
		sp.edges = append(sp.edges, span{b, to})
	}
	return sp
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func ceilDiv(a, b int64) int64 { return -floorDiv(-a, b) }

// condOn is the scope as a condition on a column holding a department id (0 for
// none), " AND …" or "".
func (sc scope) condOn(a *args, col string) string {
	if sc.all {
		return ""
	}
	if len(sc.deps) == 0 {
		return " AND 1 = 0"
	}
	ph := make([]string, len(sc.deps))
	for i, id := range sc.deps {
		ph[i] = a.add(id)
	}
	if len(ph) == 1 {
		return " AND " + col + " = " + ph[0]
	}
	return " AND " + col + " IN (" + strings.Join(ph, ", ") + ")"
}

// bin is the SQL of a duration's histogram bin, as the migration's triggers
// compute it.
func (s *Service) bin(sec string) string {
	typ := "INTEGER"
	if s.db.Dialect == db.Postgres {
		typ = "BIGINT"
	}
	return "CASE WHEN " + sec + " < 100 THEN CAST(floor(" + sec + ") AS " + typ + ") ELSE 100 + CAST(floor(ln(" + sec +
		" / 100.0) / ln(1.02)) AS " + typ + ") END"
}

// binValue is the duration a bin stands for: a linear bin its lower end (whole
// seconds, exact on SQLite, which stores no fraction), a geometric one its
// geometric middle.
func binValue(b int64) float64 {
	if b < binLinear {
		return float64(b)
	}
	return binLinear * math.Pow(binRatio, float64(b-binLinear)+0.5)
}

// totals are the summable figures of a range of time.
type totals struct {
	created, done, cancelled, started int64
	doneSec, startedSec               float64
}

func (t *totals) addUp(o totals) {
	t.created += o.created
	t.done += o.done
	t.cancelled += o.cancelled
	t.started += o.started
	t.doneSec += o.doneSec
	t.startedSec += o.startedSec
}

// hourRow is one hour's figures in report_hours.
type hourRow struct {
	hour int64
	totals
}

// hours reads report_hours over the hours [lo, hi), summed by hour.
func (s *Service) hours(ctx context.Context, sc scope, lo, hi int64) ([]hourRow, error) {
	if lo >= hi {
		return nil, nil
	}
	var a args
	q := `SELECT h.hour, SUM(h.created), SUM(h.done), SUM(h.cancelled), SUM(h.started), SUM(h.done_seconds), SUM(h.started_seconds)
	FROM report_hours h WHERE h.hour >= ` + a.add(lo) + ` AND h.hour < ` + a.add(hi) +
		sc.condOn(&a, "h.department_id") + ` GROUP BY h.hour ORDER BY h.hour`
	rs, err := s.db.R.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, fmt.Errorf("reports: unable to read the summary: %w", err)
	}
	defer rs.Close()
	var out []hourRow
	for rs.Next() {
		var r hourRow
		if err := rs.Scan(&r.hour, &r.created, &r.done, &r.cancelled, &r.started, &r.doneSec, &r.startedSec); err != nil {
			return nil, fmt.Errorf("reports: unable to read the summary: %w", err)
		}
		out = append(out, r)
	}
	if err := rs.Err(); err != nil {
		return nil, fmt.Errorf("reports: unable to read the summary: %w", err)
	}
	return out, nil
}

// sum adds up hour rows.
func sum(rows []hourRow) totals {
	var t totals
	for _, r := range rows {
		t.addUp(r.totals)
	}
	return t
}

// rawTotals computes the same figures from the tickets of a short range.
func (s *Service) rawTotals(ctx context.Context, sc scope, r span) (totals, error) {
	var tt totals
	var a args
	from, to := a.add(utc(r.from)), a.add(utc(r.to))
	c := sc.cond(&a)
	in := func(col string) string { return col + ` >= ` + from + ` AND ` + col + ` < ` + to + c }
	q := `SELECT
	(SELECT COUNT(*) FROM tickets t WHERE ` + in("t.created_at") + `),
	(SELECT COUNT(*) FROM tickets t WHERE ` + in("t.done_at") + `),
	(SELECT COUNT(*) FROM tickets t WHERE ` + in("t.cancelled_at") + `),
	(SELECT COUNT(*) FROM tickets t WHERE t.assigned_at IS NOT NULL AND ` + in("t.started_at") + `),
	(SELECT COALESCE(SUM(` + s.seconds("t.created_at", "t.done_at") + `), 0) FROM tickets t WHERE ` + in("t.done_at") + `),
	(SELECT COALESCE(SUM(` + s.seconds("t.assigned_at", "t.started_at") + `), 0) FROM tickets t WHERE t.assigned_at IS NOT NULL AND ` + in("t.started_at") + `)`
	if err := s.db.R.QueryRowContext(ctx, q, a...).Scan(&tt.created, &tt.done, &tt.cancelled, &tt.started, &tt.doneSec, &tt.startedSec); err != nil {
		return tt, fmt.Errorf("reports: unable to count tickets: %w", err)
	}
	return tt, nil
}

// periodTotals sums [from, to): whole hours from the summary (returned by hour),
// the rest from tickets.
func (s *Service) periodTotals(ctx context.Context, sc scope, from, to time.Time) (totals, []hourRow, error) {
	sp := splitOn(from, to, hourSeconds)
	rows, err := s.hours(ctx, sc, sp.lo, sp.hi)
	if err != nil {
		return totals{}, nil, err
	}
	tt := sum(rows)
	for _, e := range sp.edges {
		r, err := s.rawTotals(ctx, sc, e)
		if err != nil {
			return tt, nil, err
		}
		tt.addUp(r)
	}
	return tt, rows, nil
}

// sinceTotals sums everything from the instant from up to now: whole hours from
// the summary in one sum, the partial hour from tickets.
func (s *Service) sinceTotals(ctx context.Context, sc scope, from time.Time) (totals, error) {
	var tt totals
	lo := ceilDiv(from.Unix(), hourSeconds)
	if from.Nanosecond() != 0 && lo*hourSeconds == from.Unix() {
		lo++
	}
	var a args
	q := `SELECT COALESCE(SUM(h.created), 0), COALESCE(SUM(h.done), 0), COALESCE(SUM(h.cancelled), 0), COALESCE(SUM(h.started), 0),
		COALESCE(SUM(h.done_seconds), 0), COALESCE(SUM(h.started_seconds), 0)
	FROM report_hours h WHERE h.hour >= ` + a.add(lo) + sc.condOn(&a, "h.department_id")
	if err := s.db.R.QueryRowContext(ctx, q, a...).Scan(&tt.created, &tt.done, &tt.cancelled, &tt.started, &tt.doneSec, &tt.startedSec); err != nil {
		return tt, fmt.Errorf("reports: unable to read the summary: %w", err)
	}
	if a := time.Unix(lo*hourSeconds, 0); from.Before(a) {
		r, err := s.rawTotals(ctx, sc, span{from, a})
		if err != nil {
			return tt, err
		}
		tt.addUp(r)
	}
	return tt, nil
}

// openNow counts the tickets open now (the status index finds them).
func (s *Service) openNow(ctx context.Context, sc scope) (int64, error) {
	var a args
	var n int64
	q := `SELECT COUNT(*) FROM tickets t WHERE t.status IN ('new', 'assigned', 'in_progress')` + sc.condDep(&a)
	if err := s.db.R.QueryRowContext(ctx, q, a...).Scan(&n); err != nil {
		return 0, fmt.Errorf("reports: unable to count the open tickets: %w", err)
	}
	return n, nil
}

// figures computes one period's headline figures, and the summary's hours of
// the period when the per-day series can be cut from them. Open at the end is
// what is open now, plus what was completed or cancelled since the end, less
// what was filed since (a ticket is completed or cancelled at most once, never
// before it was filed): for a recent period, a few summary rows.
//
// since, when not nil, is what happened from p's end up to now (the next
// period's figures and what followed them, already read); figures returns the
// same from p's start, for the period before p.
func (s *Service) figures(ctx context.Context, sc scope, p Period, since *totals) (Figures, []hourRow, *totals, error) {
	var f Figures
	tt, rows, err := s.periodTotals(ctx, sc, p.Start(), p.End())
	if err != nil {
		return f, nil, nil, err
	}
	open, err := s.openNow(ctx, sc)
	if err != nil {
		return f, nil, nil, err
	}
	var after totals
	if since != nil {
		after = *since
	} else if after, err = s.sinceTotals(ctx, sc, p.End()); err != nil {
		return f, nil, nil, err
	}
	fromStart := after
	fromStart.addUp(tt)
	f.Created, f.Completed, f.Cancelled = tt.created, tt.done, tt.cancelled
	f.OpenAtEnd = open + after.done + after.cancelled - after.created
	if p.Days() <= ApproxAfterDays {
		if f.Completion, err = s.spread(ctx, sc, p, "t.created_at", "t.done_at", "t.done_at"); err != nil {
			return f, nil, nil, err
		}
		if f.FirstAction, err = s.spread(ctx, sc, p, "t.assigned_at", "t.started_at", "t.started_at"); err != nil {
			return f, nil, nil, err
		}
		return f, rows, &fromStart, nil
	}
	if f.Completion, err = s.histogram(ctx, sc, p, 1, "t.created_at", "t.done_at"); err != nil {
		return f, nil, nil, err
	}
	if f.FirstAction, err = s.histogram(ctx, sc, p, 2, "t.assigned_at", "t.started_at"); err != nil {
		return f, nil, nil, err
	}
	if tt.done > 0 {
		f.Completion.Avg = dur(tt.doneSec / float64(tt.done))
	}
	if tt.started > 0 {
		f.FirstAction.Avg = dur(tt.startedSec / float64(tt.started))
	}
	return f, rows, &fromStart, nil
}

// histogram reads the median and 90th percentile of end − start over the
// tickets whose end falls in p from the histograms by day, week and four weeks
// (report_spreads, kind)
// and, for the partial days at the period's ends, from the tickets themselves.
// The ranks are the nearest-rank ones of the exact computation; the value is the
// middle of the bin holding that rank (Approx set).
func (s *Service) histogram(ctx context.Context, sc scope, p Period, kind int, start, end string) (Spread, error) {
	sp := splitOn(p.Start(), p.End(), daySeconds)
	var a args
	var parts []string
	summary := func(grain int, lo, hi int64) {
		if lo < hi {
			parts = append(parts, `SELECT r.bin AS bin, r.n AS n FROM report_spreads r WHERE r.kind = `+a.add(kind)+
				` AND r.grain = `+a.add(grain)+` AND r.at >= `+a.add(lo)+` AND r.at < `+a.add(hi)+sc.condOn(&a, "r.department_id"))
		}
	}
	// Whole blocks of four weeks (migration 00020), the weeks around them, the
	// days around those, then the partial days from tickets.
	if wlo, whi := ceilDiv(sp.lo, 7), floorDiv(sp.hi, 7); sp.lo < sp.hi && wlo < whi {
		if blo, bhi := ceilDiv(wlo, 4), floorDiv(whi, 4); blo < bhi {
			summary(28, blo, bhi)
			summary(7, wlo, blo*4)
			summary(7, bhi*4, whi)
		} else {
			summary(7, wlo, whi)
		}
		summary(1, sp.lo, wlo*7)
		summary(1, whi*7, sp.hi)
	} else {
		summary(1, sp.lo, sp.hi)
	}
	for _, e := range sp.edges {
		from, to := a.add(utc(e.from)), a.add(utc(e.to))
		parts = append(parts, `SELECT `+s.bin(s.seconds(start, end))+` AS bin, 1 AS n FROM tickets t WHERE `+
			end+` >= `+from+` AND `+end+` < `+to+` AND `+start+` IS NOT NULL`+sc.cond(&a))
	}
	q := `SELECT u.bin, SUM(u.n) FROM (` + strings.Join(parts, " UNION ALL ") + `) u GROUP BY u.bin HAVING SUM(u.n) <> 0 ORDER BY u.bin`
	rs, err := s.db.R.QueryContext(ctx, q, a...)
	if err != nil {
		return Spread{}, fmt.Errorf("reports: unable to read the durations: %w", err)
	}
	defer rs.Close()
	type bin struct{ b, n int64 }
	var bins []bin
	var total int64
	for rs.Next() {
		var x bin
		if err := rs.Scan(&x.b, &x.n); err != nil {
			return Spread{}, fmt.Errorf("reports: unable to read the durations: %w", err)
		}
		bins, total = append(bins, x), total+x.n
	}
	if err := rs.Err(); err != nil {
		return Spread{}, fmt.Errorf("reports: unable to read the durations: %w", err)
	}
	sp2 := Spread{Count: total, Approx: true}
	at := func(rank int64) time.Duration {
		var seen int64
		for _, x := range bins {
			if seen += x.n; seen >= rank {
				return dur(binValue(x.b))
			}
		}
		return 0
	}
	if total > 0 {
		sp2.Median, sp2.P90 = at((total+1)/2), at((9*total+9)/10)
	}
	return sp2, nil
}

// perDay counts the tickets created and completed on each day of p, days with
// none included. The days' boundaries come from Spans (computed in Go: a day
// across a daylight-saving change has 23 or 25 hours); when every boundary is a
// whole UTC hour (every zone but those a half or a quarter off) the period's
// hours of the summary, read once by figures, are added up by day; otherwise
// each day is counted from the tickets (perDayRaw).
func (s *Service) perDay(ctx context.Context, sc scope, p Period, rows []hourRow) ([]Day, error) {
	spans, err := Spans(s.loc, p.Start(), p.To)
	if err != nil {
		return nil, err
	}
	for _, d := range spans {
		if d.Start.Unix()%hourSeconds != 0 || d.End.Unix()%hourSeconds != 0 || d.Start.Nanosecond() != 0 {
			return s.perDayRaw(ctx, sc, spans)
		}
	}
	out := make([]Day, len(spans))
	for i := range out {
		out[i].Date = spans[i].Start.In(s.loc)
	}
	i := 0
	for _, r := range rows {
		for i < len(spans) && spans[i].End.Unix() <= r.hour*hourSeconds {
			i++
		}
		if i < len(spans) && spans[i].Start.Unix() <= r.hour*hourSeconds {
			out[i].Created += r.created
			out[i].Completed += r.done
		}
	}
	return out, nil
}

// created is the SQL of the tickets filed in p by department, device and problem
// (columns dep, asset, prob, n): whole UTC days from report_days, the partial days
// at the ends from tickets.
func (s *Service) created(sc scope, p Period, a *args) string {
	sp := splitOn(p.Start(), p.End(), daySeconds)
	var parts []string
	if sp.lo < sp.hi {
		parts = append(parts, `SELECT r.department_id AS dep, r.asset_id AS asset, r.problem_type_id AS prob, r.created AS n
		FROM report_days r WHERE r.day >= `+a.add(sp.lo)+` AND r.day < `+a.add(sp.hi)+sc.condOn(a, "r.department_id"))
	}
	for _, e := range sp.edges {
		from, to := a.add(utc(e.from)), a.add(utc(e.to))
		parts = append(parts, `SELECT COALESCE(t.department_id, 0) AS dep, t.asset_id AS asset, t.problem_type_id AS prob, COUNT(*) AS n
		FROM tickets t WHERE t.created_at >= `+from+` AND t.created_at < `+to+sc.cond(a)+`
		GROUP BY t.department_id, t.asset_id, t.problem_type_id`)
	}
	return `SELECT u.dep AS dep, u.asset AS asset, u.prob AS prob, SUM(u.n) AS n FROM (` + strings.Join(parts, " UNION ALL ") + `) u
	GROUP BY u.dep, u.asset, u.prob HAVING SUM(u.n) <> 0`
}

// executors lists, per executor, the tickets they completed in p and the
// average completion time, most completed first: whole hours from report_hours,
// the partial ones from tickets; grouped before the names are joined, so the
// join touches one row per person.
func (s *Service) executors(ctx context.Context, sc scope, p Period) ([]Line, error) {
	sp := splitOn(p.Start(), p.End(), hourSeconds)
	var a args
	var parts []string
	if sp.lo < sp.hi {
		parts = append(parts, `SELECT h.assignee_id AS id, h.done AS n, h.done_seconds AS secs FROM report_hours h
		WHERE h.hour >= `+a.add(sp.lo)+` AND h.hour < `+a.add(sp.hi)+` AND h.done <> 0`+sc.condOn(&a, "h.department_id"))
	}
	for _, e := range sp.edges {
		from, to := a.add(utc(e.from)), a.add(utc(e.to))
		parts = append(parts, `SELECT COALESCE(t.assignee_id, 0) AS id, COUNT(*) AS n, SUM(`+s.seconds("t.created_at", "t.done_at")+`) AS secs
		FROM tickets t WHERE t.done_at >= `+from+` AND t.done_at < `+to+sc.cond(&a)+` GROUP BY t.assignee_id`)
	}
	q := `SELECT x.id, COALESCE(u.full_name, ''), x.n, x.secs FROM (
		SELECT v.id AS id, SUM(v.n) AS n, SUM(v.secs) AS secs FROM (` + strings.Join(parts, " UNION ALL ") + `) v
		GROUP BY v.id HAVING SUM(v.n) <> 0
	) x LEFT JOIN users u ON u.id = x.id
	ORDER BY x.n DESC, 2, 1`
	rs, err := s.db.R.QueryContext(ctx, q, a...)
	if err != nil {
		return nil, fmt.Errorf("reports: unable to read the executors: %w", err)
	}
	defer rs.Close()
	out := []Line{}
	for rs.Next() {
		var l Line
		var secs sql.NullFloat64
		if err := rs.Scan(&l.ID, &l.NameEN, &l.Completed, &secs); err != nil {
			return nil, fmt.Errorf("reports: unable to read an executor: %w", err)
		}
		l.NameRU = l.NameEN
		if l.Completed > 0 {
			l.AvgCompletion = dur(secs.Float64 / float64(l.Completed))
		}
		out = append(out, l)
	}
	return out, rs.Err()
}
