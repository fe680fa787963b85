package web_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/testkit"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// TestDevicePartsFollowEveryChange: the device page keeps the executed parts that
// depend on the device and the language alone (its head, problem buttons and
// instructions) per device and language, on each instance. With both instances'
// parts warm in both languages, every change to what they show, made through one
// instance, must show on the other's very next view, in each language: the
// device's own columns (name, place, instructions, owner, retirement), its type's
// and class's names, and its offers.
func TestDevicePartsFollowEveryChange(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			o := newFilingOffice(t, dialect)
			a, b := o.srv.URL, secondInstance(t, o)
			ctx := context.Background()
			page := "/a/" + o.printer.Code
			en := sessionOf(t, o.login(t, "emp@office.example"))
			ivan := o.login(t, "ivan@office.example")
			if err := o.srv.App.Accounts.SetLanguage(ctx, o.ivan, "ru"); err != nil {
				t.Fatal(err)
			}
			ru := sessionOf(t, ivan)
			// view warms both instances in both languages, then shows what the
			// other instance answers in each.
			view := func(what string, want map[string][]string, unwanted map[string][]string) {
				t.Helper()
				for lang, cookie := range map[string]string{"en": en, "ru": ru} {
					for _, base := range []string{a, b} {
						if st, _ := sessionGet(t, base, page, cookie); st != http.StatusOK {
							t.Fatalf("%s: the device page on %s in %s: %d", what, base, lang, st)
						}
					}
				}
				for lang, cookie := range map[string]string{"en": en, "ru": ru} {
					st, body := sessionGet(t, b, page, cookie)
					if st != http.StatusOK {
						t.Fatalf("%s: the device page in %s: %d", what, lang, st)
					}
					for _, s := range want[lang] {
						if !strings.Contains(body, s) {
							t.Errorf("%s: the other instance's page in %s lacks %q", what, lang, s)
						}
					}
					for _, s := range unwanted[lang] {
						if strings.Contains(body, s) {
							t.Errorf("%s: the other instance's page in %s still shows %q", what, lang, s)
						}
					}
				}
			}
			view("before", map[string][]string{"en": {"Printer 3rd floor", "IT equipment · Printer", "Out of paper", "Paper jam"},
				"ru": {"ИТ · Принтер", "Out of paper (ru)"}}, nil)

			in := assets.AssetInput{Name: "Printer by the lifts", TypeID: o.printerType.ID, Location: assets.Location{Building: "B", Floor: "5"},
				Instructions: "Toner: https://wiki.office.example/toner"}
			update := func() {
				t.Helper()
				if _, err := o.srv.App.Assets.UpdateAsset(ctx, o.admin, o.printer.ID, in); err != nil {
					t.Fatal(err)
				}
			}
			update()
			view("a device edit", map[string][]string{
				"en": {"Printer by the lifts", "B, 5", `<a href="https://wiki.office.example/toner" rel="noopener nofollow">`},
				"ru": {"Printer by the lifts", "B, 5", "https://wiki.office.example/toner"},
			}, map[string][]string{"en": {"Printer 3rd floor"}, "ru": {"Printer 3rd floor"}})

			if _, err := o.srv.App.Assets.UpdateType(ctx, o.admin, o.printerType.ID, assets.TypeInput{ClassID: o.classID,
				Names: assets.Names{EN: "Laser printer", RU: "Лазерный принтер"}}); err != nil {
				t.Fatal(err)
			}
			if _, err := o.srv.App.Assets.SetOffers(ctx, o.admin, o.printerType.ID, []assets.OfferInput{{ProblemID: o.leak.ID}}); err != nil {
				t.Fatal(err)
			}
			view("a type renamed, its offers changed", map[string][]string{"en": {"IT equipment · Laser printer", "Leaking"},
				"ru": {"ИТ · Лазерный принтер", "Leaking (ru)"}},
				map[string][]string{"en": {"Out of paper", "Paper jam"}, "ru": {"Out of paper (ru)"}})

			if _, err := o.srv.App.Assets.RenameTerm(ctx, o.admin, assets.ClassVocabulary, o.classID, assets.Names{EN: "Office machines", RU: "Оргтехника"}); err != nil {
				t.Fatal(err)
			}
			if _, err := o.srv.App.Assets.RenameTerm(ctx, o.admin, assets.ProblemVocabulary, o.leak.ID, assets.Names{EN: "Drips", RU: "Капает"}); err != nil {
				t.Fatal(err)
			}
			view("a class and a problem renamed", map[string][]string{"en": {"Office machines · Laser printer", "Drips"},
				"ru": {"Оргтехника · Лазерный принтер", "Капает"}}, nil)

			// The header's links are kept per viewer under the auth version: the
			// executor's role taken away on one instance takes the rules' link
			// off the other's page at once; the language switch names the page.
			view("an executor's header", map[string][]string{"ru": {`href="/rules"`, `name="next" value="/a/` + o.printer.Code + `"`}}, nil)
			if _, err := o.srv.App.Accounts.UpdateUser(ctx, o.admin, o.ivan.ID, users.UserPatch{Roles: &[]users.Role{users.RoleEmployee}}); err != nil {
				t.Fatal(err)
			}
			view("a role taken away", nil, map[string][]string{"ru": {`href="/rules"`}})
			if st, body := sessionGet(t, b, page+"?from=list", ru); st != http.StatusOK || !strings.Contains(body, `name="next" value="/a/`+o.printer.Code+`?from=list"`) {
				t.Errorf("the language switch of the page opened from the list (%d) does not come back to it", st)
			}

			// Someone's own device: the badge. Its owner sees it (the former
			// executor no longer does: NotFound, tested elsewhere).
			in.OwnerID = o.emp.ID
			update()
			if st, body := sessionGet(t, b, page, en); st != http.StatusOK || !strings.Contains(body, `class="badge"`) {
				t.Errorf("made personal: the owner's page on the other instance (%d) lacks the badge", st)
			}
			in.OwnerID = 0
			update()

			in.OwnerID, in.Archived = 0, true
			update()
			view("retired", map[string][]string{"en": {`class="alert"`}, "ru": {`class="alert"`}},
				map[string][]string{"en": {`class="badge"`, `class="problem"`}, "ru": {`class="badge"`, `class="problem"`}})
		})
	}
}

