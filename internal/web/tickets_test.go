package web_test

import (
	"context"
	"database/sql"
	"encoding/csv"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"smartservice/internal/assets"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/testserver"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// journalWorld is a small office on a real server: departments IT (executors ex
// and ex2, head) and Facilities (executor fx); a printer (paper → IT by rule; a jam
// matches no rule) and a coffee machine (leaks → Facilities). Tickets:
//
//	t1 emp  printer paper "no paper in tray"  IT, assigned to ex
//	t2 emp2 coffee  leak  "water everywhere"  Facilities, assigned to fx
//	t3 emp  printer jam                       unrouted
type journalWorld struct {
	t                             *testing.T
	srv                           *testserver.Server
	ctx                           context.Context
	en, ru                        *i18n.Localizer
	it, fac                       users.Department
	admin, emp, emp2, ex, ex2, fx *users.User
	head                          *users.User
	printer, coffee               *assets.Asset
	itClass, kitchen, printerType int64
	paper, jam, leak, paperRule   int64
	t1, t2, t3                    *tickets.Ticket
	rules                         *tickets.Rules
	password                      string
	clientsByEmail                map[string]*browserClient
}

func newJournalWorld(t *testing.T, srv *testserver.Server) *journalWorld {
	t.Helper()
	cat, err := i18n.New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	w := &journalWorld{t: t, srv: srv, ctx: context.Background(), en: cat.For("en"), ru: cat.For("ru"), password: "long enough passphrase",
		rules: tickets.NewRules(srv.App.DB, nil), clientsByEmail: map[string]*browserClient{}}
	a, ctx := srv.App, w.ctx
	err = a.DB.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		if w.it, err = a.Users.CreateDepartmentTx(ctx, tx, users.Department{Code: "it", NameEN: "IT support", NameRU: "ИТ-поддержка"}); err != nil {
			return err
		}
		w.fac, err = a.Users.CreateDepartmentTx(ctx, tx, users.Department{Code: "fac", NameEN: "Facilities", NameRU: "Хозслужба"})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mk := func(email, name string, roles []users.Role, deps ...string) *users.User {
		u, err := a.Accounts.CreateUser(ctx, users.CreateInput{Email: email, FullName: name, Roles: roles, DepartmentCodes: deps, Password: w.password, Language: "en"})
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	w.admin = mk("admin@office.example", "Ada Admin", []users.Role{users.RoleEmployee, users.RoleAdmin})
	w.emp = mk("emp@office.example", "Emil Employee", []users.Role{users.RoleEmployee})
	w.emp2 = mk("emp2@office.example", "Erin Other", []users.Role{users.RoleEmployee})
	w.ex = mk("ex@office.example", "Ivan Executor", []users.Role{users.RoleEmployee, users.RoleExecutor}, "it")
	w.ex2 = mk("ex2@office.example", "Xenia Second", []users.Role{users.RoleEmployee, users.RoleExecutor}, "it")
	w.fx = mk("fx@office.example", "Fred Fixer", []users.Role{users.RoleEmployee, users.RoleExecutor}, "fac")
	w.head = mk("head@office.example", "Hanna Head", []users.Role{users.RoleEmployee, users.RoleHead}, "it")

	class := w.must(a.Assets.CreateClass(ctx, w.admin, assets.Names{EN: "IT equipment", RU: "ИТ-оборудование"})).(assets.Class)
	w.itClass = class.ID
	typ := w.must(a.Assets.CreateType(ctx, w.admin, assets.TypeInput{ClassID: class.ID, Names: assets.Names{EN: "Printer", RU: "Принтер"}})).(*assets.Type)
	w.printerType = typ.ID
	kitchen := w.must(a.Assets.CreateClass(ctx, w.admin, assets.Names{EN: "Kitchen", RU: "Кухня"})).(assets.Class)
	w.kitchen = kitchen.ID
	coffeeType := w.must(a.Assets.CreateType(ctx, w.admin, assets.TypeInput{ClassID: kitchen.ID, Names: assets.Names{EN: "Coffee machine", RU: "Кофемашина"}})).(*assets.Type)
	prob := func(en, ru string) int64 {
		return w.must(a.Assets.CreateProblem(ctx, w.admin, assets.Names{EN: en, RU: ru})).(assets.Problem).ID
	}
	w.paper, w.jam, w.leak = prob("Out of paper", "Нет бумаги"), prob("Paper jam", "Замятие"), prob("Leaking", "Протекает")
	w.must(a.Assets.SetOffers(ctx, w.admin, typ.ID, []assets.OfferInput{{ProblemID: w.paper}, {ProblemID: w.jam}}))
	w.must(a.Assets.SetOffers(ctx, w.admin, coffeeType.ID, []assets.OfferInput{{ProblemID: w.leak}}))
	w.paperRule = w.must(w.rules.Create(ctx, w.admin, tickets.RuleInput{ProblemID: w.paper, DepartmentID: w.it.ID})).(tickets.Rule).ID
	w.must(w.rules.Create(ctx, w.admin, tickets.RuleInput{ProblemID: w.leak, DepartmentID: w.fac.ID}))
	w.printer = w.must(a.Assets.CreateAsset(ctx, w.admin, assets.AssetInput{Name: "Printer 4th floor", TypeID: typ.ID,
		Location: assets.Location{Building: "HQ", Floor: "4", Room: "401"}})).(*assets.Asset)
	w.coffee = w.must(a.Assets.CreateAsset(ctx, w.admin, assets.AssetInput{Name: "Coffee machine", TypeID: coffeeType.ID,
		Location: assets.Location{Building: "HQ", Floor: "2", Room: "Kitchen"}})).(*assets.Asset)

	w.t1 = w.file(w.emp, w.printer, w.paper, "no paper in tray")
	w.t2 = w.file(w.emp2, w.coffee, w.leak, "water everywhere")
	w.t3 = w.file(w.emp, w.printer, w.jam, "")
	if w.t1.AssigneeID != w.ex.ID || w.t2.AssigneeID != w.fx.ID || w.t3.DepartmentID != 0 {
		t.Fatalf("routing: t1 %+v, t2 %+v, t3 %+v", w.t1, w.t2, w.t3)
	}
	return w
}

// must fails the test on err and returns v (callers assert its type).
func (w *journalWorld) must(v any, err error) any {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
	return v
}

func (w *journalWorld) file(u *users.User, a *assets.Asset, problem int64, comment string) *tickets.Ticket {
	w.t.Helper()
	return w.must(w.srv.App.Tickets.File(w.ctx, u, tickets.FileInput{AssetID: a.ID, ProblemID: problem, Comment: comment})).(*tickets.Ticket)
}

// as returns a logged-in client of u (one per person).
func (w *journalWorld) as(u *users.User) *browserClient {
	w.t.Helper()
	if c, ok := w.clientsByEmail[u.Email]; ok {
		return c
	}
	c := newBrowserClient(w.t, w.srv.URL).loginWith(u.Email, w.password)
	w.clientsByEmail[u.Email] = c
	return c
}

// T is the English text of a key, as the page writes it (escaped).
func (w *journalWorld) T(key string, args ...any) string {
	return html.EscapeString(w.en.T(key, args...))
}

func (w *journalWorld) available(u *users.User, on bool) {
	w.t.Helper()
	w.must(w.srv.App.Accounts.UpdateUser(w.ctx, w.admin, u.ID, users.UserPatch{Available: &on}))
}

func tpath(tk *tickets.Ticket, suffix string) string {
	return fmt.Sprintf("/tickets/%d%s", tk.ID, suffix)
}

var ticketLink = regexp.MustCompile(`<th scope="row" class="primary">\s*<a href="/tickets/(\d+)"`)

// journalIDs are the tickets a journal page lists, in order.
func journalIDs(body string) []string {
	var out []string
	for _, m := range ticketLink.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func ids(tks ...*tickets.Ticket) []string {
	var out []string
	for _, tk := range tks {
		out = append(out, fmt.Sprint(tk.ID))
	}
	return out
}

func TestJournalPages(t *testing.T) {
	t.Parallel()
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			t.Parallel()
			w := newJournalWorld(t, testserver.Start(t, testserver.Options{Dialect: dialect}))
			t.Run("Filters", w.testFilters)
			t.Run("BadFilters", w.testBadFilters)
			t.Run("Scoping", w.testScoping)
			t.Run("Export", w.testExport)
			t.Run("Homes", w.testHomes)
			t.Run("Trace", w.testTrace)
			t.Run("Transitions", w.testTransitions)
		})
	}
}

