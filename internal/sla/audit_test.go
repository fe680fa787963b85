package sla_test

import (
	"context"
	"strings"
	"testing"

	"smartservice/internal/audit"
	"smartservice/internal/db"
	"smartservice/internal/sla"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

// TestCalendarChangesAreAudited: the office's hours and holidays are settings an
// admin changes, so each change is in the audit trail with before → after; a
// refused change (bad input, not an admin) and the same hours again leave none.
func TestCalendarChangesAreAudited(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		svc := sla.NewService(d, nil, nil)
		admin := &users.User{ID: 1, Email: "admin@office.example", Roles: []users.Role{users.RoleEmployee, users.RoleAdmin}}
		head := &users.User{ID: 2, Email: "head@office.example", Roles: []users.Role{users.RoleEmployee, users.RoleHead}}
		kinds := func() []string {
			t.Helper()
			page, err := audit.Query(ctx, d, audit.Filter{Kind: "settings.", Limit: 100})
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, r := range page.Rows { // newest first
				out = append(out, r.Kind+" "+r.Before+" → "+r.After)
			}
			return out
		}
		var week [7]sla.DayInput
		week[1] = sla.DayInput{Opens: "09:00", Closes: "18:00"}
		if _, err := svc.SetHours(ctx, head, week); err == nil {
			t.Fatal("a head set the office hours")
		}
		bad := week
		bad[2] = sla.DayInput{Opens: "18:00", Closes: "09:00"}
		if _, err := svc.SetHours(ctx, admin, bad); err == nil {
			t.Fatal("hours closing before they open were stored")
		}
		if _, err := svc.AddHoliday(ctx, admin, "2026-13-01", "Nowhere"); err == nil {
			t.Fatal("a date that does not exist was stored")
		}
		if err := svc.RemoveHoliday(ctx, admin, "2026-12-31"); err == nil {
			t.Fatal("an absent holiday was removed")
		}
		if got := kinds(); len(got) != 0 {
			t.Fatalf("refused changes left entries: %q", got)
		}
		if _, err := svc.SetHours(ctx, admin, week); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SetHours(ctx, admin, week); err != nil { // the same again: nothing changes
			t.Fatal(err)
		}
		if _, err := svc.AddHoliday(ctx, admin, "2026-12-31", "New Year's Eve"); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddHoliday(ctx, admin, "2026-12-31", "Short day"); err != nil {
			t.Fatal(err)
		}
		if err := svc.RemoveHoliday(ctx, admin, "2026-12-31"); err != nil {
			t.Fatal(err)
		}
		want := []string{
			`settings.holiday_removed {"day":"2026-12-31","name":"Short day"} → `,
			`settings.holiday_added {"day":"2026-12-31","name":"New Year's Eve"} → {"day":"2026-12-31","name":"Short day"}`,
			`settings.holiday_added  → {"day":"2026-12-31","name":"New Year's Eve"}`,
			`settings.office_hours {} → {"monday":"09:00-18:00"}`,
		}
		if got := kinds(); strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Fatalf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}
