package upkeep

import (
	"testing"
	"time"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func date(s string) Date {
	d, ok := ParseDate(s)
	if !ok {
		panic(s)
	}
	return d
}

// occurrences lists the first n occurrences after from, in loc, as local text.
func occurrences(t *testing.T, s Schedule, from time.Time, loc *time.Location, n int) []string {
	t.Helper()
	var out []string
	at := from
	for range n {
		next, ok := s.Next(at, loc)
		if !ok {
			break
		}
		if !next.After(at) {
			t.Fatalf("Next(%v) = %v, not after", at, next)
		}
		out = append(out, next.In(loc).Format("2006-01-02 15:04 MST"))
		at = next
	}
	return out
}

func same(t *testing.T, got, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d occurrences %q, want %q", len(got), got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("occurrence %d: got %q, want %q (all: %q)", i, got[i], want[i], got)
		}
	}
}

func TestEveryNDays(t *testing.T) {
	loc := zone(t, "Europe/Moscow")
	s := Schedule{Every: EveryDays, N: 3, AtMinute: 9 * 60, Start: date("2026-02-26")}
	from := time.Date(2026, 2, 1, 0, 0, 0, 0, loc)
	same(t, occurrences(t, s, from, loc, 4), []string{"2026-02-26 09:00 MSK", "2026-03-01 09:00 MSK", "2026-03-04 09:00 MSK", "2026-03-07 09:00 MSK"})
	// After a time on a due day but before its hour: that same day.
	got, _ := s.Next(time.Date(2026, 3, 1, 8, 59, 0, 0, loc), loc)
	if want := time.Date(2026, 3, 1, 9, 0, 0, 0, loc); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	// Exactly at an occurrence: the next one, never the same instant.
	got, _ = s.Next(time.Date(2026, 3, 1, 9, 0, 0, 0, loc), loc)
	if want := time.Date(2026, 3, 4, 9, 0, 0, 0, loc); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
}

func TestWeeklyOnWeekdays(t *testing.T) {
	loc := zone(t, "Europe/Berlin")
	// Every other week on Monday and Thursday, from Wednesday 2026-01-07: the
	// start's week counts, so Thursday the 8th is first, then the 19th and 22nd.
	s := Schedule{Every: EveryWeeks, N: 2, Weekdays: 1<<time.Monday | 1<<time.Thursday, AtMinute: 8*60 + 30, Start: date("2026-01-07")}
	same(t, occurrences(t, s, time.Date(2026, 1, 1, 0, 0, 0, 0, loc), loc, 4),
		[]string{"2026-01-08 08:30 CET", "2026-01-19 08:30 CET", "2026-01-22 08:30 CET", "2026-02-02 08:30 CET"})
	// Weekly on Sunday: Sunday closes the ISO week, still every week.
	s = Schedule{Every: EveryWeeks, N: 1, Weekdays: 1 << time.Sunday, AtMinute: 0, Start: date("2026-01-05")}
	same(t, occurrences(t, s, time.Date(2026, 1, 1, 0, 0, 0, 0, loc), loc, 2), []string{"2026-01-11 00:00 CET", "2026-01-18 00:00 CET"})
}

func TestMonthlyClampsToTheMonthsEnd(t *testing.T) {
	loc := zone(t, "Europe/Moscow")
	s := Schedule{Every: EveryMonths, N: 1, MonthDay: 31, AtMinute: 10 * 60, Start: date("2027-12-15")}
	same(t, occurrences(t, s, time.Date(2027, 12, 1, 0, 0, 0, 0, loc), loc, 5), []string{
		"2027-12-31 10:00 MSK", "2028-01-31 10:00 MSK", "2028-02-29 10:00 MSK", "2028-03-31 10:00 MSK", "2028-04-30 10:00 MSK"})
	// Not a leap year: February 28th.
	s.Start = date("2026-02-01")
	same(t, occurrences(t, s, time.Date(2026, 1, 1, 0, 0, 0, 0, loc), loc, 2), []string{"2026-02-28 10:00 MSK", "2026-03-31 10:00 MSK"})
	// Quarterly on the 29th, from a start after that day: the next quarter.
	s = Schedule{Every: EveryMonths, N: 3, MonthDay: 29, AtMinute: 0, Start: date("2027-11-30")}
	same(t, occurrences(t, s, time.Date(2027, 1, 1, 0, 0, 0, 0, loc), loc, 2), []string{"2028-02-29 00:00 MSK", "2028-05-29 00:00 MSK"})
}