func (w *journalWorld) testFilters(t *testing.T) {
	admin := w.as(w.admin)
	today := time.Now().In(w.srv.App.Config.Location).Format("2006-01-02")
	tomorrow := time.Now().In(w.srv.App.Config.Location).AddDate(0, 0, 1).Format("2006-01-02")
	yesterday := time.Now().In(w.srv.App.Config.Location).AddDate(0, 0, -1).Format("2006-01-02")
	for _, c := range []struct {
		query string
		want  []*tickets.Ticket
	}{
		{"", []*tickets.Ticket{w.t3, w.t2, w.t1}},
		{"status=new", []*tickets.Ticket{w.t3}},
		{"status=new&status=assigned", []*tickets.Ticket{w.t3, w.t2, w.t1}},
		{"status=done", nil},
		{fmt.Sprintf("class=%d", w.kitchen), []*tickets.Ticket{w.t2}},
		{fmt.Sprintf("type=%d", w.printerType), []*tickets.Ticket{w.t3, w.t1}},
		{fmt.Sprintf("problem=%d", w.jam), []*tickets.Ticket{w.t3}},
		{fmt.Sprintf("department=%d", w.it.ID), []*tickets.Ticket{w.t1}},
		{fmt.Sprintf("assignee=%d", w.fx.ID), []*tickets.Ticket{w.t2}},
		{fmt.Sprintf("device=%d", w.printer.ID), []*tickets.Ticket{w.t3, w.t1}},
		{"device=" + w.printer.Code, []*tickets.Ticket{w.t3, w.t1}},
		{"device=" + strings.ToUpper(w.coffee.Code), []*tickets.Ticket{w.t2}},
		{"reporter=" + url.QueryEscape(w.emp2.Email), []*tickets.Ticket{w.t2}},
		{fmt.Sprintf("reporter=%d", w.emp.ID), []*tickets.Ticket{w.t3, w.t1}},
		{"q=WATER", []*tickets.Ticket{w.t2}},
		{"q=" + url.QueryEscape("4th floor"), []*tickets.Ticket{w.t3, w.t1}},
		{"from=" + today + "&to=" + today, []*tickets.Ticket{w.t3, w.t2, w.t1}},
		{"from=" + tomorrow, nil},
		{"to=" + yesterday, nil},
		{fmt.Sprintf("reporter=%d&status=assigned", w.emp.ID), []*tickets.Ticket{w.t1}},
	} {
		res, body := admin.get("/tickets?" + c.query)
		wantStatus(t, c.query, res, body, http.StatusOK)
		if got, want := journalIDs(body), ids(c.want...); !slices.Equal(got, want) {
			t.Errorf("%q: journal lists %v, want %v", c.query, got, want)
		}
	}
	// The tabs count per status, keep the other filters, and mark the current one.
	_, body := admin.get(fmt.Sprintf("/tickets?type=%d&status=new", w.printerType))
	wantContains(t, "tabs", body,
		fmt.Sprintf(`<a href="/tickets?status=new&amp;type=%d" aria-current="page" class="tab-new">%s <span class="tab-count">1</span></a>`, w.printerType, w.T("journal.status_new")),
		fmt.Sprintf(`<a href="/tickets?status=assigned&amp;type=%d" class="tab-assigned">%s <span class="tab-count">1</span></a>`, w.printerType, w.T("journal.status_assigned")),
		fmt.Sprintf(`<a href="/tickets?type=%d">%s <span class="tab-count">2</span></a>`, w.printerType, w.T("journal.tab_all")),
		fmt.Sprintf(`href="/tickets/export.csv?status=new&amp;type=%d"`, w.printerType),
		`<details class="more" open>`)
	// Pages: one ticket per page is not offered, so walk with a cursor of the domain.
	p, err := w.srv.App.Tickets.List(w.ctx, w.admin, tickets.Filter{Limit: 1})
	if err != nil || p.NextCursor == "" {
		t.Fatalf("first page: %v", err)
	}
	_, body = admin.get("/tickets?status=new&status=assigned&cursor=" + p.NextCursor)
	if got, want := journalIDs(body), ids(w.t2, w.t1); !slices.Equal(got, want) {
		t.Errorf("after the cursor: %v, want %v", got, want)
	}
	wantContains(t, "later page", body, `href="/tickets?status=new&amp;status=assigned">`+w.T("journal.first_page"))
}

