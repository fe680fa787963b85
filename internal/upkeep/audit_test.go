package upkeep_test

import (
	"fmt"
	"strings"
	"testing"

	"smartservice/internal/audit"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestPlanChangesAreAudited walks a plan through every change a person makes
// and finds one entry for each, before → after; refused changes (bad input,
// another department's head) leave none.
func TestPlanChangesAreAudited(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		entries := func() []audit.Row {
			t.Helper()
			page := must(audit.Query(e.ctx, d, audit.Filter{Kind: "upkeep.", Limit: 100}))(t)
			return page.Rows
		}
		bad := e.daily()
		bad.Schedule.N = 0
		if _, err := e.svc.Create(e.ctx, e.admin, bad); err == nil {
			t.Fatal("a schedule that never fires was stored")
		}
		p := must(e.svc.Create(e.ctx, e.facHead, e.daily()))(t)
		if _, err := e.svc.Update(e.ctx, e.itHead, p.ID, e.daily()); err == nil {
			t.Fatal("another department's head changed the plan")
		}
		if err := e.svc.Delete(e.ctx, e.itHead, p.ID); err == nil {
			t.Fatal("another department's head deleted the plan")
		}
		if _, err := e.svc.Update(e.ctx, e.facHead, p.ID, bad); err == nil {
			t.Fatal("a bad update was stored")
		}
		if got := entries(); len(got) != 1 || got[0].Kind != audit.UpkeepCreated || got[0].Before != "" ||
			!strings.Contains(got[0].After, `"name":"Descale"`) || got[0].ActorEmail != e.facHead.Email {
			t.Fatalf("after a creation and refusals: %+v", got)
		}
		in := e.daily()
		in.Note = "Descale twice"
		must(e.svc.Update(e.ctx, e.facHead, p.ID, in))(t)
		must(e.svc.SetActive(e.ctx, e.admin, p.ID, false))(t)
		must(e.svc.SetActive(e.ctx, e.admin, p.ID, false))(t) // already paused: no change, no entry
		must(e.svc.SetActive(e.ctx, e.admin, p.ID, true))(t)
		res := must(e.svc.RunNow(e.ctx, e.facHead, p.ID))(t)
		if err := e.svc.Delete(e.ctx, e.admin, p.ID); err != nil {
			t.Fatal(err)
		}
		got := entries() // newest first
		kinds := []string{}
		for _, r := range got {
			kinds = append(kinds, r.Kind)
		}
		want := []string{audit.UpkeepDeleted, audit.UpkeepFiledNow, audit.UpkeepResumed, audit.UpkeepPaused, audit.UpkeepUpdated, audit.UpkeepCreated}
		if strings.Join(kinds, " ") != strings.Join(want, " ") {
			t.Fatalf("kinds %v, want %v", kinds, want)
		}
		upd := got[4]
		if !strings.Contains(upd.Before, `"note":"Descale, refill the filter"`) || !strings.Contains(upd.After, `"note":"Descale twice"`) {
			t.Fatalf("update before %s after %s", upd.Before, upd.After)
		}
		if !strings.Contains(got[3].Before, `"active":true`) || !strings.Contains(got[3].After, `"active":false`) {
			t.Fatalf("pause before %s after %s", got[3].Before, got[3].After)
		}
		if res.Filed == 0 || !strings.Contains(got[1].After, `"filed":2`) {
			t.Fatalf("file now filed %d: %s", res.Filed, got[1].After)
		}
		if got[0].After != "" || !strings.Contains(got[0].Before, `"active":true`) || got[0].Subject != fmt.Sprintf("upkeep plan %d", p.ID) {
			t.Fatalf("delete: %+v", got[0])
		}
	})
}
