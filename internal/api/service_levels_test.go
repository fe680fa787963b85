package api_test

import (
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// Service levels through the API: administrators set targets, hours and
// holidays; staff read them; tickets carry their due times and state, and the
// journal filters and orders by them.
func TestServiceLevelsAPI(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		o.do("PUT", path("/api/v1/service-levels/problem-types/%d", o.paper.ID), o.tExec1, map[string]any{"take": "30m"}).want(403)
		o.do("PUT", path("/api/v1/service-levels/problem-types/%d", o.paper.ID), o.tRoot, map[string]any{"take": "0"}).wantFieldError("take")
		o.do("PUT", path("/api/v1/service-levels/problem-types/%d", o.paper.ID), o.tRoot, map[string]any{"done": "-1h"}).wantFieldError("done")
		o.do("PUT", path("/api/v1/service-levels/problem-types/%d", o.paper.ID), o.tRoot, map[string]any{"done": "9999h"}).wantFieldError("done")
		o.do("PUT", "/api/v1/service-levels/problem-types/999999", o.tRoot, map[string]any{"take": "1h"}).want(404)
		set := o.do("PUT", path("/api/v1/service-levels/problem-types/%d", o.paper.ID), o.tRoot, map[string]any{"take": "30m", "done": "120"}).want(200)
		if set.str("take") != "30m" || set.str("done") != "2h" {
			t.Fatalf("stored target: %s", set.body)
		}
		o.do("PUT", path("/api/v1/service-levels/rules/%d", o.jamRule), o.tRoot, map[string]any{"done": "1h30m"}).want(200)
		o.do("PUT", "/api/v1/service-levels/hours", o.tRoot, map[string]any{"hours": []map[string]any{{"weekday": "funday", "opens": "09:00", "closes": "18:00"}}}).
			wantFieldError("hours[0].weekday")
		o.do("PUT", "/api/v1/service-levels/hours", o.tRoot, map[string]any{"hours": []map[string]any{{"weekday": "monday", "opens": "18:00", "closes": "09:00"}}}).want(422)
		o.do("PUT", "/api/v1/service-levels/holidays/2026-13-01", o.tRoot, map[string]any{"name": "x"}).wantFieldError("day")
		o.do("PUT", "/api/v1/service-levels/holidays/2026-05-01", o.tHead, map[string]any{"name": "x"}).want(403)
		o.do("PUT", "/api/v1/service-levels/holidays/2026-05-01", o.tRoot, map[string]any{"name": "May Day"}).want(200)
		o.do("DELETE", "/api/v1/service-levels/holidays/2026-05-02", o.tRoot, nil).want(404)
		got := o.do("GET", "/api/v1/service-levels", o.tExec1, nil).want(200)
		if !got.obj["round_the_clock"].(bool) || len(got.obj["holidays"].([]any)) != 1 || len(got.obj["rules"].([]any)) != 1 {
			t.Errorf("settings: %s", got.body)
		}
		o.do("GET", "/api/v1/service-levels", o.tAnn, nil).want(403)

		id := o.file(o.tAnn, o.paper.ID, "tray empty")
		sl := o.get(o.tRoot, id).want(200).sub("service_level")
		if sl["state"] != "on_track" || sl["take_by"] == nil || sl["done_by"] == nil || sl["taken_at"] != nil {
			t.Fatalf("fresh ticket's service level: %v", sl)
		}
		toner := o.file(o.tAnn, o.toner.ID, "no target")
		if sl := o.get(o.tRoot, toner).sub("service_level"); sl["state"] != nil || sl["done_by"] != nil {
			t.Fatalf("a ticket with no target: %v", sl)
		}
		o.clock.set(o.clock.Now().Add(3 * time.Hour))
		if sl := o.get(o.tHead, id).sub("service_level"); sl["state"] != "breached" {
			t.Fatalf("3 hours later the head reads %v", sl)
		}
		list := o.do("GET", "/api/v1/tickets?sla=breached", o.tHead, nil).want(200).items()
		if len(list) != 1 || idOf(list[0]) != id {
			t.Fatalf("breached: %v", list)
		}
		if due := o.do("GET", "/api/v1/tickets?sort=due&status=new", o.tRoot, nil).want(200).items(); len(due) != 1 {
			t.Fatalf("by due time: %v", due)
		}
		o.do("GET", "/api/v1/tickets?sla=late", o.tRoot, nil).wantFieldError("sla")
		o.do("GET", "/api/v1/tickets?sort=oldest", o.tRoot, nil).wantFieldError("sort")
	})
}