func (w *journalWorld) testBadFilters(t *testing.T) {
	admin := w.as(w.admin)
	for _, c := range []struct {
		query, message string
	}{
		{"class=abc", w.T("journal.bad_choice")},
		{"department=-3", w.T("journal.bad_choice")},
		{"from=2026-13-45", w.T("journal.bad_date")},
		{"to=yesterday", w.T("journal.bad_date")},
		{"from=2026-03-05&to=2026-03-01", w.T("ticket.list_period_invalid")},
		{"status=bogus", w.T("ticket.list_status_invalid")},
		{"device=NOSUCHDEVICE", w.T("journal.device_unknown")},
		{"reporter=nobody%40office.example", w.T("journal.reporter_unknown")},
		{"q=" + strings.Repeat("x", 201), w.T("ticket.list_q_too_long", "Max", 200)},
		{"q=%FF", w.T("ticket.list_q_invalid")},
		{"cursor=garbage", w.T("ticket.list_cursor_invalid")},
	} {
		res, body := admin.get("/tickets?" + c.query)
		wantStatus(t, c.query, res, body, http.StatusUnprocessableEntity)
		wantContains(t, c.query, body, c.message, `role="alert"`)
		if ids := journalIDs(body); len(ids) != 0 {
			t.Errorf("%q: an invalid filter listed %v", c.query, ids)
		}
		// The export of an invalid filter goes back to the journal, which says why
		// (it reads every page, so a cursor means nothing to it).
		if strings.HasPrefix(c.query, "cursor=") {
			continue
		}
		res, _ = admin.get("/tickets/export.csv?" + c.query)
		if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/tickets") {
			t.Errorf("%q: export answered %d to %q", c.query, res.StatusCode, res.Header.Get("Location"))
		}
	}
}

