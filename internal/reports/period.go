package reports

import (
	"strings"
	"time"

	"smartservice/internal/apperr"
)

// DateLayout is how a report's days are written in URLs and the API (YYYY-MM-DD).
const DateLayout = "2006-01-02"

// MaxYears is the longest period a report covers: a longer one would be a slow
// question nobody asks on a Monday.
const MaxYears = 3

// DefaultDays is the length of the period when none is given: the last week,
// today included.
const DefaultDays = 7

// Period is a run of whole days in the office's time zone, both ends included.
// From and To are midnights in that zone.
type Period struct {
	From, To time.Time
}

// day returns the midnight of t's calendar day in loc.
func day(t time.Time, loc *time.Location) time.Time {
	t = t.In(loc)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, loc)
}

// addDays moves a midnight by n calendar days. time.Date normalises the day in
// the zone, so across a daylight-saving change the result is still midnight (a
// day of 23 or 25 hours), which Add(24h) would not be.
func addDays(t time.Time, n int) time.Time {
	return time.Date(t.Year(), t.Month(), t.Day()+n, 0, 0, 0, 0, t.Location())
}

// Start is the first instant of the period.
func (p Period) Start() time.Time { return p.From }

// End is the first instant after the period (the midnight after To).
func (p Period) End() time.Time { return addDays(p.To, 1) }

// Days is the number of days in the period.
func (p Period) Days() int {
	n := 0
	for d := p.From; !d.After(p.To); d = addDays(d, 1) {
		n++
	}
	return n
}

// Previous is the period of equal length that ends the day before p starts: the
// figures beside which p's are shown.
func (p Period) Previous() Period {
	n := p.Days()
	return Period{From: addDays(p.From, -n), To: addDays(p.From, -1)}
}

// Today is the one-day period of now in loc.
func Today(now time.Time, loc *time.Location) Period {
	d := day(now, loc)
	return Period{From: d, To: d}
}

// LastDays is the n days ending today, today included.
func LastDays(now time.Time, loc *time.Location, n int) Period {
	d := day(now, loc)
	return Period{From: addDays(d, 1-n), To: d}
}

// ThisMonth runs from the first of now's month to today.
func ThisMonth(now time.Time, loc *time.Location) Period {
	d := day(now, loc)
	return Period{From: time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, loc), To: d}
}

// LastMonth is the whole calendar month before now's.
func LastMonth(now time.Time, loc *time.Location) Period {
	d := day(now, loc)
	first := time.Date(d.Year(), d.Month(), 1, 0, 0, 0, 0, loc)
	return Period{From: time.Date(d.Year(), d.Month()-1, 1, 0, 0, 0, 0, loc), To: addDays(first, -1)}
}

// ParsePeriod reads a period from two dates as a person or a client wrote them
// (YYYY-MM-DD, in loc). An empty to is today; an empty from is DefaultDays days
// before to. Dates that do not parse, a to before from and a period longer than
// MaxYears are Invalid, with the field named.
func ParsePeriod(from, to string, now time.Time, loc *time.Location) (Period, error) {
	var f apperr.Fields
	parse := func(field, v string) (time.Time, bool) {
		t, err := time.ParseInLocation(DateLayout, strings.TrimSpace(v), loc)
		if err != nil {
			f.Add(field, "reports.bad_date")
			return time.Time{}, false
		}
		return t, true
	}
	p := LastDays(now, loc, DefaultDays)
	toOK, fromOK := true, true
	if strings.TrimSpace(to) != "" {
		p.To, toOK = parse("to", to)
	}
	if strings.TrimSpace(from) != "" {
		p.From, fromOK = parse("from", from)
	} else if toOK {
		p.From = addDays(p.To, 1-DefaultDays)
	}
	if fromOK && toOK {
		switch {
		case p.To.Before(p.From):
			f.Add("to", "reports.to_before_from")
		case !p.To.Before(time.Date(p.From.Year()+MaxYears, p.From.Month(), p.From.Day(), 0, 0, 0, 0, loc)):
			f.Add("to", "reports.too_long", "Years", MaxYears)
		}
	}
	if err := f.Err(); err != nil {
		return Period{}, err
	}
	return p, nil
}
