// Package upkeep is recurring upkeep: plans that file tickets by themselves when
// due (a coffee machine descaled monthly, paper restocked on Mondays). It owns
// upkeep_plans and upkeep_runs; tickets are filed through the tickets domain, which
// knows a plan only as the id it marks the ticket with.
package upkeep

import (
	"time"
)

// Every is the unit of a schedule's period.
type Every string

// The units: every N days; every N weeks on given weekdays; every N months on a day.
const (
	EveryDays   Every = "days"
	EveryWeeks  Every = "weeks"
	EveryMonths Every = "months"
)

// Limits that keep a schedule sensible: at most once a day, at least once in
// MaxDays, so "every minute" and "every 1000 years" are refused.
const (
	MaxDays   = 366
	MaxWeeks  = 52
	MaxMonths = 12
)

// Date is a calendar date in the office's zone, without a time.
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// ParseDate reads "2006-01-02".
func ParseDate(s string) (Date, bool) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, false
	}
	return Date{t.Year(), t.Month(), t.Day()}, true
}

// String is "2006-01-02"; "" for the zero date.
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return d.civil().Format(time.DateOnly)
}

// IsZero reports an unset date (an end date of none).
func (d Date) IsZero() bool { return d.Year == 0 }

// civil is the date at UTC midnight, for day arithmetic free of any zone's DST.
func (d Date) civil() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

func dateOf(t time.Time) Date { return Date{t.Year(), t.Month(), t.Day()} }

func (d Date) addDays(n int) Date { return dateOf(d.civil().AddDate(0, 0, n)) }

// daysBetween is b − a in whole calendar days.
func daysBetween(a, b Date) int { return int(b.civil().Sub(a.civil()).Hours() / 24) }

// Schedule is when a plan falls due, in the office's zone.
type Schedule struct {
	Every Every
	// N is the period in Every's unit: every N days, weeks or months.
	N int
	// Weekdays (EveryWeeks) is a bit set: 1<<time.Sunday … 1<<time.Saturday.
	Weekdays int
	// MonthDay (EveryMonths) is 1…31; a day past a month's end means its last day.
	MonthDay int
	// AtMinute is the local time of day, in minutes after midnight.
	AtMinute int
	// Start is the first day the plan may fall due; End the last (zero: none).
	Start, End Date
}

// Problem is what is wrong with a schedule, as a translation key and the form
// field it concerns; "" when the schedule is sound.
type Problem struct{ Field, Key string }

// Check says what makes s unusable: a period of zero or beyond the limits, no
// weekday, a day of month out of range, a time outside the day, an end before the
// start, or a schedule whose first occurrence falls after its end.
func (s Schedule) Check(loc *time.Location) []Problem {
	var out []Problem
	switch s.Every {
	case EveryDays:
		if s.N < 1 || s.N > MaxDays {
			out = append(out, Problem{"every_n", "upkeep.err_days"})
		}
	case EveryWeeks:
		if s.N < 1 || s.N > MaxWeeks {
			out = append(out, Problem{"every_n", "upkeep.err_weeks"})
		}
		if s.Weekdays&0x7f == 0 || s.Weekdays&^0x7f != 0 {
			out = append(out, Problem{"weekdays", "upkeep.err_weekdays"})
		}
	case EveryMonths:
		if s.N < 1 || s.N > MaxMonths {
			out = append(out, Problem{"every_n", "upkeep.err_months"})
		}
		if s.MonthDay < 1 || s.MonthDay > 31 {
			out = append(out, Problem{"month_day", "upkeep.err_month_day"})
		}
	default:
		out = append(out, Problem{"every", "upkeep.err_every"})
	}
	if s.AtMinute < 0 || s.AtMinute >= 24*60 {
		out = append(out, Problem{"at", "upkeep.err_at"})
	}
	if s.Start.IsZero() {
		out = append(out, Problem{"start", "upkeep.err_start"})
	}
	if len(out) > 0 {
		return out
	}
	if !s.End.IsZero() && daysBetween(s.Start, s.End) < 0 {
		return []Problem{{"end", "upkeep.err_end_before_start"}}
	}
	if _, ok := s.firstOnOrAfter(s.Start); !ok {
		return []Problem{{"end", "upkeep.err_never"}}
	}
	return nil
}

// Next returns the first occurrence strictly after after, or false when the
// schedule has none left (past its end). The local time is kept across daylight
// saving: a time the clocks skip (02:30 on the spring-forward night) fires at the
// first instant after the jump; a time that happens twice (autumn) fires once, at
// the first of the two.
func (s Schedule) Next(after time.Time, loc *time.Location) (time.Time, bool) {
	d := dateOf(after.In(loc))
	// The occurrence on after's own day may already be past; the next day's is
	// not (at most one occurrence a day), so two candidates suffice.
	for i := 0; i < 3; i++ {
		day, ok := s.firstOnOrAfter(d)
		if !ok {
			return time.Time{}, false
		}
		if t := s.at(day, loc); t.After(after) {
			return t, true
		}
		d = day.addDays(1)
	}
	return time.Time{}, false
}

