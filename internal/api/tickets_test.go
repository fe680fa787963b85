package api_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"smartservice/internal/api"
	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/sla"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// tclock is the tickets service's clock: tests move it between days.
type tclock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *tclock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(time.Second) // every ticket a moment after the one before
	return c.now
}

func (c *tclock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

// office is the tickets API over a small office: two departments, a catalogue with a
// printer, and people in every role.
type office struct {
	*env
	tickets *tickets.Service
	clock   *tclock
	root    *users.User
	// it's executors are unavailable, so its tickets wait in the queue; facilities'
	// executor is available, so its tickets are assigned at once.
	it, fac                                          users.Department
	cls                                              assets.Class
	printer                                          *assets.Type
	jam, paper, toner, coffee                        assets.Problem
	pr, archived, bobsLaptop                         *assets.Asset
	itRule, jamRule                                  int64
	exec1, exec2, execF, head, ann, bob              *users.User
	tRoot, tExec1, tExec2, tExecF, tHead, tAnn, tBob string
}

func newOffice(t *testing.T, d *db.DB) *office {
	t.Helper()
	e := newEnv(t, d)
	o := &office{env: e, clock: &tclock{now: time.Date(2026, 3, 9, 9, 0, 0, 0, e.cfg.Location)}}
	ctx := context.Background()
	rules := tickets.NewRules(d, nil)
	o.tickets = tickets.NewService(d, rules, e.assets, o.clock.Now)
	cat, err := i18n.New(e.cfg.DefaultLanguage, nil)
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	e.h = api.New(api.Deps{Config: e.cfg, Logger: logger, Catalog: cat, Accounts: e.acc,
		Users: users.NewStore(d, nil), Assets: e.assets, Rules: rules, Tickets: o.tickets,
		SLA: sla.NewService(d, e.cfg.Location, o.clock.Now), Now: o.clock.Now})

	o.root = e.user("root@example.com", admin)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	o.it, err = e.acc.CreateDepartment(ctx, o.root, users.DepartmentInput{Code: "itsup", NameEN: "IT support", NameRU: "ИТ-поддержка"})
	must(err)
	o.fac, err = e.acc.CreateDepartment(ctx, o.root, users.DepartmentInput{Code: "facil", NameEN: "Facilities", NameRU: "Хозчасть"})
	must(err)
	executor := []users.Role{users.RoleEmployee, users.RoleExecutor}
	o.exec1 = e.user("exec1@example.com", executor, "itsup")
	o.exec2 = e.user("exec2@example.com", executor, "itsup")
	o.execF = e.user("execf@example.com", executor, "facil")
	o.head = e.user("head@example.com", []users.Role{users.RoleEmployee, users.RoleHead}, "itsup")
	o.ann = e.user("ann@example.com", employee)
	o.bob = e.user("bob@example.com", employee)
	off := false
	for _, u := range []*users.User{o.exec1, o.exec2} {
		_, err := e.acc.UpdateUser(ctx, o.root, u.ID, users.UserPatch{Available: &off})
		must(err)
	}

	o.cls, err = e.assets.CreateClass(ctx, o.root, assets.Names{EN: "IT equipment", RU: "ИТ-оборудование"})
	must(err)
	o.printer, err = e.assets.CreateType(ctx, o.root, assets.TypeInput{ClassID: o.cls.ID, Names: assets.Names{EN: "Printer", RU: "Принтер"}})
	must(err)
	o.jam, err = e.assets.CreateProblem(ctx, o.root, assets.Names{EN: "Paper jam", RU: "Замятие бумаги"})
	must(err)
	o.paper, err = e.assets.CreateProblem(ctx, o.root, assets.Names{EN: "Out of paper", RU: "Нет бумаги"})
	must(err)
	o.toner, err = e.assets.CreateProblem(ctx, o.root, assets.Names{EN: "Out of toner", RU: "Нет тонера"})
	must(err)
	o.coffee, err = e.assets.CreateProblem(ctx, o.root, assets.Names{EN: "Out of coffee"})
	must(err)
	_, err = e.assets.SetOffers(ctx, o.root, o.printer.ID, []assets.OfferInput{{ProblemID: o.jam.ID}, {ProblemID: o.paper.ID}, {ProblemID: o.toner.ID}})
	must(err)
	o.pr, err = e.assets.CreateAsset(ctx, o.root, assets.AssetInput{Name: "Printer 3rd floor", TypeID: o.printer.ID, Location: assets.Location{Building: "A", Floor: "3"}})
	must(err)
	o.archived, err = e.assets.CreateAsset(ctx, o.root, assets.AssetInput{Name: "Old printer", TypeID: o.printer.ID, Archived: true})
	must(err)
	o.bobsLaptop, err = e.assets.CreateAsset(ctx, o.root, assets.AssetInput{Name: "Bob's printer", TypeID: o.printer.ID, OwnerID: o.bob.ID})
	must(err)

	r1, err := rules.Create(ctx, o.root, tickets.RuleInput{ClassID: o.cls.ID, DepartmentID: o.it.ID})
	must(err)
	r2, err := rules.Create(ctx, o.root, tickets.RuleInput{ClassID: o.cls.ID, TypeID: o.printer.ID, ProblemID: o.jam.ID, DepartmentID: o.fac.ID})
	must(err)
	o.itRule, o.jamRule = r1.ID, r2.ID

	o.tRoot, o.tExec1, o.tExec2, o.tExecF = e.login("root@example.com"), e.login("exec1@example.com"), e.login("exec2@example.com"), e.login("execf@example.com")
	o.tHead, o.tAnn, o.tBob = e.login("head@example.com"), e.login("ann@example.com"), e.login("bob@example.com")
	return o
}

// file files a ticket about the printer through the API and returns its id.
func (o *office) file(token string, problem int64, comment string) int64 {
	o.t.Helper()
	return o.do("POST", "/api/v1/tickets", token, map[string]any{"asset_id": o.pr.ID, "problem_type_id": problem, "comment": comment}).want(201).num("id")
}

func (o *office) get(token string, id int64) *result {
	o.t.Helper()
	return o.do("GET", path("/api/v1/tickets/%d", id), token, nil)
}

// obj returns the object member key of an answer (nil when null or absent).
func (r *result) sub(key string) map[string]any {
	m, _ := r.obj[key].(map[string]any)
	return m
}

func (r *result) action(name string) bool {
	b, _ := r.sub("actions")[name].(bool)
	return b
}

func idOf(m map[string]any) int64 {
	f, _ := m["id"].(float64)
	return int64(f)
}

func TestTicketsFileAndRead(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)

		// Filing: 201, the ticket routed by the class rule to IT, whose executors
		// are away: it waits in the queue.
		res := o.do("POST", "/api/v1/tickets", o.tAnn, map[string]any{"asset_id": o.pr.ID, "problem_type_id": o.paper.ID, "comment": "  Tray 2 empty  "}).want(201)
		id := res.num("id")
		if res.header.Get("Location") != path("/api/v1/tickets/%d", id) || res.str("number") != path("T-%d", id) || res.str("status") != "new" {
			t.Errorf("filed: %v %s", res.header, res.body)
		}
		if idOf(res.sub("department")) != o.it.ID || res.sub("assignee") != nil || res.str("comment") != "Tray 2 empty" {
			t.Errorf("routing: %s", res.body)
		}
		if r := res.sub("routing"); r["by"] != "rule" || int64(r["rule_id"].(float64)) != o.itRule {
			t.Errorf("routing trace: %s", res.body)
		}
		if a := res.sub("asset"); idOf(a) != o.pr.ID || a["code"] != o.pr.Code || a["name"] != "Printer 3rd floor" {
			t.Errorf("asset: %s", res.body)
		}
		if p := res.sub("reporter"); idOf(p) != o.ann.ID || p["email"] != "ann@example.com" || res.num("followers_count") != 1 || res.obj["has_photo"] != false {
			t.Errorf("reporter: %s", res.body)
		}
		if !res.action("cancel") || res.action("take") || !res.action("comment") || res.action("follow") || !res.action("unfollow") {
			t.Errorf("the reporter's actions: %s", res.sub("actions"))
		}

		// By the label's code, a jam goes to facilities, whose executor is available.
		res = o.do("POST", "/api/v1/tickets", o.tAnn, map[string]any{"asset_code": o.pr.Code, "problem_type_id": o.jam.ID}).want(201)
		jam := res.num("id")
		if res.str("status") != "assigned" || idOf(res.sub("assignee")) != o.execF.ID || res.str("assigned_at") == "" ||
			int64(res.sub("routing")["rule_id"].(float64)) != o.jamRule {
			t.Errorf("assigned at once: %s", res.body)
		}

		// Names in the caller's language.
		ru := o.do("GET", path("/api/v1/tickets/%d", jam), o.tAnn, nil, header("Accept-Language", "ru")).want(200)
		if ru.sub("problem_type")["name"] != "Замятие бумаги" || ru.sub("department")["name"] != "Хозчасть" || ru.sub("service_type")["name"] != "Принтер" {
			t.Errorf("in Russian: %s", ru.body)
		}

		// Refusals.
		n := o.count("tickets")
		body := func(m map[string]any) map[string]any { m["problem_type_id"] = o.paper.ID; return m }
		o.do("POST", "/api/v1/tickets", o.tAnn, body(map[string]any{"asset_id": o.pr.ID, "asset_code": o.pr.Code})).wantFieldError("asset_code")
		o.do("POST", "/api/v1/tickets", o.tAnn, body(map[string]any{})).wantFieldError("asset_id")
		o.do("POST", "/api/v1/tickets", o.tAnn, map[string]any{"asset_id": o.pr.ID}).wantFieldError("problem_type_id")
		o.do("POST", "/api/v1/tickets", o.tAnn, map[string]any{"asset_id": o.pr.ID, "problem_type_id": o.coffee.ID}).wantFieldError("problem_type_id")
		o.do("POST", "/api/v1/tickets", o.tAnn, body(map[string]any{"asset_id": 999999})).want(404)
		o.do("POST", "/api/v1/tickets", o.tAnn, body(map[string]any{"asset_code": "aaaaaaaaaaaaaaaa"})).want(404)
		o.do("POST", "/api/v1/tickets", o.tAnn, body(map[string]any{"asset_id": o.bobsLaptop.ID})).want(404)
		o.do("POST", "/api/v1/tickets", o.tAnn, body(map[string]any{"asset_code": o.bobsLaptop.Code})).want(404)
		o.do("POST", "/api/v1/tickets", o.tAnn, body(map[string]any{"asset_id": o.archived.ID})).want(409)
		o.do("POST", "/api/v1/tickets", o.tAnn, body(map[string]any{"asset_id": o.pr.ID, "comment": strings.Repeat("é", 2001)})).wantFieldError("comment")
		o.do("POST", "/api/v1/tickets", o.tAnn, `{"asset_id": `+itoa(o.pr.ID)+`, "problem_type_id": `+itoa(o.paper.ID)+`, "comment": "bad `+"\xff\xfe"+`"}`).want(400)
		o.do("POST", "/api/v1/tickets", o.tAnn, `{"asset_id": `+itoa(o.pr.ID)+`, "problem_type_id": `+itoa(o.paper.ID)+`, "comment": "lone \ud800"}`).want(400)
		o.do("POST", "/api/v1/tickets", o.tAnn, `{"asset_id": 1,`).want(400)
		o.do("POST", "/api/v1/tickets", o.tAnn, body(map[string]any{"asset_id": o.pr.ID, "status": "done"})).wantFieldError("status")
		o.do("POST", "/api/v1/tickets", o.tAnn, body(map[string]any{"asset_id": o.pr.ID}), header("Content-Type", "text/plain")).want(415)
		o.do("POST", "/api/v1/tickets", "", body(map[string]any{"asset_id": o.pr.ID})).want(401)
		if got := o.count("tickets"); got != n {
			t.Errorf("refused filings left %d tickets", got-n)
		}
		// 2,000 characters are fine; so is a real U+FFFD.
		long := o.do("POST", "/api/v1/tickets", o.tAnn, body(map[string]any{"asset_id": o.pr.ID, "comment": strings.Repeat("é", 1999) + "\ufffd"})).want(201)
		if long.str("comment") != strings.Repeat("é", 1999)+"\ufffd" {
			t.Errorf("long comment: %d characters", len([]rune(long.str("comment"))))
		}

		// Reading is scoped: another employee and another department's executor get
		// 404, as for a ticket that does not exist.
		o.get(o.tAnn, id).want(200)
		o.get(o.tExec1, id).want(200)
		o.get(o.tHead, id).want(200)
		o.get(o.tRoot, id).want(200)
		o.get(o.tBob, id).want(404)
		o.get(o.tExecF, id).want(404)
		o.get(o.tAnn, 999999).want(404)
		o.do("GET", "/api/v1/tickets/abc", o.tAnn, nil).want(404)
		o.do("GET", path("/api/v1/tickets/%d", id), "", nil).want(401)
		if g := o.get(o.tExec1, id); !g.action("take") || g.action("cancel") == false || g.action("reassign") {
			t.Errorf("an IT executor's actions: %s", g.sub("actions"))
		}
		if g := o.get(o.tHead, id); !g.action("reassign") || g.action("take") {
			t.Errorf("the head's actions: %s", g.sub("actions"))
		}

		// The history, oldest first; the system routed it.
		ev := o.do("GET", path("/api/v1/tickets/%d/events", jam), o.tAnn, nil).want(200)
		var kinds []string
		for _, it := range ev.items() {
			kinds = append(kinds, it["kind"].(string))
		}
		if !slices.Equal(kinds, []string{"filed", "routed", "assigned"}) || ev.items()[1]["actor"] != nil ||
			idOf(ev.items()[0]["actor"].(map[string]any)) != o.ann.ID || ev.items()[2]["detail"] != itoa(o.execF.ID) {
			t.Errorf("events: %s", ev.body)
		}
		o.do("GET", path("/api/v1/tickets/%d/events", jam), o.tBob, nil).want(404)
		o.do("GET", "/api/v1/tickets/999999/events", o.tAnn, nil).want(404)

		// No photo: 404.
		o.do("GET", path("/api/v1/tickets/%d/photo", id), o.tAnn, nil).want(404)
	})
}

