package assets_test

import (
	"strings"
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
)

func init() {
	domainCases = append(domainCases, domainCase{"List", testList})
}

func testList(t *testing.T, e *assetsEnv) {
	b := e.basics(t)
	loc := func(floor, room string) assets.Location {
		return assets.Location{Building: "БЦ «Северный»", Floor: floor, Room: room}
	}
	baikal := e.device(t, b.coffee.ID, assets.AssetInput{Name: "Кофемашина у переговорной «Байкал»", InventoryNumber: "INV-000123", Location: loc("3", "Кухня 301")})
	e.device(t, b.coffee.ID, assets.AssetInput{Name: "Кофемашина Jura", InventoryNumber: "INV-000124", Location: loc("2", "Кухня 201")})
	mfp := e.device(t, b.printer.ID, assets.AssetInput{Name: "МФУ Kyocera", InventoryNumber: "INV-000200", Location: loc("3", "Переговорная «Ладога»")})
	e.device(t, b.printer.ID, assets.AssetInput{Name: "Принтер 100% ч/б", Location: assets.Location{Building: "Склад", Floor: "1"}})
	e.device(t, b.printer.ID, assets.AssetInput{Name: "Старый принтер", Archived: true, Location: loc("3", "")})
	laptop := e.device(t, b.printer.ID, assets.AssetInput{Name: "Ноутбук бариста (кофемашина)", OwnerID: e.owner.ID, Location: loc("3", "")})

	ids := func(p *assets.Page) []int64 {
		var out []int64
		for _, a := range p.Items {
			out = append(out, a.ID)
		}
		return out
	}
	for _, tc := range []struct {
		name string
		f    assets.Filter
		want int
	}{
		{"all active", assets.Filter{}, 5},
		{"lower-case Cyrillic", assets.Filter{Q: "кофемашина"}, 3},
		{"upper-case Cyrillic", assets.Filter{Q: "КОФЕМАШИНА"}, 3},
		{"mixed case, two words", assets.Filter{Q: "  кофеМАШИНА   байкал "}, 1},
		{"inventory number, any case", assets.Filter{Q: "inv-000123"}, 1},
		{"inventory prefix", assets.Filter{Q: "INV-0001"}, 2},
		{"room", assets.Filter{Q: "ладога"}, 1},
		{"building", assets.Filter{Q: "северный"}, 4},
		{"LIKE wildcards are literal", assets.Filter{Q: "%"}, 1},
		{"underscore is literal", assets.Filter{Q: "_"}, 0},
		{"no match", assets.Filter{Q: "холодильник"}, 0},
		{"class", assets.Filter{ClassID: b.kitchen.ID}, 2},
		{"type", assets.Filter{TypeID: b.printer.ID}, 3},
		{"class and type disagree", assets.Filter{ClassID: b.kitchen.ID, TypeID: b.printer.ID}, 0},
		{"building", assets.Filter{Building: "Склад"}, 1},
		{"floor", assets.Filter{Floor: "3"}, 3},
		{"building and floor", assets.Filter{Building: "БЦ «Северный»", Floor: "2"}, 1},
		{"archived", assets.Filter{Archived: new(true)}, 1},
		{"archived on floor 3", assets.Filter{Archived: new(true), Floor: "3", Q: "принтер"}, 1},
	} {
		p, err := e.svc.List(e.ctx, e.admin, tc.f)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if p.Total != tc.want || len(p.Items) != tc.want || p.NextAfter != 0 {
			t.Errorf("%s: total %d, %d items, next %d; want %d", tc.name, p.Total, len(p.Items), p.NextAfter, tc.want)
		}
	}
	if p := ok(e.svc.List(e.ctx, e.admin, assets.Filter{Q: "байкал"}))(t); len(p.Items) != 1 || p.Items[0].ID != baikal.ID {
		t.Fatalf("search by name: %v", ids(p))
	}

	// Pages of two: ordered by id, the same total on every page.
	var seen []int64
	f := assets.Filter{Limit: 2}
	for pages := 0; ; pages++ {
		p := ok(e.svc.List(e.ctx, e.admin, f))(t)
		if p.Total != 5 || len(p.Items) > 2 || pages > 3 {
			t.Fatalf("page %d: total %d, %d items", pages, p.Total, len(p.Items))
		}
		seen = append(seen, ids(p)...)
		if p.NextAfter == 0 {
			break
		}
		if p.NextAfter != p.Items[len(p.Items)-1].ID {
			t.Fatalf("NextAfter %d, last item %d", p.NextAfter, p.Items[len(p.Items)-1].ID)
		}
		f.AfterID = p.NextAfter
	}
	if len(seen) != 5 {
		t.Fatalf("paged through %v", seen)
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] <= seen[i-1] {
			t.Fatalf("not in id order: %v", seen)
		}
	}
	// An exact fit has no next page; an out-of-range limit falls back to the default.
	if p := ok(e.svc.List(e.ctx, e.admin, assets.Filter{Limit: 5}))(t); p.NextAfter != 0 || len(p.Items) != 5 {
		t.Fatalf("exact fit: %d items, next %d", len(p.Items), p.NextAfter)
	}
	if p := ok(e.svc.List(e.ctx, e.admin, assets.Filter{Limit: 100000}))(t); len(p.Items) != 5 {
		t.Fatalf("huge limit: %d", len(p.Items))
	}

	// An employee sees the same list minus other people's personal devices.
	if p := ok(e.svc.List(e.ctx, e.colleague, assets.Filter{Floor: "3"}))(t); p.Total != 2 {
		t.Fatalf("colleague on floor 3: %v", ids(p))
	}
	if p := ok(e.svc.List(e.ctx, e.colleague, assets.Filter{Q: "кофемашин"}))(t); p.Total != 2 {
		t.Fatalf("colleague's search found the laptop: %v", ids(p))
	}
	if p := ok(e.svc.List(e.ctx, e.owner, assets.Filter{Q: "кофемашин"}))(t); p.Total != 3 || !containsID(p, laptop.ID) {
		t.Fatalf("owner's search: %v", ids(p))
	}
	if p := ok(e.svc.List(e.ctx, e.exec, assets.Filter{TypeID: b.printer.ID}))(t); !containsID(p, laptop.ID) || !containsID(p, mfp.ID) {
		t.Fatalf("staff's list: %v", ids(p))
	}

	// Bad search input is Invalid, not an outage.
	for _, f := range []assets.Filter{{Q: strings.Repeat("я", 101)}, {Building: strings.Repeat("x", 201)}, {Q: "\xff\xfe"}, {Floor: "\xc3"}, {Q: "a\x00b"}} {
		if _, err := e.svc.List(e.ctx, e.admin, f); apperr.CodeOf(err) != apperr.Invalid {
			t.Errorf("filter %+q: %v", f.Q+f.Building+f.Floor, err)
		}
	}
}

func containsID(p *assets.Page, id int64) bool {
	for _, a := range p.Items {
		if a.ID == id {
			return true
		}
	}
	return false
}