// at is the instant of the schedule's local time on day.
func (s Schedule) at(day Date, loc *time.Location) time.Time {
	h, m := s.AtMinute/60, s.AtMinute%60
	t := time.Date(day.Year, day.Month, day.Day, h, m, 0, 0, loc)
	if t.Hour() != h || t.Minute() != m || dateOf(t) != day {
		// The wall time does not exist (skipped by a spring-forward): fire when the
		// new offset starts, the first instant after the jump. Go may have moved
		// the time forward (then the jump is where t's offset began) or back (then
		// it is where t's offset ends).
		start, end := t.ZoneBounds()
		asked := time.Date(day.Year, day.Month, day.Day, h, m, 0, 0, time.UTC)
		got := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
		if got.After(asked) && !start.IsZero() {
			return start
		}
		if !end.IsZero() {
			return end
		}
		return t
	}
	// A wall time that happens twice: take the earlier instant. An earlier
	// instant with the same wall clock exists only in the zone period before t's.
	start, _ := t.ZoneBounds()
	if start.IsZero() {
		return t
	}
	_, offNow := t.Zone()
	_, offBefore := start.Add(-time.Nanosecond).Zone()
	if offBefore > offNow {
		if e := t.Add(-time.Duration(offBefore-offNow) * time.Second); e.Before(start) {
			return e
		}
	}
	return t
}

// firstOnOrAfter is the first day on or after from (and on or after Start) on
// which the schedule falls due; false past End.
func (s Schedule) firstOnOrAfter(from Date) (Date, bool) {
	if daysBetween(s.Start, from) < 0 {
		from = s.Start
	}
	var d Date
	switch s.Every {
	case EveryDays:
		k := daysBetween(s.Start, from)
		k = (k + s.N - 1) / s.N * s.N
		d = s.Start.addDays(k)
	case EveryWeeks:
		var ok bool
		if d, ok = s.weekly(from); !ok {
			return Date{}, false
		}
	case EveryMonths:
		d = s.monthly(from)
	default:
		return Date{}, false
	}
	if !s.End.IsZero() && daysBetween(d, s.End) < 0 {
		return Date{}, false
	}
	return d, true
}

// monday is the Monday of d's week: weeks count from the start's.
func monday(d Date) Date {
	wd := (int(d.civil().Weekday()) + 6) % 7
	return d.addDays(-wd)
}

func (s Schedule) weekly(from Date) (Date, bool) {
	if s.Weekdays&0x7f == 0 || s.N < 1 {
		return Date{}, false
	}
	base := monday(s.Start)
	week := daysBetween(base, monday(from)) / 7
	if r := week % s.N; r != 0 {
		week += s.N - r
		from = base.addDays(week * 7)
	}
	for {
		wkStart := base.addDays(week * 7)
		for i := daysBetween(wkStart, from); i < 7; i++ {
			d := wkStart.addDays(i)
			if s.Weekdays&(1<<uint(d.civil().Weekday())) != 0 {
				return d, true
			}
		}
		week += s.N
		from = base.addDays(week * 7)
	}
}

// monthly is the first monthly due day on or after from: months count from the
// start's, and a day past a month's end is that month's last day.
func (s Schedule) monthly(from Date) Date {
	months := (from.Year-s.Start.Year)*12 + int(from.Month) - int(s.Start.Month)
	if r := months % s.N; r != 0 {
		months += s.N - r
	}
	for {
		first := time.Date(s.Start.Year, s.Start.Month+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
		last := first.AddDate(0, 1, -1).Day()
		day := min(s.MonthDay, last)
		d := Date{first.Year(), first.Month(), day}
		if daysBetween(from, d) >= 0 && daysBetween(s.Start, d) >= 0 {
			return d
		}
		months += s.N
	}
}

// Latest returns the last occurrence at or before now that is not before from
// (the plan's stored next due time), or false when none: the catch-up after
// downtime files once, for the latest missed period.
func (s Schedule) Latest(from, now time.Time, loc *time.Location) (time.Time, bool) {
	if from.After(now) {
		return time.Time{}, false
	}
	last := from
	// Step back from now: the occurrence after (now − one period − a day) is close,
	// so this loop walks at most a few occurrences whatever the downtime.
	probe := now.Add(-s.span())
	if probe.After(last) {
		if t, ok := s.Next(probe, loc); ok && !t.After(now) {
			last = t
		}
	}
	for {
		t, ok := s.Next(last, loc)
		if !ok || t.After(now) {
			return last, true
		}
		last = t
	}
}

// span is a length longer than the schedule's longest gap between occurrences.
func (s Schedule) span() time.Duration {
	day := 24 * time.Hour
	switch s.Every {
	case EveryWeeks:
		return time.Duration(7*s.N+2) * day
	case EveryMonths:
		return time.Duration(31*s.N+2) * day
	}
	return time.Duration(s.N+2) * day
}
