package tickets_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/cache"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestOpenTicketsCacheFollowsEveryChange: the device page's open tickets are kept
// per device on each instance under the version of the device's tickets stripe
// (migration 00023) and the auth and catalogue versions. Two services on one
// database stand for two instances. With both warm, every change to what the list
// shows, made through one of them (or by SQL, as another module or the console
// would), must show in the other's very next answer, for each viewer: the kept
// answer must equal the one read from the database (an unversioned call). And
// with nothing changed, the answers come from memory.
func TestOpenTicketsCacheFollowsEveryChange(t *testing.T) {
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		acc := testkit.Accounts(t, d)
		emptyTicketsDB(t, d)
		t.Cleanup(func() { emptyTicketsDB(t, d) })
		e := newTenv(t, d, acc)
		other := tickets.NewService(d, e.rules, assets.NewService(d, e.clk.Now), e.clk.Now)
		printer2 := must(e.cat.CreateAsset(e.ctx, e.admin, assets.AssetInput{Name: "Printer 2", TypeID: e.typeID}))(t)
		viewers := []*users.User{e.emp, e.emp2, e.a}
		services := map[string]*tickets.Service{"this instance": e.svc, "the other instance": other}

		// check asks both instances for the printer's list as each viewer, kept
		// and from the database, and returns how many lists they loaded.
		check := func(what string) int64 {
			t.Helper()
			var loads int64
			for name, s := range services {
				for _, v := range viewers {
					ctx := cache.CheckDevice(context.Background(), d.R, true, e.printer.ID)
					if _, ok := cache.DeviceTickets(ctx, e.printer.ID); !ok {
						t.Fatalf("%s: the versions read carry no stripe of the printer", what)
					}
					kept := must(s.OpenOnDevice(ctx, v, e.printer))(t)
					fresh := must(s.OpenOnDevice(context.Background(), v, e.printer))(t)
					if got, want := fmt.Sprintf("%+v", kept), fmt.Sprintf("%+v", fresh); got != want {
						t.Errorf("%s: %s answers %s with\n%s\nthe database says\n%s", what, name, v.Email, got, want)
					}
				}
				loads += s.OpenListLoads()
			}
			return loads
		}
		// change runs one change, then checks that both instances show it.
		change := func(what string, fn func()) {
			t.Helper()
			check("before " + what) // both warm
			fn()
			check(what)
		}
		sql := func(q string, args ...any) func() {
			return func() {
				t.Helper()
				if _, err := d.W.ExecContext(e.ctx, q, args...); err != nil {
					t.Fatal(err)
				}
			}
		}

		loads := check("no ticket")
		if again := check("no ticket, again"); again != loads {
			t.Errorf("nothing changed, yet the instances loaded %d lists more", again-loads)
		}
		var first, second *tickets.Ticket
		change("a filing", func() { first = e.file(t, e.paper) })
		change("me too", func() { must(0, e.svc.Follow(e.ctx, e.emp2, first.ID, e.printer.Code))(t) })
		change("me too taken back", func() { must(0, e.svc.Unfollow(e.ctx, e.emp2, first.ID))(t) })
		change("a second filing, nobody to take it", func() { second = e.file(t, e.jam) })
		change("a reassignment", func() { must(e.svc.Reassign(e.ctx, e.boss, first.ID, e.b.ID))(t) })
		change("a start", func() { must(e.svc.Start(e.ctx, e.b, first.ID))(t) })
		change("the executor renamed", sql("UPDATE users SET full_name = $1 WHERE id = $2", "Bea Renamed", e.b.ID))
		change("the problem renamed", func() {
			must(e.cat.RenameTerm(e.ctx, e.admin, assets.ProblemVocabulary, e.paper, assets.Names{EN: "no paper", RU: "нет бумаги"}))(t)
		})
		change("a completion", func() { must(e.svc.Complete(e.ctx, e.b, first.ID, "refilled"))(t) })
		change("a reopening", func() { must(e.svc.Reopen(e.ctx, e.emp, first.ID))(t) })
		change("a follower added by SQL", sql("INSERT INTO ticket_followers (ticket_id, user_id) VALUES ($1, $2)", second.ID, e.a.ID))
		change("a follower removed by SQL", sql("DELETE FROM ticket_followers WHERE ticket_id = $1 AND user_id = $2", second.ID, e.a.ID))
		change("the filing time changed by SQL", sql("UPDATE tickets SET created_at = $1 WHERE id = $2",
			e.clk.Now().Add(-3*time.Hour), second.ID))
		change("the problem changed by SQL", sql("UPDATE tickets SET problem_type_id = $1 WHERE id = $2", e.smoke, second.ID))
		change("moved to another device by SQL", sql("UPDATE tickets SET asset_id = $1 WHERE id = $2", printer2.ID, second.ID))
		change("moved back by SQL", sql("UPDATE tickets SET asset_id = $1 WHERE id = $2", e.printer.ID, second.ID))
		change("a cancellation", func() { must(e.svc.Cancel(e.ctx, e.admin, second.ID, "duplicate"))(t) })
		change("deleted by SQL", sql("DELETE FROM tickets WHERE id = $1", first.ID))

		loads = check("at the end")
		if again := check("at the end, again"); again != loads {
			t.Errorf("nothing changed, yet the instances loaded %d lists more", again-loads)
		}
	})
}