func TestTicketsIdempotentFiling(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		body := map[string]any{"asset_id": o.pr.ID, "problem_type_id": o.toner.ID, "comment": "Faint print"}
		key := header("Idempotency-Key", "2f1c3d1e-7f5a-4a43-9a57-0d3c5b1f6a01")

		first := o.do("POST", "/api/v1/tickets", o.tAnn, body, key).want(201)
		n, events := o.count("tickets"), o.count("ticket_events")
		again := o.do("POST", "/api/v1/tickets", o.tAnn, body, key).want(201)
		if again.num("id") != first.num("id") || again.header.Get("Location") != first.header.Get("Location") {
			t.Errorf("replay: %d, first %d", again.num("id"), first.num("id"))
		}
		// The same device named by its code is the same request.
		byCode := o.do("POST", "/api/v1/tickets", o.tAnn, map[string]any{"asset_code": o.pr.Code, "problem_type_id": o.toner.ID, "comment": "Faint print"}, key).want(201)
		if byCode.num("id") != first.num("id") || o.count("tickets") != n || o.count("ticket_events") != events {
			t.Errorf("replays filed something: %d tickets, %d events", o.count("tickets")-n, o.count("ticket_events")-events)
		}
		// The same key with another body: 409, nothing filed.
		body["comment"] = "Something else"
		o.do("POST", "/api/v1/tickets", o.tAnn, body, key).want(409)
		// Keys are per person: Bob's same key files his own ticket.
		bobs := o.do("POST", "/api/v1/tickets", o.tBob, body, key).want(201)
		if bobs.num("id") == first.num("id") {
			t.Error("another person's key replayed Ann's ticket")
		}
		// Without a key, the same body twice is two tickets.
		a := o.do("POST", "/api/v1/tickets", o.tAnn, body).want(201).num("id")
		b := o.do("POST", "/api/v1/tickets", o.tAnn, body).want(201).num("id")
		if a == b || o.count("tickets") != n+3 {
			t.Errorf("without a key: %d, %d; %d new tickets", a, b, o.count("tickets")-n)
		}
		// A key that is not printable ASCII, or too long, is refused by name.
		o.do("POST", "/api/v1/tickets", o.tAnn, body, header("Idempotency-Key", strings.Repeat("k", 201))).wantFieldError("Idempotency-Key")

		// Concurrent twins: one ticket.
		body["comment"] = "Twins"
		twin := header("Idempotency-Key", "twins")
		ids := make([]int64, 4)
		var wg sync.WaitGroup
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if res := o.do("POST", "/api/v1/tickets", o.tAnn, body, twin); res.status == 201 {
					ids[i] = res.num("id")
				}
			}()
		}
		wg.Wait()
		if ids[0] == 0 || len(slices.Compact(slices.Clone(ids))) != 1 {
			t.Errorf("twins: %v", ids)
		}
	})
}

