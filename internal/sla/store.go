package sla

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Querier reads rows; *sql.DB and *sql.Tx are both one. The tickets module passes
// its filing's transaction (on SQLite the writer is one connection).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// LoadCalendar reads the office's hours and its holidays from yesterday on (a
// due time is never computed from an earlier start), in zone loc.
func LoadCalendar(ctx context.Context, q Querier, loc *time.Location, now time.Time) (*Calendar, error) {
	if loc == nil {
		loc = time.UTC
	}
	c := &Calendar{Loc: loc, Holidays: map[string]bool{}}
	rows, err := q.QueryContext(ctx, "SELECT weekday, opens, closes FROM office_hours")
	if err != nil {
		return nil, fmt.Errorf("sla: unable to read office hours: %w", err)
	}
	for rows.Next() {
		var wd, o, cl int
		if err := rows.Scan(&wd, &o, &cl); err != nil {
			rows.Close()
			return nil, fmt.Errorf("sla: unable to read office hours: %w", err)
		}
		if wd >= 0 && wd < 7 {
			c.Week[wd] = Hours{Opens: o, Closes: cl}
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	since := now.In(loc).AddDate(0, 0, -1).Format(time.DateOnly)
	rows, err = q.QueryContext(ctx, "SELECT day FROM office_holidays WHERE day >= $1", since)
	if err != nil {
		return nil, fmt.Errorf("sla: unable to read holidays: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day string
		if err := rows.Scan(&day); err != nil {
			return nil, fmt.Errorf("sla: unable to read holidays: %w", err)
		}
		c.Holidays[day] = true
	}
	return c, rows.Err()
}

// TargetFor is the target of a ticket about problemID routed by ruleID (0: by
// the default department or by hand): the rule row's own target where it sets
// one, else the problem type's, each of the two separately.
func TargetFor(ctx context.Context, q Querier, problemID, ruleID int64) (Target, error) {
	var pt, pd, rt, rd sql.NullInt64
	err := q.QueryRowContext(ctx, `SELECT p.take_minutes, p.done_minutes, r.take_minutes, r.done_minutes
	FROM problem_types p LEFT JOIN routing_rules r ON r.id = $2 WHERE p.id = $1`, problemID, ruleID).Scan(&pt, &pd, &rt, &rd)
	if err == sql.ErrNoRows {
		return Target{}, nil
	}
	if err != nil {
		return Target{}, fmt.Errorf("sla: unable to read the targets: %w", err)
	}
	pick := func(rule, problem sql.NullInt64) int {
		if rule.Valid && rule.Int64 > 0 {
			return int(rule.Int64)
		}
		if problem.Valid && problem.Int64 > 0 {
			return int(problem.Int64)
		}
		return 0
	}
	return Target{TakeMinutes: pick(rt, pt), DoneMinutes: pick(rd, pd)}, nil
}

// DueFor is the due times of a ticket about problemID routed by ruleID whose
// clock starts at start: TargetFor on the calendar of the moment. A ticket with
// no target gets no due times.
func DueFor(ctx context.Context, q Querier, loc *time.Location, problemID, ruleID int64, start time.Time) (Due, error) {
	t, err := TargetFor(ctx, q, problemID, ruleID)
	if err != nil || !t.Any() {
		return Due{}, err
	}
	c, err := LoadCalendar(ctx, q, loc, start)
	if err != nil {
		return Due{}, err
	}
	return c.DueFrom(start, t)
}
