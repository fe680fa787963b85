package sla

import (
	"math/rand"
	"testing"
	"time"
)

func berlin(t *testing.T) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// office is Mon–Fri 09:00–18:00 in Berlin.
func office(t *testing.T, holidays ...string) *Calendar {
	c := &Calendar{Loc: berlin(t), Holidays: map[string]bool{}}
	for wd := time.Monday; wd <= time.Friday; wd++ {
		c.Week[wd] = Hours{Opens: 9 * 60, Closes: 18 * 60}
	}
	for _, h := range holidays {
		c.Holidays[h] = true
	}
	return c
}

func at(t *testing.T, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation("2006-01-02 15:04", s, berlin(t))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func TestAddWorkingOfficeHours(t *testing.T) {
	for _, c := range []struct {
		name, start string
		d           time.Duration
		holidays    []string
		want        string
	}{
		{"inside the day", "2026-03-24 10:00", 2 * time.Hour, nil, "2026-03-24 12:00"},
		{"filed at night counts from opening", "2026-03-24 02:00", 30 * time.Minute, nil, "2026-03-24 09:30"},
		{"filed in the evening counts from the next opening", "2026-03-24 19:00", time.Hour, nil, "2026-03-25 10:00"},
		{"Friday evening runs over the weekend", "2026-03-27 17:30", 2 * time.Hour, nil, "2026-03-30 10:30"},
		{"filed on Saturday", "2026-03-28 11:00", 30 * time.Minute, nil, "2026-03-30 09:30"},
		{"one working day from opening ends at closing", "2026-03-24 09:00", 9 * time.Hour, nil, "2026-03-24 18:00"},
		{"one working day from noon ends next noon", "2026-03-24 12:00", 9 * time.Hour, nil, "2026-03-25 12:00"},
		{"a holiday on the due day moves it a day", "2026-03-24 12:00", 9 * time.Hour, []string{"2026-03-25"}, "2026-03-26 12:00"},
		{"a holiday Monday after a Friday", "2026-04-03 17:00", 2 * time.Hour, []string{"2026-04-06"}, "2026-04-07 10:00"},
		{"filed on a holiday", "2026-03-25 10:00", time.Hour, []string{"2026-03-25"}, "2026-03-26 10:00"},
		{"the week of the spring change (Sunday 29 March)", "2026-03-27 17:00", 10 * time.Hour, nil, "2026-03-30 18:00"},
		{"and a minute more", "2026-03-27 17:00", 10*time.Hour + time.Minute, nil, "2026-03-31 09:01"},
		{"zero is the start", "2026-03-28 11:00", 0, nil, "2026-03-28 11:00"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cal := office(t, c.holidays...)
			got, err := cal.AddWorking(at(t, c.start), c.d)
			if err != nil {
				t.Fatal(err)
			}
			if want := at(t, c.want); !got.Equal(want) {
				t.Fatalf("AddWorking(%s, %s) = %s, want %s", c.start, c.d, got.In(cal.Loc), want)
			}
			if c.d > 0 {
				if back := cal.WorkingBetween(at(t, c.start), got); back != c.d {
					t.Fatalf("WorkingBetween back = %s, want %s", back, c.d)
				}
			}
		})
	}
}

// With no hours set time counts around the clock, and a daylight-saving day has
// its real length: 23 hours in spring, 25 in autumn.
func TestRoundTheClockAndDaylightSaving(t *testing.T) {
	cal := &Calendar{Loc: berlin(t)}
	start := at(t, "2026-03-28 12:00")
	got, _ := cal.AddWorking(start, 24*time.Hour)
	if want := at(t, "2026-03-29 13:00"); !got.Equal(want) {
		t.Fatalf("24h over the spring change = %s, want %s (a real day later, the wall clock an hour on)", got.In(cal.Loc), want)
	}
	if d := cal.WorkingBetween(at(t, "2026-03-29 00:00"), at(t, "2026-03-30 00:00")); d != 23*time.Hour {
		t.Fatalf("spring day = %s, want 23h", d)
	}
	if d := cal.WorkingBetween(at(t, "2026-10-25 00:00"), at(t, "2026-10-26 00:00")); d != 25*time.Hour {
		t.Fatalf("autumn day = %s, want 25h", d)
	}
	// A holiday is closed even around the clock.
	cal.Holidays = map[string]bool{"2026-03-29": true}
	got, _ = cal.AddWorking(at(t, "2026-03-28 23:00"), 2*time.Hour)
	if want := at(t, "2026-03-30 01:00"); !got.Equal(want) {
		t.Fatalf("over a holiday = %s, want %s", got.In(cal.Loc), want)
	}
}

// An office open across the skipped hour (01:00–05:00 on the spring Sunday) has
// three hours that day; an opening at 02:30, which does not exist that day, moves
// on with the clock to 03:30 CEST (what time.Date makes of it).
func TestOpeningInsideTheSkippedHour(t *testing.T) {
	cal := &Calendar{Loc: berlin(t)}
	cal.Week[time.Sunday] = Hours{Opens: 60, Closes: 5 * 60}
	if d := cal.WorkingBetween(at(t, "2026-03-29 00:00"), at(t, "2026-03-30 00:00")); d != 3*time.Hour {
		t.Fatalf("the spring Sunday 01–05 = %s, want 3h", d)
	}
	cal.Week[time.Sunday] = Hours{Opens: 150, Closes: 5 * 60} // 02:30, skipped
	got, _ := cal.AddWorking(at(t, "2026-03-28 12:00"), 30*time.Minute)
	if want := at(t, "2026-03-29 04:00"); !got.Equal(want) {
		t.Fatalf("from a skipped opening = %s, want %s", got.In(cal.Loc), want)
	}
	// Autumn: 01:00–05:00 on 25 October is five real hours.
	cal.Week[time.Sunday] = Hours{Opens: 60, Closes: 5 * 60}
	if d := cal.WorkingBetween(at(t, "2026-10-25 00:00"), at(t, "2026-10-26 00:00")); d != 5*time.Hour {
		t.Fatalf("the autumn Sunday 01–05 = %s, want 5h", d)
	}
}

