// Package reports computes the office's reports (tickets per day, per department,
// times to completion) in SQL, on SQLite and PostgreSQL alike. This file holds what
// every report by day needs: the office's local days as UTC spans, and one SQL table
// of them to join against.
package reports

import (
	"fmt"
	"strings"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
)

// MaxDays bounds the days of one report: MaxYears of them, so a report by day is one
// query with at most about a thousand parameters, never an unbounded list.
const MaxDays = MaxYears*366 + 1

// Span is one calendar day of the office's time zone as the UTC instants it spans. A
// day is 24 hours long except across a daylight saving change (23 or 25 hours).
type Span struct {
	// Date is the local date, "2006-01-02".
	Date string
	// Start is the day's first instant, in UTC.
	Start time.Time
	// End is the next day's first instant, in UTC; the day is [Start, End).
	End time.Time
}

// Spans lists the days of loc from the date of from to the date of to, both taken in
// loc and both included. The boundaries come from Go's zone database, not the
// database's: SQLite has none, and computing them once here gives both engines the
// same days, daylight saving included.
func Spans(loc *time.Location, from, to time.Time) ([]Span, error) {
	fy, fm, fd := from.In(loc).Date()
	ty, tm, td := to.In(loc).Date()
	first := time.Date(fy, fm, fd, 0, 0, 0, 0, time.UTC)
	last := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)
	if last.Before(first) {
		return nil, apperr.New(apperr.Invalid, "reports.range_reversed")
	}
	n := int(last.Sub(first).Hours()/24) + 1
	if n > MaxDays {
		return nil, apperr.New(apperr.Invalid, "reports.range_too_long", "Max", MaxDays)
	}
	days := make([]Span, n)
	start := startOfDay(fy, fm, fd, loc)
	for i := range days {
		y, m, d := first.AddDate(0, 0, i+1).Date()
		end := startOfDay(y, m, d, loc)
		days[i] = Span{Date: first.AddDate(0, 0, i).Format(time.DateOnly), Start: start, End: end}
		start = end
	}
	return days, nil
}

// startOfDay is the first instant of the local date in UTC. Where a zone skips
// midnight (its clocks jump from 00:00 to 01:00), time.Date may answer an instant of
// the day before; the day then starts where its first existing minute does.
func startOfDay(y int, m time.Month, d int, loc *time.Location) time.Time {
	t := time.Date(y, m, d, 0, 0, 0, 0, loc)
	for {
		if ly, lm, ld := t.Date(); ly == y && lm == m && ld == d {
			break
		}
		t = t.Add(time.Minute).Truncate(time.Minute)
	}
	// Step back over minutes that are still the same date (never more than the gap).
	for {
		p := t.Add(-time.Minute)
		if py, pm, pd := p.Date(); py != y || pm != m || pd != d {
			break
		}
		t = p
	}
	return t.UTC()
}

// DaySpans returns a common table expression, without the WITH, naming a table
// day_spans(day, start_at, end_at) with one row per day: day is the index into days,
// [start_at, end_at) its span. Its parameters are numbered from $first on and are
// returned in order, to be followed by the query's own. A report joins it against
// its times and groups by day:
//
//	WITH <DaySpans> SELECT s.day, COUNT(t.id) FROM day_spans s
//	LEFT JOIN tickets t ON t.created_at >= s.start_at AND t.created_at < s.end_at
//	GROUP BY s.day ORDER BY s.day
//
// The comparison is plain ">=" and "<" on both engines (text in db.TimeFormat on
// SQLite, TIMESTAMPTZ on PostgreSQL), so an index on the time serves it. The one
// difference: PostgreSQL types a VALUES column from its first row, and an untyped
// parameter would make it text, so there each boundary is cast; on SQLite a cast
// to a time type would turn the text into a number, so there it is not.
func DaySpans(dialect db.Dialect, days []Span, first int) (string, []any) {
	if len(days) == 0 {
		// An empty table with the same columns, so the query still runs.
		return "day_spans(day, start_at, end_at) AS (SELECT 0, NULL, NULL WHERE 1 = 0)", nil
	}
	param := func(n int) string {
		if dialect == db.Postgres {
			return fmt.Sprintf("CAST($%d AS TIMESTAMPTZ)", n)
		}
		return fmt.Sprintf("$%d", n)
	}
	var b strings.Builder
	b.WriteString("day_spans(day, start_at, end_at) AS (VALUES ")
	args := make([]any, 0, len(days)+1)
	args = append(args, days[0].Start)
	for i, d := range days {
		if i > 0 {
			b.WriteString(", ")
		}
		// Consecutive days share a boundary, so n days take n+1 parameters.
		fmt.Fprintf(&b, "(%d, %s, %s)", i, param(first+i), param(first+i+1))
		args = append(args, d.End)
	}
	b.WriteString(")")
	return b.String(), args
}