func TestDaylightSavingGapAndOverlap(t *testing.T) {
	for _, tc := range []struct {
		zone            string
		gapDay, overDay string
		at              int
		gapWant         string
		overUTC         string
	}{
		// Berlin: 02:00 → 03:00 on 29 March 2026, 03:00 → 02:00 on 25 October.
		{"Europe/Berlin", "2026-03-29", "2026-10-25", 2*60 + 30, "2026-03-29 03:00 CEST", "2026-10-25 00:30"},
		// New York: 02:00 → 03:00 on 8 March 2026, 02:00 → 01:00 on 1 November.
		{"America/New_York", "2026-03-08", "2026-11-01", 1*60 + 30, "", "2026-11-01 05:30"},
	} {
		loc := zone(t, tc.zone)
		s := Schedule{Every: EveryDays, N: 1, AtMinute: tc.at, Start: date("2026-01-01")}
		if tc.gapWant != "" {
			gap := date(tc.gapDay)
			before := time.Date(gap.Year, gap.Month, gap.Day, 0, 0, 0, 0, loc)
			got := occurrences(t, s, before, loc, 2)
			same(t, got, []string{tc.gapWant, "2026-03-30 02:30 CEST"})
		}
		over := date(tc.overDay)
		before := time.Date(over.Year, over.Month, over.Day, 0, 0, 0, 0, loc)
		first, _ := s.Next(before, loc)
		if got := first.UTC().Format("2006-01-02 15:04"); got != tc.overUTC {
			t.Fatalf("%s: the repeated wall time fired at %s UTC, want the first, %s", tc.zone, got, tc.overUTC)
		}
		// Once only: the next is the following day's, not the second 01:30/02:30.
		second, _ := s.Next(first, loc)
		if second.Sub(first) < 24*time.Hour {
			t.Fatalf("%s: fired twice on the repeated hour: %v then %v", tc.zone, first, second)
		}
	}
	// New York's gap: 02:30 on 8 March 2026 does not exist; it fires at 03:00 EDT.
	ny := zone(t, "America/New_York")
	s := Schedule{Every: EveryWeeks, N: 1, Weekdays: 1 << time.Sunday, AtMinute: 2*60 + 30, Start: date("2026-03-01")}
	same(t, occurrences(t, s, time.Date(2026, 3, 2, 0, 0, 0, 0, ny), ny, 2), []string{"2026-03-08 03:00 EDT", "2026-03-15 02:30 EDT"})
	// A daily time across the change keeps its wall clock: 09:00 both sides.
	ber := zone(t, "Europe/Berlin")
	s = Schedule{Every: EveryDays, N: 1, AtMinute: 9 * 60, Start: date("2026-03-28")}
	same(t, occurrences(t, s, time.Date(2026, 3, 27, 0, 0, 0, 0, ber), ber, 3), []string{"2026-03-28 09:00 CET", "2026-03-29 09:00 CEST", "2026-03-30 09:00 CEST"})
}

func TestEndDateStopsTheSchedule(t *testing.T) {
	loc := time.UTC
	s := Schedule{Every: EveryDays, N: 7, AtMinute: 60, Start: date("2026-01-01"), End: date("2026-01-15")}
	same(t, occurrences(t, s, time.Date(2025, 1, 1, 0, 0, 0, 0, loc), loc, 10), []string{"2026-01-01 01:00 UTC", "2026-01-08 01:00 UTC", "2026-01-15 01:00 UTC"})
}