// WorkingBetween(a, AddWorking(a, d)) is d, and the result is always inside
// working time (or at a closing), for random starts and targets over a year with
// holidays.
func TestAddWorkingAndWorkingBetweenAgree(t *testing.T) {
	cal := office(t, "2026-01-01", "2026-05-01", "2026-05-08", "2026-12-24", "2026-12-25", "2026-12-31")
	rng := rand.New(rand.NewSource(16))
	base := at(t, "2026-01-01 00:00")
	for i := 0; i < 3000; i++ {
		a := base.Add(time.Duration(rng.Int63n(int64(365 * 24 * time.Hour))))
		d := time.Duration(1+rng.Intn(60*60)) * time.Minute
		b, err := cal.AddWorking(a, d)
		if err != nil {
			t.Fatal(err)
		}
		if got := cal.WorkingBetween(a, b); got != d {
			t.Fatalf("start %s, %s: due %s, WorkingBetween %s", a.In(cal.Loc), d, b.In(cal.Loc), got)
		}
		l := b.In(cal.Loc)
		mins := l.Hour()*60 + l.Minute()
		if cal.Holidays[l.Format(time.DateOnly)] || l.Weekday() == time.Saturday || l.Weekday() == time.Sunday || mins <= 9*60 || mins > 18*60 {
			t.Fatalf("start %s, %s: due %s is outside working time", a.In(cal.Loc), d, l)
		}
	}
}

func TestNoWorkingTimeIsAnError(t *testing.T) {
	cal := &Calendar{Loc: time.UTC, Holidays: map[string]bool{}}
	cal.Week[time.Monday] = Hours{Opens: 540, Closes: 600}
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for d := start; d.Before(start.AddDate(6, 0, 0)); d = d.AddDate(0, 0, 1) {
		cal.Holidays[d.Format(time.DateOnly)] = true
	}
	if _, err := cal.AddWorking(start, time.Hour); err != ErrNoWorkingTime {
		t.Fatalf("err = %v, want ErrNoWorkingTime", err)
	}
}

func TestParseTarget(t *testing.T) {
	for in, want := range map[string]int{"30m": 30, "2h": 120, "1h30m": 90, "1.5h": 90, "45": 45, " 9 h ": 540, "": 0} {
		if got, key := ParseTarget(in); got != want || key != "" {
			t.Errorf("ParseTarget(%q) = %d, %q; want %d", in, got, key, want)
		}
	}
	for in, want := range map[string]string{"0": "sla.target_not_positive", "-5m": "sla.target_not_positive", "0m": "sla.target_not_positive",
		"-1": "sla.target_not_positive", "soon": "sla.target_invalid", "90s": "sla.target_whole_minutes",
		"501h": "sla.target_too_long", "99999999": "sla.target_too_long", "1d": "sla.target_invalid"} {
		if _, key := ParseTarget(in); key != want {
			t.Errorf("ParseTarget(%q) refused with %q, want %q", in, key, want)
		}
	}
	for _, m := range []int{1, 30, 60, 90, 540, MaxTargetMinutes} {
		if back, _ := ParseTarget(FormatTarget(m)); back != m {
			t.Errorf("FormatTarget(%d) = %q reads back as %d", m, FormatTarget(m), back)
		}
	}
}

func TestStates(t *testing.T) {
	t0 := time.Date(2026, 3, 24, 9, 0, 0, 0, time.UTC)
	p := func(d time.Duration) *time.Time { v := t0.Add(d); return &v }
	open := Clocks{Open: true, TakeBy: p(30 * time.Minute), TakeWarnAt: p(24 * time.Minute), DoneBy: p(2 * time.Hour), DoneWarnAt: p(96 * time.Minute)}
	for _, c := range []struct {
		name string
		c    Clocks
		now  time.Duration
		want State
	}{
		{"no target", Clocks{Open: true}, time.Hour, StateNone},
		{"fresh", open, 0, StateOnTrack},
		{"80% of the take time", open, 24 * time.Minute, StateAtRisk},
		{"take missed", open, 31 * time.Minute, StateBreached},
		{"taken in time, done at risk", func() Clocks { c := open; c.TakenAt = p(10 * time.Minute); return c }(), 100 * time.Minute, StateAtRisk},
		{"taken late stays breached", func() Clocks { c := open; c.TakenAt = p(40 * time.Minute); return c }(), 41 * time.Minute, StateBreached},
		{"done in time", Clocks{TakeBy: open.TakeBy, TakenAt: p(time.Minute), DoneBy: open.DoneBy, DoneAt: p(time.Hour)}, 10 * time.Hour, StateMet},
		{"done late", Clocks{DoneBy: open.DoneBy, DoneAt: p(3 * time.Hour)}, 10 * time.Hour, StateBreached},
		{"cancelled", Clocks{Cancelled: true, DoneBy: open.DoneBy}, 10 * time.Hour, StateNone},
	} {
		if got := c.c.StateAt(t0.Add(c.now)); got != c.want {
			t.Errorf("%s: state %q, want %q", c.name, got, c.want)
		}
	}
}