func TestTicketsLife(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		id := o.file(o.tAnn, o.paper.ID, "Tray 2 empty")
		take := path("/api/v1/tickets/%d/take", id)

		// Take: invisible to another department (404), not for the reporter (403).
		o.do("POST", take, o.tExecF, nil).want(404)
		o.do("POST", take, o.tAnn, nil).want(403)
		o.do("POST", "/api/v1/tickets/999999/take", o.tExec1, nil).want(404)
		res := o.do("POST", take, o.tExec1, nil).want(200)
		if res.str("status") != "assigned" || idOf(res.sub("assignee")) != o.exec1.ID || !res.action("start") || res.action("take") {
			t.Errorf("taken: %s", res.body)
		}
		o.do("POST", take, o.tExec2, nil).want(409)

		// Start: only the assignee.
		start := path("/api/v1/tickets/%d/start", id)
		o.do("POST", start, o.tExec2, nil).want(403)
		if res = o.do("POST", start, o.tExec1, nil).want(200); res.str("status") != "in_progress" || res.str("started_at") == "" {
			t.Errorf("started: %s", res.body)
		}
		o.do("POST", start, o.tExec1, nil).want(409)

		// The reporter may no longer cancel once work started.
		cancel := path("/api/v1/tickets/%d/cancel", id)
		o.do("POST", cancel, o.tAnn, map[string]any{"reason": "Found paper"}).want(409)

		// Complete: a resolution is required.
		complete := path("/api/v1/tickets/%d/complete", id)
		o.do("POST", complete, o.tExec1, map[string]any{}).wantFieldError("resolution")
		o.do("POST", complete, o.tExec1, map[string]any{"resolution": "  "}).wantFieldError("resolution")
		o.do("POST", complete, o.tExec1, map[string]any{"resolution": strings.Repeat("x", 2001)}).wantFieldError("resolution")
		o.do("POST", complete, o.tExec1, map[string]any{"resolution": "x", "extra": 1}).wantFieldError("extra")
		o.do("POST", complete, o.tExec1, `{"resolution": `).want(400)
		o.do("POST", complete, o.tExec2, map[string]any{"resolution": "Done"}).want(403)
		res = o.do("POST", complete, o.tExec1, map[string]any{"resolution": "Loaded paper"}).want(200)
		if res.str("status") != "done" || res.str("resolution") != "Loaded paper" || res.str("done_at") == "" || res.action("complete") {
			t.Errorf("completed: %s", res.body)
		}
		o.do("POST", complete, o.tExec1, map[string]any{"resolution": "Again"}).want(409)
		if g := o.get(o.tAnn, id).want(200); !g.action("reopen") {
			t.Errorf("the reporter may reopen: %s", g.sub("actions"))
		}

		// Reopen: the reporter only; back to the same executor.
		reopen := path("/api/v1/tickets/%d/reopen", id)
		o.do("POST", reopen, o.tExec1, nil).want(403)
		o.do("POST", reopen, o.tBob, nil).want(404)
		res = o.do("POST", reopen, o.tAnn, nil).want(200)
		if res.str("status") != "assigned" || idOf(res.sub("assignee")) != o.exec1.ID || res.num("reopened_count") != 1 || res.str("resolution") != "" {
			t.Errorf("reopened: %s", res.body)
		}
		o.do("POST", reopen, o.tAnn, nil).want(409)

		// Reassign: the department's head, to an executor of the department.
		reassign := path("/api/v1/tickets/%d/reassign", id)
		o.do("POST", reassign, o.tExec1, map[string]any{"assignee_id": o.exec2.ID}).want(403)
		o.do("POST", reassign, o.tHead, map[string]any{"assignee_id": o.execF.ID}).wantFieldError("assignee_id")
		o.do("POST", reassign, o.tHead, map[string]any{}).wantFieldError("assignee_id")
		o.do("POST", reassign, o.tHead, map[string]any{"assignee_id": "x"}).wantFieldError("assignee_id")
		res = o.do("POST", reassign, o.tHead, map[string]any{"assignee_id": o.exec2.ID}).want(200)
		if idOf(res.sub("assignee")) != o.exec2.ID || res.str("status") != "assigned" {
			t.Errorf("reassigned: %s", res.body)
		}

		// Comments: anyone who sees the ticket.
		comments := path("/api/v1/tickets/%d/comments", id)
		c := o.do("POST", comments, o.tAnn, map[string]any{"text": "Still jammed on the left"}).want(201)
		if c.str("kind") != "comment" || c.str("detail") != "Still jammed on the left" || idOf(c.sub("actor")) != o.ann.ID {
			t.Errorf("comment: %s", c.body)
		}
		o.do("POST", comments, o.tBob, map[string]any{"text": "Me too"}).want(404)
		o.do("POST", comments, o.tExecF, map[string]any{"text": "Hi"}).want(404)
		o.do("POST", comments, o.tAnn, map[string]any{"text": ""}).wantFieldError("text")
		o.do("POST", comments, o.tAnn, map[string]any{"text": strings.Repeat("ж", 2001)}).wantFieldError("text")
		o.do("POST", comments, o.tAnn, `{"text": "`+"\xc3\x28"+`"}`).want(400)
		o.do("POST", comments, o.tAnn, `{"text": "a"`).want(400)
		o.do("POST", comments, o.tAnn, map[string]any{"text": "a", "author_id": o.root.ID}).wantFieldError("author_id")

		// Cancel: the reporter, before work restarts; a reason is required.
		o.do("POST", cancel, o.tAnn, map[string]any{}).wantFieldError("reason")
		o.do("POST", cancel, o.tBob, map[string]any{"reason": "x"}).want(404)
		res = o.do("POST", cancel, o.tAnn, map[string]any{"reason": "Someone fixed it"}).want(200)
		if res.str("status") != "cancelled" || res.str("cancel_reason") != "Someone fixed it" || res.str("cancelled_at") == "" {
			t.Errorf("cancelled: %s", res.body)
		}
		o.do("POST", cancel, o.tRoot, map[string]any{"reason": "again"}).want(409)
		o.do("POST", reassign, o.tHead, map[string]any{"assignee_id": o.exec1.ID}).want(409)

		// The whole life is in the history.
		var kinds []string
		for _, it := range o.do("GET", path("/api/v1/tickets/%d/events", id), o.tExec2, nil).want(200).items() {
			kinds = append(kinds, it["kind"].(string))
		}
		want := []string{"filed", "routed", "taken", "started", "done", "reopened", "reassigned", "comment", "cancelled"}
		if !slices.Equal(kinds, want) {
			t.Errorf("history %v, want %v", kinds, want)
		}
	})
}