func TestCheckRefusesSchedulesThatNeverFireOrAreAbsurd(t *testing.T) {
	loc := time.UTC
	ok := Schedule{Every: EveryWeeks, N: 1, Weekdays: 1 << time.Monday, AtMinute: 9 * 60, Start: date("2026-01-01")}
	if p := ok.Check(loc); p != nil {
		t.Fatalf("a sound schedule refused: %v", p)
	}
	for name, tc := range map[string]struct {
		mutate func(*Schedule)
		key    string
	}{
		"every 0 weeks":        {func(s *Schedule) { s.N = 0 }, "upkeep.err_weeks"},
		"every 53 weeks":       {func(s *Schedule) { s.N = 53 }, "upkeep.err_weeks"},
		"no weekday":           {func(s *Schedule) { s.Weekdays = 0 }, "upkeep.err_weekdays"},
		"every 0 days":         {func(s *Schedule) { s.Every, s.N = EveryDays, 0 }, "upkeep.err_days"},
		"every 367 days":       {func(s *Schedule) { s.Every, s.N = EveryDays, 367 }, "upkeep.err_days"},
		"every 13 months":      {func(s *Schedule) { s.Every, s.N, s.MonthDay = EveryMonths, 13, 1 }, "upkeep.err_months"},
		"day 32":               {func(s *Schedule) { s.Every, s.MonthDay = EveryMonths, 32 }, "upkeep.err_month_day"},
		"unknown unit":         {func(s *Schedule) { s.Every = "minutes" }, "upkeep.err_every"},
		"time past midnight":   {func(s *Schedule) { s.AtMinute = 24 * 60 }, "upkeep.err_at"},
		"no start":             {func(s *Schedule) { s.Start = Date{} }, "upkeep.err_start"},
		"end before start":     {func(s *Schedule) { s.End = date("2025-12-31") }, "upkeep.err_end_before_start"},
		"no Monday before end": {func(s *Schedule) { s.End = date("2026-01-04") }, "upkeep.err_never"},
		"day 31 never before end": {func(s *Schedule) {
			s.Every, s.MonthDay, s.End = EveryMonths, 31, date("2026-01-30")
		}, "upkeep.err_never"},
	} {
		s := ok
		tc.mutate(&s)
		p := s.Check(loc)
		if len(p) == 0 || p[0].Key != tc.key {
			t.Errorf("%s: got %v, want %s", name, p, tc.key)
		}
	}
}

func TestLatestCollapsesMissedPeriods(t *testing.T) {
	loc := zone(t, "Europe/Berlin")
	s := Schedule{Every: EveryDays, N: 1, AtMinute: 9 * 60, Start: date("2026-01-01")}
	first := time.Date(2026, 1, 1, 9, 0, 0, 0, loc)
	// Down for ten days: the latest missed occurrence, once.
	now := time.Date(2026, 1, 11, 12, 0, 0, 0, loc)
	got, ok := s.Latest(first, now, loc)
	if want := time.Date(2026, 1, 11, 9, 0, 0, 0, loc); !ok || !got.Equal(want) {
		t.Fatalf("got %v %v, want %v", got, ok, want)
	}
	// Down for three years on a monthly plan: still the latest, in a few steps.
	m := Schedule{Every: EveryMonths, N: 1, MonthDay: 31, AtMinute: 0, Start: date("2026-01-01")}
	got, _ = m.Latest(time.Date(2026, 1, 31, 0, 0, 0, 0, loc), time.Date(2029, 3, 15, 0, 0, 0, 0, loc), loc)
	if want := time.Date(2029, 2, 28, 0, 0, 0, 0, loc); !got.Equal(want) {
		t.Fatalf("got %v, want %v", got, want)
	}
	if _, ok := s.Latest(now.Add(time.Hour), now, loc); ok {
		t.Fatal("a due time still ahead was reported as due")
	}
}
