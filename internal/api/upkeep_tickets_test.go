package api_test

import (
	"context"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/upkeep"
)

// TestUpkeepTicketsInJSON files one upkeep ticket and one a person reported on
// the same device: only the first names its plan, and upkeep=1 lists and counts
// only it, as the journal page's filter does.
func TestUpkeepTicketsInJSON(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		root := e.user("root@example.com", admin)
		emp := e.user("emp@example.com", employee)
		cls, _ := e.assets.CreateClass(ctx, root, assets.Names{EN: "Kitchen"})
		typ, _ := e.assets.CreateType(ctx, root, assets.TypeInput{ClassID: cls.ID, Names: assets.Names{EN: "Coffee machine"}})
		descale, _ := e.assets.CreateProblem(ctx, root, assets.Names{EN: "Descaling"})
		spill, _ := e.assets.CreateProblem(ctx, root, assets.Names{EN: "Leaks"})
		if _, err := e.assets.SetOffers(ctx, root, typ.ID, []assets.OfferInput{{ProblemID: descale.ID}, {ProblemID: spill.ID}}); err != nil {
			t.Fatal(err)
		}
		dev, err := e.assets.CreateAsset(ctx, root, assets.AssetInput{Name: "Coffee 2", TypeID: typ.ID})
		if err != nil {
			t.Fatal(err)
		}
		rules := tickets.NewRules(d, nil)
		tix := tickets.NewService(d, rules, e.assets, nil)
		mine, err := tix.File(ctx, emp, tickets.FileInput{AssetID: dev.ID, ProblemID: spill.ID})
		if err != nil {
			t.Fatal(err)
		}
		tok := e.login("root@example.com")
		plan := e.do("POST", "/api/v1/upkeep-plans", tok, map[string]any{"name": "Descale", "target": "device", "asset_id": dev.ID,
			"problem_type_id": descale.ID, "note": "", "schedule": map[string]any{"every": "days", "n": 7, "at": "09:00", "start": "2026-01-01", "end": nil}}).want(201).num("id")
		if res, err := upkeep.NewService(d, tix, rules, e.acc, e.cfg.Location, nil).RunNow(ctx, root, plan); err != nil || res.Filed != 1 {
			t.Fatalf("run now: %+v %v", res, err)
		}
		items := e.do("GET", "/api/v1/tickets?upkeep=1", tok, nil).want(200).items()
		if len(items) != 1 || items[0]["upkeep_plan_id"] != float64(plan) {
			t.Fatalf("upkeep=1 lists %v", items)
		}
		upkeepID := int64(items[0]["id"].(float64))
		if got := e.do("GET", path("/api/v1/tickets/%d", upkeepID), tok, nil).want(200); got.num("upkeep_plan_id") != plan {
			t.Fatalf("upkeep ticket: %s", got.body)
		}
		got := e.do("GET", path("/api/v1/tickets/%d", mine.ID), tok, nil).want(200)
		if v, ok := got.obj["upkeep_plan_id"]; !ok || v != nil {
			t.Fatalf("a reported ticket's upkeep_plan_id: %s", got.body)
		}
		if all := e.do("GET", "/api/v1/tickets?upkeep=0", tok, nil).want(200).items(); len(all) != 2 {
			t.Fatalf("upkeep=0 lists %d tickets, want both", len(all))
		}
		// Both tickets are new; the counts take the same filter.
		if counts := e.do("GET", "/api/v1/tickets/counts?upkeep=1", tok, nil).want(200); counts.num("new") != 1 {
			t.Fatalf("counts with upkeep=1: %s", counts.body)
		}
	})
}