func (w *journalWorld) testScoping(t *testing.T) {
	// Each sees their own: emp2 the coffee ticket; fx (Facilities) the same; the IT
	// executor the IT ticket; the head and the admin everything.
	for _, c := range []struct {
		u    *users.User
		want []*tickets.Ticket
	}{
		{w.emp, []*tickets.Ticket{w.t3, w.t1}},
		{w.emp2, []*tickets.Ticket{w.t2}},
		{w.fx, []*tickets.Ticket{w.t2}},
		{w.ex, []*tickets.Ticket{w.t1}},
		{w.head, []*tickets.Ticket{w.t3, w.t2, w.t1}},
	} {
		_, body := w.as(c.u).get("/tickets")
		if got, want := journalIDs(body), ids(c.want...); !slices.Equal(got, want) {
			t.Errorf("%s: journal %v, want %v", c.u.Email, got, want)
		}
	}
	// Another person's ticket is the same 404 as an absent one, on the page and on
	// every change.
	for _, c := range []struct {
		u  *users.User
		tk *tickets.Ticket
	}{{w.emp2, w.t1}, {w.fx, w.t1}, {w.ex, w.t2}, {w.ex2, w.t3}} {
		cl := w.as(c.u)
		res, body := cl.get(tpath(c.tk, ""))
		wantStatus(t, c.u.Email+" page", res, body, http.StatusNotFound)
		_, missing := cl.get("/tickets/999999")
		if samePageBody(body) != samePageBody(missing) {
			t.Errorf("%s: the 404 of another's ticket differs from an absent one's", c.u.Email)
		}
		for _, action := range []string{"take", "start", "complete", "cancel", "reassign", "reopen", "comment", "follow", "unfollow"} {
			res, body := cl.post(tpath(c.tk, "/"+action), url.Values{"resolution": {"x"}, "reason": {"x"}, "text": {"x"}, "assignee_id": {fmt.Sprint(c.u.ID)}})
			// "Me too" without the device's code is a guess: the same 404 (with it,
			// see Transitions).
			if action == "unfollow" {
				// Unfollowing what one does not follow changes nothing, and says nothing.
				if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/tickets" {
					t.Errorf("%s unfollow: %d to %q", c.u.Email, res.StatusCode, res.Header.Get("Location"))
				}
				continue
			}
			wantStatus(t, c.u.Email+" "+action, res, body, http.StatusNotFound)
		}
	}
	res, body := w.as(w.admin).get("/tickets/nonsense")
	wantStatus(t, "not an id", res, body, http.StatusNotFound)
	// Visitors log in first.
	res, _ = newBrowserClient(t, w.srv.URL).get("/tickets")
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") {
		t.Errorf("visitor: %d to %q", res.StatusCode, res.Header.Get("Location"))
	}
}