// TestDeviceOpenTicketsFollowEveryChange: the device page's open tickets are kept
// per device on each instance, under the version of the device's tickets stripe
// that the request reads in its one statement of versions. With both instances
// warm, a filing, a "me too", a start and a completion made through one instance
// show on the other's very next view, for the reporter and for a colleague; and
// views with nothing changed read no list from the database.
func TestDeviceOpenTicketsFollowEveryChange(t *testing.T) {
	for _, dialect := range testkit.Dialects {
		t.Run(string(dialect), func(t *testing.T) {
			o := newFilingOffice(t, dialect)
			a := o.srv.URL
			b, appB := secondApp(t, o)
			ctx := context.Background()
			page := "/a/" + o.printer.Code
			emp := sessionOf(t, o.login(t, "emp@office.example"))
			emp2 := sessionOf(t, o.login(t, "emp2@office.example"))
			warm := func() {
				t.Helper()
				for _, base := range []string{a, b} {
					for _, cookie := range []string{emp, emp2} {
						for range 2 {
							if st, _ := sessionGet(t, base, page, cookie); st != http.StatusOK {
								t.Fatalf("the device page on %s: %d", base, st)
							}
						}
					}
				}
			}
			show := func(what, who, cookie string, want, unwanted []string) {
				t.Helper()
				st, body := sessionGet(t, b, page, cookie)
				if st != http.StatusOK {
					t.Fatalf("%s: the other instance's page for %s: %d", what, who, st)
				}
				for _, s := range want {
					if !strings.Contains(body, s) {
						t.Errorf("%s: the other instance's page for %s lacks %q", what, who, s)
					}
				}
				for _, s := range unwanted {
					if strings.Contains(body, s) {
						t.Errorf("%s: the other instance's page for %s still shows %q", what, who, s)
					}
				}
			}

			warm()
			loads := appB.Tickets.OpenListLoads()
			if loads == 0 {
				t.Fatal("the other instance keeps no list of open tickets: its views read no stripe version")
			}
			warm()
			if n := appB.Tickets.OpenListLoads() - loads; n != 0 {
				t.Errorf("nothing changed, yet the other instance read the open tickets %d times more", n)
			}
			show("before", "the reporter", emp, nil, []string{`class="card reported"`})

			tk, err := o.srv.App.Tickets.File(ctx, o.emp, tickets.FileInput{AssetID: o.printer.ID, ProblemID: o.paper.ID})
			if err != nil {
				t.Fatal(err)
			}
			follow := fmt.Sprintf(`action="/tickets/%d/follow"`, tk.ID)
			show("a filing", "the reporter", emp, []string{`class="card reported"`, "Out of paper", "You get its updates", "Ivan Petrov is on it"}, []string{follow})
			show("a filing", "a colleague", emp2, []string{"Out of paper", follow}, []string{"You get its updates"})

			warm()
			if err := o.srv.App.Tickets.Follow(ctx, o.emp2, tk.ID, o.printer.Code); err != nil {
				t.Fatal(err)
			}
			show("me too", "the colleague", emp2, []string{"You get its updates"}, []string{follow})

			warm()
			if _, err := o.srv.App.Tickets.Start(ctx, o.ivan, tk.ID); err != nil {
				t.Fatal(err)
			}
			show("a start", "the reporter", emp, []string{"Ivan Petrov is working on it"}, []string{"Ivan Petrov is on it"})

			warm()
			if _, err := o.srv.App.Tickets.Complete(ctx, o.ivan, tk.ID, "refilled"); err != nil {
				t.Fatal(err)
			}
			show("a completion", "the reporter", emp, nil, []string{`class="card reported"`, "Ivan Petrov is working on it"})
			show("a completion", "the colleague", emp2, nil, []string{`class="card reported"`, "Ivan Petrov is working on it"})
		})
	}
}