func TestTicketsFollow(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		id := o.file(o.tAnn, o.paper.ID, "Call me on 5551234")
		o.do("POST", path("/api/v1/tickets/%d/comments", id), o.tAnn, map[string]any{"text": "still broken, desk 4.12"}).want(201)
		o.do("POST", path("/api/v1/tickets/%d/comments", id), o.tHead, map[string]any{"text": "part ordered"}).want(201)
		follow := path("/api/v1/tickets/%d/follow", id)
		code := map[string]any{"code": o.pr.Code}

		// Bob sees the printer but not Ann's ticket: a guessed id, with no code or
		// a wrong one, is the 404 of an absent ticket and makes him follow nothing.
		o.get(o.tBob, id).want(404)
		o.do("POST", follow, o.tBob, nil).want(404)
		o.do("POST", follow, o.tBob, map[string]any{}).want(404)
		o.do("POST", follow, o.tBob, map[string]any{"code": "aaaaaaaaaaaaaaaa"}).want(404)
		o.do("POST", follow, o.tBob, map[string]any{"code": o.archived.Code}).want(404)
		o.do("POST", "/api/v1/tickets/999999/follow", o.tBob, code).want(404)
		o.do("POST", follow, o.tBob, map[string]any{"code": 42}).wantFieldError("code")
		o.do("POST", follow, o.tBob, map[string]any{"code": o.pr.Code, "user_id": o.ann.ID}).wantFieldError("user_id")
		o.get(o.tBob, id).want(404)

		// With the printer's code he follows it, and then sees it as a follower: no
		// reporter, comment or photo, no comments of hers, and no comment of his own.
		res := o.do("POST", follow, o.tBob, code).want(200)
		if res.num("followers_count") != 2 || !res.action("unfollow") || res.action("follow") || res.action("comment") ||
			res.obj["reporter"] != nil || res.str("comment") != "" || res.obj["has_photo"] != false {
			t.Errorf("followed: %s", res.body)
		}
		o.do("POST", follow, o.tBob, nil).want(200) // twice is no error, and needs no code
		for _, body := range [][]byte{o.get(o.tBob, id).want(200).body, o.do("GET", path("/api/v1/tickets/%d/events", id), o.tBob, nil).want(200).body,
			o.do("GET", "/api/v1/tickets", o.tBob, nil).want(200).body} {
			for _, secret := range []string{"5551234", "desk 4.12", "ann@example.com"} {
				if bytes.Contains(body, []byte(secret)) {
					t.Errorf("the follower reads %q: %s", secret, body)
				}
			}
		}
		var kinds []string
		for _, e := range o.do("GET", path("/api/v1/tickets/%d/events", id), o.tBob, nil).want(200).items() {
			kinds = append(kinds, fmt.Sprint(e["kind"], ":", e["detail"]))
			if e["kind"] == "filed" && e["actor"] != nil {
				t.Errorf("the filing names its reporter to a follower: %v", e)
			}
		}
		if want := []string{"filed:", "routed:" + fmt.Sprint(o.itRule), "comment:part ordered"}; !slices.Equal(kinds, want) {
			t.Errorf("the follower's history %v, want %v", kinds, want)
		}
		o.do("GET", path("/api/v1/tickets/%d/photo", id), o.tBob, nil).want(404)
		o.do("POST", path("/api/v1/tickets/%d/comments", id), o.tBob, map[string]any{"text": "me too"}).want(403)
		// Ann and the staff still read everything.
		for _, tok := range []string{o.tAnn, o.tHead, o.tRoot} {
			if got := o.get(tok, id).want(200); got.str("comment") != "Call me on 5551234" || got.sub("reporter")["email"] != "ann@example.com" ||
				!got.action("comment") {
				t.Errorf("a full view: %s", got.body)
			}
		}
		// Nor does an executor of another department see it; with the code he may
		// follow it all the same.
		o.get(o.tExecF, id).want(404)
		o.do("POST", follow, o.tExecF, nil).want(404)
		o.do("POST", follow, o.tExecF, code).want(200)

		// Unfollowing: Bob no longer sees it (204), then it is 404 for him.
		o.do("DELETE", follow, o.tBob, nil).want(204)
		o.get(o.tBob, id).want(404)
		o.do("DELETE", follow, o.tBob, nil).want(404)
		// Ann still sees her own ticket after unfollowing it, and follows it again
		// with no code.
		res = o.do("DELETE", follow, o.tAnn, nil).want(200)
		if res.num("followers_count") != 1 || !res.action("follow") {
			t.Errorf("the reporter unfollowed: %s", res.body)
		}
		o.do("POST", follow, o.tAnn, nil).want(200)

		// A closed ticket takes no new followers who could not see it, code or not.
		o.do("POST", path("/api/v1/tickets/%d/cancel", id), o.tAnn, map[string]any{"reason": "fixed"}).want(200)
		o.do("POST", follow, o.tBob, code).want(404)
	})
}

