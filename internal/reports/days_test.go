package reports_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/reports"
	"smartservice/internal/testkit"
)

func zone(t *testing.T, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

func utc(s string) time.Time {
	t, err := time.Parse("2006-01-02 15:04:05.999999", s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestDaysFollowTheZone checks the spans against hand-written UTC boundaries, across
// both daylight saving changes of 2026 in Berlin and a zone without them.
func TestDaysFollowTheZone(t *testing.T) {
	for _, c := range []struct {
		zone     string
		from, to string
		want     []string // "date start end", UTC
	}{
		{"Europe/Berlin", "2026-03-28", "2026-03-30", []string{
			"2026-03-28 2026-03-27 23:00 2026-03-28 23:00",
			"2026-03-29 2026-03-28 23:00 2026-03-29 22:00", // 23 hours
			"2026-03-30 2026-03-29 22:00 2026-03-30 22:00",
		}},
		{"Europe/Berlin", "2026-10-25", "2026-10-26", []string{
			"2026-10-25 2026-10-24 22:00 2026-10-25 23:00", // 25 hours
			"2026-10-26 2026-10-25 23:00 2026-10-26 23:00",
		}},
		{"Europe/Moscow", "2026-03-29", "2026-03-29", []string{
			"2026-03-29 2026-03-28 21:00 2026-03-29 21:00",
		}},
		// Santiago's clocks jump from 00:00 to 01:00 on 6 September 2026: that day
		// starts at 01:00 local, 04:00 UTC, and has 23 hours.
		{"America/Santiago", "2026-09-05", "2026-09-06", []string{
			"2026-09-05 2026-09-05 04:00 2026-09-06 04:00",
			"2026-09-06 2026-09-06 04:00 2026-09-07 03:00",
		}},
	} {
		loc := zone(t, c.zone)
		from, _ := time.ParseInLocation(time.DateOnly, c.from, loc)
		to, _ := time.ParseInLocation(time.DateOnly, c.to, loc)
		days, err := reports.Spans(loc, from, to.Add(13*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, d := range days {
			if d.Start.Location() != time.UTC || d.End.Location() != time.UTC {
				t.Errorf("%s %s: span not in UTC", c.zone, d.Date)
			}
			got = append(got, d.Date+" "+d.Start.Format("2006-01-02 15:04")+" "+d.End.Format("2006-01-02 15:04"))
		}
		if strings.Join(got, "\n") != strings.Join(c.want, "\n") {
			t.Errorf("%s %s..%s:\n%s\nwant\n%s", c.zone, c.from, c.to, strings.Join(got, "\n"), strings.Join(c.want, "\n"))
		}
	}
}

func TestDaysRefusesBadRanges(t *testing.T) {
	loc := zone(t, "Europe/Moscow")
	day := time.Date(2026, 3, 29, 12, 0, 0, 0, loc)
	if _, err := reports.Spans(loc, day, day.AddDate(0, 0, -1)); apperr.CodeOf(err) != apperr.Invalid || apperr.As(err).Key != "reports.range_reversed" {
		t.Errorf("reversed range: %v", err)
	}
	if _, err := reports.Spans(loc, day, day.AddDate(0, 0, reports.MaxDays)); apperr.CodeOf(err) != apperr.Invalid || apperr.As(err).Key != "reports.range_too_long" {
		t.Errorf("too long a range: %v", err)
	}
	if days, err := reports.Spans(loc, day, day.AddDate(0, 0, reports.MaxDays-1)); err != nil || len(days) != reports.MaxDays {
		t.Errorf("the longest range: %d days, %v", len(days), err)
	}
}

// ticketTimes straddle local midnights in Moscow (UTC+3) and Berlin, on both days
// Berlin changes its clocks in 2026, at microsecond precision (PostgreSQL's).
var ticketTimes = []string{
	"2026-03-27 22:59:59.999999", // Berlin 27th 23:59 CET; Moscow 28th 01:59
	"2026-03-27 23:00:00",        // Berlin 28th 00:00
	"2026-03-28 20:59:59.999999", // Moscow 28th 23:59
	"2026-03-28 21:00:00",        // Moscow 29th 00:00; Berlin 28th 22:00
	"2026-03-28 22:59:59.999999", // Berlin 28th 23:59 CET
	"2026-03-28 23:00:00",        // Berlin 29th 00:00 CET
	"2026-03-29 01:00:00",        // Berlin 29th 03:00 CEST, the first minute after the jump
	"2026-03-29 21:59:59.999999", // Berlin 29th 23:59 CEST; Moscow 30th 00:59
	"2026-03-29 22:00:00",        // Berlin 30th 00:00 CEST
	"2026-03-30 21:30:00",        // Berlin 30th 23:30; Moscow 31st 00:30
	"2026-03-30 22:00:00",        // Berlin 31st
	"2026-10-24 21:59:59.999999", // Berlin 24th 23:59 CEST; Moscow 25th 00:59
	"2026-10-24 22:00:00",        // Berlin 25th 00:00 CEST
	"2026-10-25 00:30:00",        // Berlin 25th 02:30 CEST, the first time round
	"2026-10-25 01:30:00",        // Berlin 25th 02:30 CET, the second time round
	"2026-10-25 22:59:59.999999", // Berlin 25th 23:59 CET; Moscow 26th 01:59
	"2026-10-25 23:00:00",        // Berlin 26th 00:00 CET
	"2026-07-01 12:00:00",        // far from every range asked
}

// TestTicketsPerLocalDayInSQL counts tickets per local day with one query text on
// both databases, the days' spans coming from DaySpans, and compares the counts
// with ones worked out by hand from ticketTimes.
func TestTicketsPerLocalDayInSQL(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		fillTickets(t, ctx, d)
		for _, c := range []struct {
			zone, from, to string
			want           string
		}{
			{"Europe/Berlin", "2026-03-28", "2026-03-30", "2026-03-28:4 2026-03-29:3 2026-03-30:2"},
			{"Europe/Moscow", "2026-03-28", "2026-03-30", "2026-03-28:3 2026-03-29:4 2026-03-30:2"},
			{"Europe/Berlin", "2026-10-24", "2026-10-26", "2026-10-24:1 2026-10-25:4 2026-10-26:1"},
			{"Europe/Moscow", "2026-10-24", "2026-10-26", "2026-10-24:0 2026-10-25:4 2026-10-26:2"},
		} {
			loc := zone(t, c.zone)
			from, _ := time.ParseInLocation(time.DateOnly, c.from, loc)
			to, _ := time.ParseInLocation(time.DateOnly, c.to, loc)
			days, err := reports.Spans(loc, from, to)
			if err != nil {
				t.Fatal(err)
			}
			spans, args := reports.DaySpans(d.Dialect, days, 2)
			q := "WITH " + spans + ` SELECT s.day, COUNT(t.id) FROM day_spans s
				LEFT JOIN tickets t ON t.created_at >= s.start_at AND t.created_at < s.end_at AND t.status <> $1
				GROUP BY s.day ORDER BY s.day`
			rows, err := d.R.QueryContext(ctx, q, append([]any{"cancelled"}, args...)...)
			if err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			var got []string
			for rows.Next() {
				var day, n int
				if err := rows.Scan(&day, &n); err != nil {
					t.Fatal(err)
				}
				got = append(got, fmt.Sprintf("%s:%d", days[day].Date, n))
			}
			if err := rows.Err(); err != nil {
				t.Fatal(err)
			}
			rows.Close()
			if strings.Join(got, " ") != c.want {
				t.Errorf("%s %s..%s: %s, want %s", c.zone, c.from, c.to, strings.Join(got, " "), c.want)
			}
		}
	})
}

func TestDaySpansWithNoDaysStillRuns(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		spans, args := reports.DaySpans(d.Dialect, nil, 1)
		var n int
		if err := d.R.QueryRowContext(context.Background(), "WITH "+spans+" SELECT COUNT(*) FROM day_spans", args...).Scan(&n); err != nil || n != 0 {
			t.Fatalf("empty day_spans: %d rows, %v", n, err)
		}
	})
}

// fillTickets writes the tickets in bulk, as internal/demo's history does, with
// their device, reporter and problem; one more, cancelled, at a counted time shows
// the query's own parameter after the spans' is bound.
func fillTickets(t *testing.T, ctx context.Context, d *db.DB) {
	t.Helper()
	now := utc("2026-01-01 00:00:00")
	err := d.InTx(ctx, func(tx *sql.Tx) error {
		for _, s := range []string{
			"INSERT INTO users (id, email, full_name, password_hash, created_at, updated_at) VALUES (1, 'a@example.com', 'A', 'x', $1, $1)",
			"INSERT INTO service_classes (id, name_en, created_at) VALUES (1, 'Printers', $1)",
			"INSERT INTO service_types (id, class_id, name_en, created_at) VALUES (1, 1, 'Laser printer', $1)",
			"INSERT INTO problem_types (id, name_en, created_at) VALUES (1, 'Paper jam', $1)",
			"INSERT INTO assets (id, code, name, type_id, created_at, updated_at) VALUES (1, 'AAAAAAAAAAAAAAAA', 'P1', 1, $1, $1)",
		} {
			if _, err := tx.ExecContext(ctx, s, now); err != nil {
				return fmt.Errorf("%s: %w", s, err)
			}
		}
		times := append(ticketTimes, "2026-03-29 12:00:00")
		for i, s := range times {
			status := "new"
			if i == len(times)-1 {
				status = "cancelled"
			}
			if _, err := tx.ExecContext(ctx, "INSERT INTO tickets (asset_id, problem_type_id, reporter_id, routed_by, status, created_at) VALUES (1, 1, 1, 'none', $1, $2)",
				status, utc(s)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
