// Package sla is service levels: the office's working time (hours per weekday and
// holidays, in the office's time zone), the targets per problem type and per
// routing rule, and the state of a ticket against them. The tickets module stores
// each ticket's due times (computed here when the ticket reaches a department) and
// runs the escalation; this package owns the tables office_hours and
// office_holidays and the target columns of problem_types and routing_rules.
package sla

import (
	"errors"
	"time"
)

// Hours is a day's opening, in minutes after local midnight; Closes up to 1440
// (midnight at the end of the day). The zero value is a closed day.
type Hours struct {
	Opens, Closes int
}

// Open reports whether the day has working time at all.
func (h Hours) Open() bool { return h.Closes > h.Opens }

// Calendar is the office's working time. A week with no open day at all is the
// office working around the clock (nobody set hours yet); holidays are closed
// days either way.
type Calendar struct {
	// Loc is the office's time zone (SMARTSERVICE_TIMEZONE); nil is UTC.
	Loc *time.Location
	// Week is indexed by time.Weekday.
	Week [7]Hours
	// Holidays are local dates, "2006-01-02".
	Holidays map[string]bool
}

// maxDays bounds how far a calculation walks: a target beyond the working days of
// this many calendar days is refused long before (MaxTarget), so reaching it means
// a calendar with no working time at all.
const maxDays = 5 * 366

// ErrNoWorkingTime is returned when the calendar has no working time within
// maxDays of the start (every day a holiday).
var ErrNoWorkingTime = errors.New("sla: the office calendar has no working time")

func (c *Calendar) loc() *time.Location {
	if c.Loc == nil {
		return time.UTC
	}
	return c.Loc
}

// roundTheClock reports whether no weekday has hours: then every day but a
// holiday is open from midnight to midnight.
func (c *Calendar) roundTheClock() bool {
	for _, h := range c.Week {
		if h.Open() {
			return false
		}
	}
	return true
}

// span is the working interval of the local date (y, m, d), ok false when closed.
// The wall-clock times are made with time.Date, so on a daylight-saving day an
// opening that does not exist moves forward with the clock, and the day's working
// time is its real length (a 00:00–24:00 day lasts 23 or 25 hours).
func (c *Calendar) span(y int, m time.Month, d int) (from, to time.Time, ok bool) {
	loc := c.loc()
	day := time.Date(y, m, d, 12, 0, 0, 0, loc)
	if c.Holidays[day.Format(time.DateOnly)] {
		return time.Time{}, time.Time{}, false
	}
	h := Hours{Opens: 0, Closes: 1440}
	if !c.roundTheClock() {
		h = c.Week[day.Weekday()]
		if !h.Open() {
			return time.Time{}, time.Time{}, false
		}
	}
	from = time.Date(y, m, d, h.Opens/60, h.Opens%60, 0, 0, loc)
	to = time.Date(y, m, d, h.Closes/60, h.Closes%60, 0, 0, loc)
	if h.Closes == 1440 {
		to = time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	}
	return from, to, to.After(from)
}

// AddWorking returns the instant when d of working time has passed since start:
// a ticket filed at night or on a Friday evening starts counting when the office
// next opens. A d of zero or less is start itself. An instant that lands exactly
// on a closing time is that closing time, not the next opening.
func (c *Calendar) AddWorking(start time.Time, d time.Duration) (time.Time, error) {
	if d <= 0 {
		return start, nil
	}
	local := start.In(c.loc())
	y, m, day := local.Date()
	for i := 0; i < maxDays; i++ {
		from, to, ok := c.span(y, m, day+i)
		if !ok || !to.After(start) {
			continue
		}
		if from.Before(start) {
			from = start
		}
		if avail := to.Sub(from); d <= avail {
			return from.Add(d).In(start.Location()), nil
		} else {
			d -= avail
		}
	}
	return time.Time{}, ErrNoWorkingTime
}

// WorkingBetween is the working time from a to b; zero when b is not after a.
func (c *Calendar) WorkingBetween(a, b time.Time) time.Duration {
	if !b.After(a) {
		return 0
	}
	local := a.In(c.loc())
	y, m, day := local.Date()
	var sum time.Duration
	for i := 0; ; i++ {
		if time.Date(y, m, day+i, 0, 0, 0, 0, c.loc()).After(b) {
			return sum
		}
		from, to, ok := c.span(y, m, day+i)
		if !ok {
			continue
		}
		if from.Before(a) {
			from = a
		}
		if to.After(b) {
			to = b
		}
		if to.After(from) {
			sum += to.Sub(from)
		}
	}
}
