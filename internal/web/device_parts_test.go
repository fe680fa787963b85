package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/testkit"
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