// samePageBody drops what differs between two answers of the same page (the
// request id, the language switch's way back).
func samePageBody(body string) string {
	body = regexp.MustCompile(`[0-9a-f]{16,}`).ReplaceAllString(body, "")
	return regexp.MustCompile(`name="next" value="[^"]*"`).ReplaceAllString(body, "")
}

func (w *journalWorld) testExport(t *testing.T) {
	w.file(w.emp, w.printer, w.paper, "=HYPERLINK(\"http://evil.example\")")
	res, body := w.as(w.admin).get(fmt.Sprintf("/tickets/export.csv?department=%d", w.it.ID))
	wantStatus(t, "export", res, body, http.StatusOK)
	if ct, cd := res.Header.Get("Content-Type"), res.Header.Get("Content-Disposition"); ct != "text/csv; charset=utf-8" || !strings.HasPrefix(cd, "attachment;") {
		t.Errorf("headers %q, %q", ct, cd)
	}
	recs, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(recs[0], tickets.ExportHeader) || len(recs) != 3 {
		t.Fatalf("export: %q", recs)
	}
	comment := slices.Index(tickets.ExportHeader, "comment")
	if recs[1][comment] != "'=HYPERLINK(\"http://evil.example\")" || recs[2][0] != w.t1.Number() {
		t.Errorf("rows %q", recs[1:])
	}
	// Scoped like the journal: emp2 gets only the coffee ticket.
	_, body = w.as(w.emp2).get("/tickets/export.csv")
	if recs, _ := csv.NewReader(strings.NewReader(body)).ReadAll(); len(recs) != 2 || recs[1][0] != w.t2.Number() {
		t.Errorf("emp2's export %q", recs)
	}
}

func (w *journalWorld) testHomes(t *testing.T) {
	_, body := w.as(w.emp).get("/")
	wantContains(t, "employee home", body, w.T("journal.home_mine"), `href="/tickets/`+fmt.Sprint(w.t1.ID)+`"`, `action="/assets"`, `href="/tickets">`+w.T("journal.nav"))
	wantNotContains(t, "employee home", body, w.T("journal.home_queue"), w.T("journal.home_unrouted"), w.T("home.how_title"))
	_, body = w.as(w.ex).get("/")
	wantContains(t, "executor home", body, w.T("journal.home_queue"), w.T("journal.home_queue_empty"), w.T("journal.home_working"),
		`href="/tickets/`+fmt.Sprint(w.t1.ID)+`"`)
	_, body = w.as(w.head).get("/")
	wantContains(t, "head home", body, w.T("journal.home_departments"), `href="/tickets/`+fmt.Sprint(w.t1.ID)+`"`)
	_, body = w.as(w.admin).get("/")
	wantContains(t, "admin home", body, w.T("loop.waiting_title"), `href="/tickets/`+fmt.Sprint(w.t3.ID)+`"`)
	_, body = newBrowserClient(t, w.srv.URL).get("/")
	wantContains(t, "visitor home", body, w.T("home.how_title"))
}

func (w *journalWorld) testTrace(t *testing.T) {
	_, body := w.as(w.ex).get(tpath(w.t1, ""))
	wantContains(t, "rule", body, w.T("journal.trace_rule", "Rule", w.paperRule, "Class", w.en.T("rulespage.any"), "Type", w.en.T("rulespage.any"),
		"Problem", "Out of paper", "Department", "IT support"))
	_, body = w.as(w.admin).get(tpath(w.t3, ""))
	wantContains(t, "unrouted", body, w.T("journal.trace_none"), w.T("journal.event_routed_none"))
	// Employees do not read the rules table, so no trace for them.
	_, body = w.as(w.emp).get(tpath(w.t1, ""))
	wantNotContains(t, "employee", body, w.T("journal.routing"))
	wantContains(t, "employee", body, "no paper in tray", "Printer 4th floor", `href="/a/`+w.printer.Code+`?from=list"`, "HQ, 4, 401", "IT support", "Ivan Executor",
		w.T("journal.followers", "Count", 1), w.T("journal.event_filed", "Name", "Emil Employee"), w.T("journal.event_assigned", "Assignee", "Ivan Executor"))
	if err := w.rules.Delete(w.ctx, w.admin, w.paperRule); err != nil {
		t.Fatal(err)
	}
	_, body = w.as(w.admin).get(tpath(w.t1, ""))
	wantContains(t, "deleted rule", body, w.T("journal.trace_rule_deleted", "Rule", w.paperRule, "Department", "IT support"))
	w.paperRule = w.must(w.rules.Create(w.ctx, w.admin, tickets.RuleInput{ProblemID: w.paper, DepartmentID: w.it.ID})).(tickets.Rule).ID
}

