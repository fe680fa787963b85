package reports_test

import (
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/reports"
)

func TestParsePeriod(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// 00:30 on 2 April in Berlin is still 1 April in UTC.
	now := time.Date(2026, 4, 1, 22, 30, 0, 0, time.UTC)
	day := func(s string) time.Time {
		d, _ := time.ParseInLocation(reports.DateLayout, s, loc)
		return d
	}
	for _, c := range []struct {
		from, to, wantFrom, wantTo string
		field, key                 string
	}{
		{"", "", "2026-03-27", "2026-04-02", "", ""},
		{"2026-03-01", "2026-03-31", "2026-03-01", "2026-03-31", "", ""},
		{" 2026-03-05 ", "2026-03-05", "2026-03-05", "2026-03-05", "", ""},
		{"", "2026-03-10", "2026-03-04", "2026-03-10", "", ""},
		{"2026-03-01", "", "2026-03-01", "2026-04-02", "", ""},
		{"2023-03-02", "2026-03-01", "2023-03-02", "2026-03-01", "", ""},
		{"2023-03-01", "2026-03-01", "", "", "to", "reports.too_long"},
		{"2026-03-10", "2026-03-09", "", "", "to", "reports.to_before_from"},
		{"2026-02-30", "", "", "", "from", "reports.bad_date"},
		{"yesterday", "2026-03-01", "", "", "from", "reports.bad_date"},
		{"2026-03-01", "01.04.2026", "", "", "to", "reports.bad_date"},
	} {
		p, err := reports.ParsePeriod(c.from, c.to, now, loc)
		if c.key != "" {
			e := apperr.As(err)
			if e == nil || e.Code != apperr.Invalid || len(e.Fields) != 1 || e.Fields[0].Field != c.field || e.Fields[0].Key != c.key {
				t.Errorf("%q..%q: %v, want %s on %s", c.from, c.to, err, c.key, c.field)
			}
			continue
		}
		if err != nil || !p.From.Equal(day(c.wantFrom)) || !p.To.Equal(day(c.wantTo)) {
			t.Errorf("%q..%q: %v..%v %v, want %s..%s", c.from, c.to, p.From, p.To, err, c.wantFrom, c.wantTo)
		}
	}
}

func TestPeriodsAcrossDaylightSaving(t *testing.T) {
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	// Summer time starts on Sunday 29 March 2026 at 02:00: that day has 23 hours;
	// winter time returns on 25 October: 25 hours.
	p := reports.Period{From: time.Date(2026, 3, 28, 0, 0, 0, 0, loc), To: time.Date(2026, 3, 30, 0, 0, 0, 0, loc)}
	spans, err := reports.Spans(loc, p.Start(), p.To)
	if err != nil {
		t.Fatal(err)
	}
	b := []time.Time{spans[0].Start.In(loc)}
	for _, s := range spans {
		b = append(b, s.End.In(loc))
	}
	if len(b) != 4 || p.Days() != 3 || !b[3].Equal(p.End()) {
		t.Fatalf("boundaries %v", b)
	}
	for i, want := range []time.Duration{24 * time.Hour, 23 * time.Hour, 24 * time.Hour} {
		if got := b[i+1].Sub(b[i]); got != want {
			t.Errorf("day %d lasts %s, want %s", i, got, want)
		}
		if h, m, _ := b[i+1].Clock(); h != 0 || m != 0 {
			t.Errorf("boundary %v is not a midnight", b[i+1])
		}
	}
	if got := b[1].UTC(); !got.Equal(time.Date(2026, 3, 28, 23, 0, 0, 0, time.UTC)) {
		t.Errorf("29 March starts at %v UTC", got)
	}
	if got := b[2].UTC(); !got.Equal(time.Date(2026, 3, 29, 22, 0, 0, 0, time.UTC)) {
		t.Errorf("30 March starts at %v UTC", got)
	}
	oct := reports.Period{From: time.Date(2026, 10, 25, 0, 0, 0, 0, loc), To: time.Date(2026, 10, 25, 0, 0, 0, 0, loc)}
	if got := oct.End().Sub(oct.Start()); got != 25*time.Hour {
		t.Errorf("25 October lasts %s", got)
	}
	prev := p.Previous()
	if !prev.From.Equal(time.Date(2026, 3, 25, 0, 0, 0, 0, loc)) || !prev.To.Equal(time.Date(2026, 3, 27, 0, 0, 0, 0, loc)) {
		t.Errorf("previous %v..%v", prev.From, prev.To)
	}
	now := time.Date(2026, 3, 15, 12, 0, 0, 0, time.UTC)
	if lm := reports.LastMonth(now, loc); lm.From.Day() != 1 || lm.From.Month() != 2 || lm.To.Day() != 28 {
		t.Errorf("last month %v..%v", lm.From, lm.To)
	}
	if tm := reports.ThisMonth(now, loc); tm.From.Day() != 1 || tm.To.Day() != 15 {
		t.Errorf("this month %v..%v", tm.From, tm.To)
	}
}