func TestTicketsConcurrentTake(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		for round := 0; round < 5; round++ {
			id := o.file(o.tAnn, o.paper.ID, "")
			var wg sync.WaitGroup
			statuses := make([]int, 2)
			for i, tok := range []string{o.tExec1, o.tExec2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					statuses[i] = o.do("POST", path("/api/v1/tickets/%d/take", id), tok, nil).status
				}()
			}
			wg.Wait()
			slices.Sort(statuses)
			if !slices.Equal(statuses, []int{200, 409}) {
				t.Fatalf("round %d: %v, want one 200 and one 409", round, statuses)
			}
			got := o.get(o.tRoot, id).want(200)
			if a := idOf(got.sub("assignee")); a != o.exec1.ID && a != o.exec2.ID {
				t.Errorf("round %d: assignee %d", round, a)
			}
			taken := 0
			for _, e := range o.do("GET", path("/api/v1/tickets/%d/events", id), o.tRoot, nil).want(200).items() {
				if e["kind"] == "taken" {
					taken++
				}
			}
			if taken != 1 {
				t.Errorf("round %d: %d taken events", round, taken)
			}
		}
	})
}

func TestTicketsPhoto(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		img := image.NewRGBA(image.Rect(0, 0, 40, 30))
		for i := range img.Pix {
			img.Pix[i] = byte(i)
		}
		img.Set(0, 0, color.RGBA{255, 0, 0, 255})
		var buf bytes.Buffer
		if err := png.Encode(&buf, img); err != nil {
			t.Fatal(err)
		}
		tk, err := o.tickets.File(context.Background(), o.ann, tickets.FileInput{AssetID: o.pr.ID, ProblemID: o.jam.ID, Photo: buf.Bytes()})
		if err != nil {
			t.Fatal(err)
		}
		if !o.get(o.tAnn, tk.ID).want(200).obj["has_photo"].(bool) {
			t.Error("has_photo is false")
		}
		res := o.do("GET", path("/api/v1/tickets/%d/photo", tk.ID), o.tAnn, nil).want(200)
		if res.header.Get("Content-Type") != "image/jpeg" || !bytes.HasPrefix(res.body, []byte{0xFF, 0xD8, 0xFF}) ||
			res.header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(res.header.Get("Cache-Control"), "no-store") {
			t.Errorf("photo: %v %x", res.header, res.body[:min(8, len(res.body))])
		}
		o.do("GET", path("/api/v1/tickets/%d/photo", tk.ID), o.tExecF, nil).want(200) // facilities got the jam
		o.do("GET", path("/api/v1/tickets/%d/photo", tk.ID), o.tBob, nil).want(404)
		o.do("GET", path("/api/v1/tickets/%d/photo", tk.ID), o.tExec1, nil).want(404)
		o.do("GET", path("/api/v1/tickets/%d/photo", tk.ID), "", nil).want(401)
		o.do("GET", "/api/v1/tickets/999999/photo", o.tAnn, nil).want(404)
	})
}