// testTransitions drives every change through the forms.
func (w *journalWorld) testTransitions(t *testing.T) {
	ex, emp, head, admin := w.as(w.ex), w.as(w.emp), w.as(w.head), w.as(w.admin)
	redirected := func(what string, res *http.Response, to string) {
		t.Helper()
		wantRedirect(t, what, res, to)
	}
	page := tpath(w.t1, "")
	// The assignee's next step is "start", the one main button; no "take".
	_, body := ex.get(page)
	wantContains(t, "assigned", body, `action="`+tpath(w.t1, "/start")+`"`, `action="`+tpath(w.t1, "/comment")+`"`)
	wantNotContains(t, "assigned", body, `action="`+tpath(w.t1, "/take")+`"`, `action="`+tpath(w.t1, "/reassign")+`"`)
	res, _ := ex.post(tpath(w.t1, "/start"), nil)
	redirected("start", res, page)
	_, body = ex.get(page)
	wantContains(t, "started", body, w.T("journal.notice_start"), `<span class="tstatus tstatus-in-progress">`+w.T("journal.status_in_progress"),
		`action="`+tpath(w.t1, "/complete")+`"`)
	// A second start is a conflict: 409, the page with the message.
	res, body = ex.post(tpath(w.t1, "/start"), nil)
	wantStatus(t, "start again", res, body, http.StatusConflict)
	wantContains(t, "start again", body, w.T("ticket.transition"))
	// Complete needs a resolution.
	res, body = ex.post(tpath(w.t1, "/complete"), url.Values{"resolution": {"  "}})
	wantStatus(t, "complete empty", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "complete empty", body, `id="resolution-err"`, w.T("ticket.text_required"))
	res, _ = ex.post(tpath(w.t1, "/complete"), url.Values{"resolution": {"Paper added"}})
	redirected("complete", res, page)
	_, body = emp.get(page)
	wantContains(t, "done", body, "Paper added", `tstatus-done`, `action="`+tpath(w.t1, "/reopen")+`"`)
	wantNotContains(t, "done", body, `action="`+tpath(w.t1, "/cancel")+`"`)
	// The reporter reopens; it goes back to the same executor.
	res, _ = emp.post(tpath(w.t1, "/reopen"), nil)
	redirected("reopen", res, page)
	_, body = ex.get(page)
	wantContains(t, "reopened", body, `tstatus-assigned`, w.T("journal.event_reopened", "Name", "Emil Employee"), `action="`+tpath(w.t1, "/start")+`"`)
	// The head reassigns: a foreign executor is refused (422), a colleague is fine.
	res, body = head.post(tpath(w.t1, "/reassign"), url.Values{"assignee_id": {fmt.Sprint(w.fx.ID)}})
	wantStatus(t, "reassign foreign", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "reassign foreign", body, w.T("ticket.assignee_not_executor"), `<details class="more" open>`)
	_, body = head.get(page)
	wantContains(t, "reassign choices", body, `<option value="`+fmt.Sprint(w.ex2.ID)+`">Xenia Second</option>`)
	wantNotContains(t, "reassign choices", body, `<option value="`+fmt.Sprint(w.ex.ID)+`">`)
	res, _ = head.post(tpath(w.t1, "/reassign"), url.Values{"assignee_id": {fmt.Sprint(w.ex2.ID)}})
	redirected("reassign", res, page)
	_, body = head.get(page)
	wantContains(t, "reassigned", body, w.T("journal.event_reassigned", "Name", "Hanna Head", "Assignee", "Xenia Second"))
	// The former assignee may no longer start it: 403 with the message.
	res, body = ex.post(tpath(w.t1, "/start"), nil)
	wantStatus(t, "former assignee", res, body, http.StatusForbidden)
	// Comments.
	res, body = emp.post(tpath(w.t1, "/comment"), url.Values{"text": {""}})
	wantStatus(t, "empty comment", res, body, http.StatusUnprocessableEntity)
	res, _ = emp.post(tpath(w.t1, "/comment"), url.Values{"text": {"Still no paper <b>at all</b>"}})
	redirected("comment", res, page)
	_, body = emp.get(page)
	wantContains(t, "comment", body, "Still no paper &lt;b&gt;at all&lt;/b&gt;", w.T("journal.event_comment", "Name", "Emil Employee"))
	// Cancel: a reason is required, then the reporter may (nobody started it).
	res, body = emp.post(tpath(w.t1, "/cancel"), url.Values{"reason": {""}})
	wantStatus(t, "cancel without reason", res, body, http.StatusUnprocessableEntity)
	wantContains(t, "cancel without reason", body, `id="reason-err"`)
	res, _ = emp.post(tpath(w.t1, "/cancel"), url.Values{"reason": {"Found paper myself"}})
	redirected("cancel", res, page)
	_, body = emp.get(page)
	wantContains(t, "cancelled", body, "Found paper myself", "tstatus-cancelled")
	res, body = w.as(w.ex2).post(tpath(w.t1, "/start"), nil)
	wantStatus(t, "start cancelled", res, body, http.StatusConflict)

	// The queue: with nobody available a ticket waits; one executor takes it, the
	// other's take is a conflict.
	w.available(w.ex, false)
	w.available(w.ex2, false)
	q := w.file(w.emp2, w.printer, w.paper, "queued")
	w.available(w.ex, true)
	w.available(w.ex2, true)
	_, body = ex.get(tpath(q, ""))
	wantContains(t, "queued", body, `action="`+tpath(q, "/take")+`"`, w.T("journal.nobody_yet"))
	res, _ = ex.post(tpath(q, "/take"), nil)
	redirected("take", res, tpath(q, ""))
	res, body = w.as(w.ex2).post(tpath(q, "/take"), nil)
	wantStatus(t, "second take", res, body, http.StatusConflict)
	wantContains(t, "second take", body, w.T("ticket.transition"))

	// Follow and unfollow: next is a local path; anything else goes to the ticket.
	res, _ = admin.post(tpath(q, "/follow"), url.Values{"next": {"/tickets?status=new"}})
	redirected("follow with next", res, "/tickets?status=new")
	_, body = admin.get(tpath(q, ""))
	wantContains(t, "following", body, `action="`+tpath(q, "/unfollow")+`"`, w.T("journal.followers", "Count", 2))
	res, _ = admin.post(tpath(q, "/unfollow"), url.Values{"next": {"//evil.example/"}})
	redirected("unfollow with a foreign next", res, tpath(q, ""))
	// "Me too" from the device page: emp follows emp2's open ticket and returns there.
	res, body = emp.post(tpath(q, "/follow"), url.Values{"next": {"/a/" + w.printer.Code}})
	wantStatus(t, "me too without the code", res, body, http.StatusNotFound)
	res, _ = emp.post(tpath(q, "/follow"), url.Values{"next": {"/a/" + w.printer.Code}, "code": {w.printer.Code}})
	redirected("me too", res, "/a/"+w.printer.Code)
	_, body = emp.get("/tickets")
	if !slices.Contains(journalIDs(body), fmt.Sprint(q.ID)) {
		t.Errorf("a followed ticket is missing from the follower's journal")
	}
	_, body = admin.get(tpath(q, ""))
	wantContains(t, "me too", body, w.T("journal.event_followed", "Name", "Emil Employee"))
	// The follower reads the ticket limited: other people's "me too" are not theirs.
	_, body = emp.get(tpath(q, ""))
	wantContains(t, "the follower's page", body, w.T("follow.limited"))
	wantNotContains(t, "the follower's page", body, w.T("journal.event_followed", "Name", "Emil Employee"))
	// Unfollowing what one may then no longer see goes to the journal.
	res, _ = emp.post(tpath(q, "/unfollow"), nil)
	redirected("unfollow", res, "/tickets")
}
