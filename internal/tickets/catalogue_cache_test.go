package tickets_test

import (
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/cache"
	"smartservice/internal/db"
	"smartservice/internal/sla"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
)

// TestFilingReadsTheCatalogueAsOfItsRequest: a filing is a request that writes, yet
// it reads the device from the catalogue caches (cache.CatalogueUnchanged) under
// the version its request read at the start. An admin's change committed before a
// request must be seen by it: an offer withdrawn, a device archived. The first
// filing of each pair fills the caches, so a cache that outlived its version would
// let the second through.
func TestFilingReadsTheCatalogueAsOfItsRequest(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newTenv(t, d, testkit.Accounts(t, d))
		request := func() *tenv { // the versions as a POST reads them at its start
			r := *e
			r.ctx = cache.Check(e.ctx, d.R, false)
			return &r
		}
		if _, ok := cache.CatalogueVersion(request().ctx); ok {
			t.Fatal("a request that writes carries the catalogue version")
		}
		if _, ok := cache.CatalogueVersion(cache.CatalogueUnchanged(request().ctx)); !ok {
			t.Fatal("CatalogueUnchanged gave no catalogue version back")
		}
		if _, ok := cache.CatalogueVersion(cache.CatalogueUnchanged(e.ctx)); ok {
			t.Fatal("CatalogueUnchanged made up a version for a context that read none")
		}

		r := request()
		must(r.svc.File(r.ctx, r.emp, tickets.FileInput{AssetCode: r.printer.Code, ProblemID: r.smoke}))(t)
		must(e.cat.SetOffers(e.ctx, e.admin, e.typeID, []assets.OfferInput{{ProblemID: e.paper}, {ProblemID: e.jam}}))(t)
		r = request()
		_, err := r.svc.File(r.ctx, r.emp, tickets.FileInput{AssetCode: r.printer.Code, ProblemID: r.smoke})
		wantErr(t, err, apperr.Invalid, "")

		r = request()
		must(r.svc.File(r.ctx, r.emp, tickets.FileInput{AssetCode: r.printer.Code, ProblemID: r.paper}))(t)
		in := assets.AssetInput{Name: e.printer.Name, TypeID: e.typeID, Archived: true}
		must(e.cat.UpdateAsset(e.ctx, e.admin, e.printer.ID, in))(t)
		r = request()
		_, err = r.svc.File(r.ctx, r.emp, tickets.FileInput{AssetCode: r.printer.Code, ProblemID: r.paper})
		wantErr(t, err, apperr.Conflict, "ticket.asset_archived")
	})
}

// TestFilingCachesFollowEveryChange: the route, the targets and the calendar a
// filing reads come from caches under the catalogue's version
// (routing_cache.go); every admin change they depend on must reach the next
// filing. Each change comes after a filing that filled the caches with what it
// replaces.
func TestFilingCachesFollowEveryChange(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newTenv(t, d, testkit.Accounts(t, d))
		levels := sla.NewService(d, time.UTC, e.clk.Now)
		file := func(problem int64) *tickets.Ticket { // one request that writes
			t.Helper()
			ctx := cache.CatalogueUnchanged(cache.Check(e.ctx, d.R, false))
			if _, ok := cache.CatalogueVersion(ctx); !ok {
				t.Fatal("the filing's context carries no catalogue version")
			}
			tk := must(e.svc.File(ctx, e.emp, tickets.FileInput{AssetCode: e.printer.Code, ProblemID: problem}))(t)
			e.asStored(t, tk) // due times included
			return tk
		}

		// A rule's department (routing_rules).
		if tk := file(e.paper); tk.DepartmentID != e.it {
			t.Fatalf("paper went to %d, want %d", tk.DepartmentID, e.it)
		}
		must(e.rules.Update(e.ctx, e.admin, e.paperRule, tickets.RuleInput{ProblemID: e.paper, DepartmentID: e.fac}))(t)
		if tk := file(e.paper); tk.DepartmentID != e.fac {
			t.Errorf("after the rule moved to fac, paper went to %d", tk.DepartmentID)
		}

		// The default department (settings): smoke matches no rule.
		if tk := file(e.smoke); tk.DepartmentID != 0 {
			t.Fatalf("smoke went to %d with no default department", tk.DepartmentID)
		}
		must(0, e.rules.SetDefaultDepartment(e.ctx, e.admin, e.empty))(t)
		if tk := file(e.smoke); tk.DepartmentID != e.empty || tk.RoutedBy != tickets.RoutedByDefault {
			t.Errorf("after a default department was set, smoke went to %d (%s)", tk.DepartmentID, tk.RoutedBy)
		}

		// The problem's target (problem_types) and the rule's (routing_rules).
		if tk := file(e.paper); tk.TakeBy != nil {
			t.Fatalf("a target before any was set: %v", tk.TakeBy)
		}
		must(levels.SetProblemTarget(e.ctx, e.admin, e.paper, sla.TargetInput{Take: "2h"}))(t)
		tk := file(e.paper)
		if tk.TakeBy == nil || !tk.TakeBy.Equal(tk.CreatedAt.Add(2*time.Hour)) {
			t.Fatalf("after a 2 h target, take by %v (filed %v)", tk.TakeBy, tk.CreatedAt)
		}
		must(levels.SetRuleTarget(e.ctx, e.admin, e.paperRule, sla.TargetInput{Take: "1h"}))(t)
		if tk := file(e.paper); tk.TakeBy == nil || !tk.TakeBy.Equal(tk.CreatedAt.Add(time.Hour)) {
			t.Errorf("after the rule's 1 h target, take by %v (filed %v)", tk.TakeBy, tk.CreatedAt)
		}

		// The calendar (office_hours, office_holidays): the clock runs round the
		// clock until hours are set, and not at all on a holiday.
		var week [7]sla.DayInput
		for i := range week {
			week[i] = sla.DayInput{Opens: "09:00", Closes: "10:00"}
		}
		must(levels.SetHours(e.ctx, e.admin, week))(t)
		// 09:30 with a 1 h target in a 09:00–10:00 day: half an hour today, half tomorrow.
		want := time.Date(2026, 3, 3, 9, 30, 0, 0, time.UTC)
		if tk := file(e.paper); tk.TakeBy == nil || !tk.TakeBy.Equal(want) {
			t.Fatalf("after office hours, take by %v, want %v", tk.TakeBy, want)
		}
		must(levels.AddHoliday(e.ctx, e.admin, "2026-03-03", "test"))(t)
		want = want.AddDate(0, 0, 1)
		if tk := file(e.paper); tk.TakeBy == nil || !tk.TakeBy.Equal(want) {
			t.Errorf("after a holiday tomorrow, take by %v, want %v", tk.TakeBy, want)
		}
	})
}