func TestTicketsJournal(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		o := newOffice(t, d)
		loc := o.cfg.Location
		// Monday: three tickets of Ann's; Tuesday: two of Bob's and one of Ann's.
		o.clock.set(time.Date(2026, 3, 9, 23, 30, 0, 0, loc))
		monPaper := o.file(o.tAnn, o.paper.ID, "Tray two is empty")
		monJam := o.file(o.tAnn, o.jam.ID, "Crumpled sheet")
		monToner := o.file(o.tAnn, o.toner.ID, "")
		o.clock.set(time.Date(2026, 3, 10, 0, 30, 0, 0, loc))
		tuePaper := o.file(o.tBob, o.paper.ID, "Empty again")
		tueToner := o.file(o.tBob, o.toner.ID, "Streaks")
		tueJam := o.file(o.tAnn, o.jam.ID, "")
		o.do("POST", path("/api/v1/tickets/%d/take", monPaper), o.tExec1, nil).want(200)
		o.do("POST", path("/api/v1/tickets/%d/cancel", tueToner), o.tBob, map[string]any{"reason": "Replaced it myself"}).want(200)
		all := []int64{tueJam, tueToner, tuePaper, monToner, monJam, monPaper}

		list := func(token, query string) []int64 {
			t.Helper()
			res := o.do("GET", "/api/v1/tickets"+query, token, nil).want(200)
			var ids []int64
			for _, it := range res.items() {
				ids = append(ids, idOf(it))
			}
			return ids
		}
		same := func(name string, got, want []int64) {
			t.Helper()
			if !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", name, got, want)
			}
		}

		// Newest first; pages through next_cursor, every ticket once.
		same("admin", list(o.tRoot, ""), all)
		var walked []int64
		pages := 0
		next := ""
		for {
			q := "?limit=4"
			if next != "" {
				q += "&cursor=" + next
			}
			res := o.do("GET", "/api/v1/tickets"+q, o.tRoot, nil).want(200)
			for _, it := range res.items() {
				walked = append(walked, idOf(it))
			}
			pages++
			if res.obj["next_cursor"] == nil {
				break
			}
			next = res.str("next_cursor")
			if pages > 5 {
				t.Fatal("the cursor does not end")
			}
		}
		same("walked", walked, all)
		if pages != 2 {
			t.Errorf("%d pages of 4 for 6 tickets", pages)
		}
		res := o.do("GET", "/api/v1/tickets?limit=2", o.tRoot, nil).want(200)
		if len(res.items()) != 2 || res.obj["next_cursor"] == nil {
			t.Errorf("a first page of 2: %s", res.body)
		}
		// The cursor goes with other filters: the new tickets after the first two.
		same("after two, new", list(o.tRoot, "?status=new&cursor="+res.str("next_cursor")), []int64{tuePaper, monToner})

		// Scoping: an employee sees their own; an executor their department's.
		same("ann", list(o.tAnn, ""), []int64{tueJam, monToner, monJam, monPaper})
		same("bob", list(o.tBob, ""), []int64{tueToner, tuePaper})
		same("exec1", list(o.tExec1, ""), []int64{tueToner, tuePaper, monToner, monPaper})
		same("execF", list(o.tExecF, ""), []int64{tueJam, monJam})

		// Filters.
		same("status", list(o.tRoot, "?status=new&status=cancelled"), []int64{tueToner, tuePaper, monToner})
		same("assigned", list(o.tRoot, "?status=assigned"), []int64{tueJam, monJam, monPaper})
		same("problem", list(o.tRoot, path("?problem_type_id=%d", o.jam.ID)), []int64{tueJam, monJam})
		same("department", list(o.tRoot, path("?department_id=%d", o.fac.ID)), []int64{tueJam, monJam})
		same("assignee", list(o.tRoot, path("?assignee_id=%d", o.exec1.ID)), []int64{monPaper})
		same("reporter", list(o.tRoot, path("?reporter_id=%d", o.bob.ID)), []int64{tueToner, tuePaper})
		same("asset", list(o.tRoot, path("?asset_id=%d", o.pr.ID)), all)
		same("other asset", list(o.tRoot, path("?asset_id=%d", o.archived.ID)), nil)
		same("class", list(o.tRoot, path("?service_class_id=%d", o.cls.ID)), all)
		same("type", list(o.tRoot, path("?service_type_id=%d", o.printer.ID)), all)
		same("from Tuesday", list(o.tRoot, "?created_from=2026-03-10"), []int64{tueJam, tueToner, tuePaper})
		same("to Monday, inclusive", list(o.tRoot, "?created_to=2026-03-09"), []int64{monToner, monJam, monPaper})
		same("one day", list(o.tRoot, "?created_from=2026-03-10&created_to=2026-03-10"), []int64{tueJam, tueToner, tuePaper})
		same("before", list(o.tRoot, "?created_to=2026-03-08"), nil)
		same("q", list(o.tRoot, "?q=EMPTY"), []int64{tuePaper, monPaper})
		same("q and status", list(o.tRoot, "?q=empty&status=new"), []int64{tuePaper})
		same("mixed", list(o.tRoot, path("?reporter_id=%d&problem_type_id=%d&created_from=2026-03-09", o.ann.ID, o.jam.ID)), []int64{tueJam, monJam})

		// Items carry what the journal shows.
		it := o.do("GET", path("/api/v1/tickets?limit=1&reporter_id=%d", o.bob.ID), o.tRoot, nil).want(200).items()[0]
		if it["status"] != "cancelled" || it["cancel_reason"] != "Replaced it myself" || it["location"] == "" || it["number"] != path("T-%d", tueToner) {
			t.Errorf("item: %v", it)
		}
		if _, ok := it["actions"]; ok {
			t.Error("list items carry actions")
		}

		// Bad filter values name the parameter.
		for q, field := range map[string]string{
			"?status=lost":             "status",
			"?asset_id=x":              "asset_id",
			"?department_id=0":         "department_id",
			"?assignee_id=-3":          "assignee_id",
			"?service_class_id=1.5":    "service_class_id",
			"?created_from=2026-02-30": "created_from",
			"?created_to=10.03.2026":   "created_to",
			"?created_from=2026-03-10&created_to=2026-03-09": "created_to",
			"?q=" + strings.Repeat("a", 201):                 "q",
			"?q=%FF":                                         "q",
			"?limit=0":                                       "limit",
			"?limit=201":                                     "limit",
			"?cursor=bogus":                                  "cursor",
			"?cursor=" + encodeKind("assets", "5"):           "cursor",
		} {
			o.do("GET", "/api/v1/tickets"+q, o.tRoot, nil).wantFieldError(field)
		}
		o.do("GET", "/api/v1/tickets", "", nil).want(401)

		// Counts: by status, with the same filters; the status filter is ignored.
		cnt := o.do("GET", "/api/v1/tickets/counts", o.tRoot, nil).want(200)
		if cnt.num("new") != 2 || cnt.num("assigned") != 3 || cnt.num("in_progress") != 0 || cnt.num("done") != 0 || cnt.num("cancelled") != 1 {
			t.Errorf("counts: %s", cnt.body)
		}
		cnt = o.do("GET", "/api/v1/tickets/counts?status=new&created_from=2026-03-10", o.tRoot, nil).want(200)
		if cnt.num("new") != 1 || cnt.num("assigned") != 1 || cnt.num("cancelled") != 1 {
			t.Errorf("Tuesday's counts: %s", cnt.body)
		}
		cnt = o.do("GET", "/api/v1/tickets/counts", o.tBob, nil).want(200)
		if cnt.num("new") != 1 || cnt.num("cancelled") != 1 || cnt.num("assigned") != 0 {
			t.Errorf("Bob's counts: %s", cnt.body)
		}
		o.do("GET", "/api/v1/tickets/counts?created_to=tomorrow", o.tRoot, nil).wantFieldError("created_to")
		o.do("GET", "/api/v1/tickets/counts?reporter_id=x", o.tRoot, nil).wantFieldError("reporter_id")
	})
}

// encodeKind makes a cursor of another list, as the API encodes them.
func encodeKind(kind, key string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + key))
}
