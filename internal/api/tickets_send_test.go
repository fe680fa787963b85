package api_test

import (
	"context"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestTicketsSend: an unrouted ticket offers "send" to admins only; sending it to
// a department assigns it there, once; bad input is a field error.
func TestTicketsSend(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		ctx := context.Background()
		cls, err := o.assets.CreateClass(ctx, o.root, assets.Names{EN: "Furniture", RU: "Мебель"})
		if err != nil {
			t.Fatal(err)
		}
		typ, err := o.assets.CreateType(ctx, o.root, assets.TypeInput{ClassID: cls.ID, Names: assets.Names{EN: "Chair", RU: "Стул"}})
		if err != nil {
			t.Fatal(err)
		}
		broken, err := o.assets.CreateProblem(ctx, o.root, assets.Names{EN: "Broken", RU: "Сломан"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.assets.SetOffers(ctx, o.root, typ.ID, []assets.OfferInput{{ProblemID: broken.ID}}); err != nil {
			t.Fatal(err)
		}
		chair, err := o.assets.CreateAsset(ctx, o.root, assets.AssetInput{Name: "Chair 12", TypeID: typ.ID})
		if err != nil {
			t.Fatal(err)
		}
		id := o.do("POST", "/api/v1/tickets", o.tAnn, map[string]any{"asset_id": chair.ID, "problem_type_id": broken.ID}).want(201).num("id")
		if g := o.get(o.tRoot, id); !g.action("send") || g.action("reassign") || g.sub("department") != nil {
			t.Fatalf("admin's view of an unrouted ticket: %s", g.body)
		}
		if g := o.get(o.tHead, id); g.action("send") {
			t.Fatalf("a head may send: %s", g.body)
		}
		send := path("/api/v1/tickets/%d/send", id)
		o.do("POST", send, o.tHead, map[string]any{"department_id": o.fac.ID}).want(403)
		o.do("POST", send, o.tAnn, map[string]any{"department_id": o.fac.ID}).want(403) // the reporter sees it
		o.do("POST", send, o.tBob, map[string]any{"department_id": o.fac.ID}).want(404)
		o.do("POST", send, o.tRoot, map[string]any{}).wantFieldError("department_id")
		o.do("POST", send, o.tRoot, map[string]any{"department_id": 987654}).wantFieldError("department_id")
		o.do("POST", send, o.tRoot, map[string]any{"department_id": "x"}).wantFieldError("department_id")
		res := o.do("POST", send, o.tRoot, map[string]any{"department_id": o.fac.ID}).want(200)
		if idOf(res.sub("department")) != o.fac.ID || idOf(res.sub("assignee")) != o.execF.ID || res.str("status") != "assigned" || res.action("send") {
			t.Fatalf("sent: %s", res.body)
		}
		o.do("POST", send, o.tRoot, map[string]any{"department_id": o.it.ID}).want(409)
	})
}
