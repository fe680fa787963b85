package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit"
)

func TestCataloguePages(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAssetsEnv(t, d)
		ctx := context.Background()
		admin := e.client().login("admin@example.com")
		res, body := admin.get("/catalogue")
		wantStatus(t, "catalogue", res, body, http.StatusOK)
		wantContains(t, "catalogue", body, "IT equipment", "Kitchen", "Printer", "Coffee machine", "Leaking", e.T("assets.catalogue.types_count", "Count", 2),
			fmt.Sprintf(`href="/catalogue/types/%d"`, e.printer.ID), `action="/catalogue/classes"`, `action="/catalogue/types"`, `action="/catalogue/problems"`)

		// Create, with field-level messages first.
		res, body = admin.post("/catalogue/classes", url.Values{"name_en": {""}, "name_ru": {" "}})
		wantStatus(t, "a nameless class", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "a nameless class", body, `id="new-classes-name_en-err"`, e.T("validation.name_required"))
		res, _ = admin.post("/catalogue/classes", url.Values{"name_en": {"Premises <x>"}, "name_ru": {"Помещения"}})
		wantRedirect(t, "a class", res, "/catalogue#classes")
		res, body = admin.post("/catalogue/types", url.Values{"name_en": {"Room"}, "service_class_id": {"99999"}})
		wantStatus(t, "a type of an unknown class", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "a type of an unknown class", body, `id="new-types-class-err"`, `value="Room"`)
		classes, _ := e.svc.Classes(ctx)
		premises := classes[len(classes)-1]
		res, _ = admin.post("/catalogue/types", url.Values{"name_en": {"Meeting room"}, "service_class_id": {fmt.Sprint(premises.ID)}})
		wantRedirect(t, "a type", res, "/catalogue#types")
		res, _ = admin.post("/catalogue/problems", url.Values{"name_en": {"Needs cleaning"}, "name_ru": {"Нужна уборка"}})
		wantRedirect(t, "a problem", res, "/catalogue#problems")
		_, body = admin.get("/catalogue")
		wantContains(t, "after creating", body, "Premises &lt;x&gt;", "Meeting room", "Needs cleaning", e.T("assets.catalogue.created"))

		// Rename and move.
		res, _ = admin.post(fmt.Sprintf("/catalogue/types/%d", e.laptop.ID), url.Values{"name_en": {"Notebook"}, "name_ru": {"Ноутбук"}, "service_class_id": {fmt.Sprint(premises.ID)}})
		wantRedirect(t, "rename a type", res, "/catalogue#types")
		if tp, _ := e.svc.TypeWithProblems(ctx, e.laptop.ID); tp.EN != "Notebook" || tp.ClassID != premises.ID {
			t.Fatalf("renamed type: %+v", tp)
		}
		res, body = admin.post(fmt.Sprintf("/catalogue/problems/%d", e.leak.ID), url.Values{"name_en": {strings.Repeat("x", 101)}})
		wantStatus(t, "a long name", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "a long name", body, fmt.Sprintf(`id="problems-%d-name_en-err"`, e.leak.ID), "<details class=\"edit\" open>")
		res, _ = admin.post("/catalogue/classes/99999", url.Values{"name_en": {"x"}})
		wantStatus(t, "rename a missing class", res, "", http.StatusNotFound)

		// Delete: refused with the reason while in use.
		for path, key := range map[string]string{
			fmt.Sprintf("/catalogue/classes/%d/delete", e.it.ID):    "catalogue.class_in_use",
			fmt.Sprintf("/catalogue/types/%d/delete", e.printer.ID): "catalogue.type_in_use",
			fmt.Sprintf("/catalogue/problems/%d/delete", e.jam.ID):  "catalogue.problem_in_use",
		} {
			res, body := admin.post(path, nil)
			wantStatus(t, path, res, body, http.StatusConflict)
			wantContains(t, path, body, e.T(key), "<details class=\"edit\" open>")
		}
		problems, _ := e.svc.Problems(ctx)
		cleaning := problems[len(problems)-1]
		res, _ = admin.post(fmt.Sprintf("/catalogue/problems/%d/delete", cleaning.ID), nil)
		wantRedirect(t, "delete an unused problem", res, "/catalogue#problems")
	})
}

func TestCatalogueOffers(t *testing.T) {
	t.Parallel()
	e := newAssetsEnv(t, testkit.NewDB(t, db.SQLite))
	ctx := context.Background()
	admin := e.client().login("admin@example.com")
	page := fmt.Sprintf("/catalogue/types/%d", e.printer.ID)
	offers := page + "/offers"
	order := func() []string {
		tp, err := e.svc.TypeWithProblems(ctx, e.printer.ID)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, o := range tp.Problems {
			out = append(out, o.EN)
		}
		return out
	}
	res, body := admin.get(page)
	wantStatus(t, "offers", res, body, http.StatusOK)
	wantContains(t, "offers", body, "Out of paper", "Paper jam", "Paper is in the cupboard", fmt.Sprintf(`<option value="%d">Leaking</option>`, e.leak.ID))

	res, _ = admin.post(offers, url.Values{"problem_id": {fmt.Sprint(e.leak.ID)}, "self_help_en": {"Unplug it first."}, "self_help_ru": {"Сначала выключите."}})
	wantRedirect(t, "add", res, page)
	if got := strings.Join(order(), "|"); got != "Out of paper|Paper jam|Leaking" {
		t.Fatalf("after add: %s", got)
	}
	res, body = admin.post(offers, url.Values{"problem_id": {fmt.Sprint(e.leak.ID)}})
	wantStatus(t, "add twice", res, body, http.StatusUnprocessableEntity)
	res, body = admin.post(offers, url.Values{"problem_id": {"99999"}})
	wantStatus(t, "add an unknown problem", res, body, http.StatusUnprocessableEntity)

	res, _ = admin.post(fmt.Sprintf("%s/%d/move", offers, e.leak.ID), url.Values{"dir": {"up"}})
	wantRedirect(t, "move up", res, page)
	res, _ = admin.post(fmt.Sprintf("%s/%d/move", offers, e.paper.ID), url.Values{"dir": {"down"}})
	wantRedirect(t, "move down", res, page)
	if got := strings.Join(order(), "|"); got != "Leaking|Out of paper|Paper jam" {
		t.Fatalf("after moves: %s", got)
	}
	// Moving the first up changes nothing.
	admin.post(fmt.Sprintf("%s/%d/move", offers, e.leak.ID), url.Values{"dir": {"up"}})
	if got := strings.Join(order(), "|"); got != "Leaking|Out of paper|Paper jam" {
		t.Fatalf("after moving the first up: %s", got)
	}
	res, _ = admin.post(fmt.Sprintf("%s/%d", offers, e.jam.ID), url.Values{"self_help_en": {"Open door B <carefully>."}})
	wantRedirect(t, "save self-help", res, page)
	res, body = admin.post(fmt.Sprintf("%s/%d", offers, e.jam.ID), url.Values{"self_help_en": {strings.Repeat("x", 2001)}})
	wantStatus(t, "a long self-help", res, body, http.StatusUnprocessableEntity)
	res, _ = admin.post(fmt.Sprintf("%s/%d/remove", offers, e.paper.ID), nil)
	wantRedirect(t, "remove", res, page)
	if got := strings.Join(order(), "|"); got != "Leaking|Paper jam" {
		t.Fatalf("after remove: %s", got)
	}
	res, _ = admin.post(fmt.Sprintf("%s/%d/remove", offers, e.paper.ID), nil)
	wantStatus(t, "remove what is not offered", res, "", http.StatusNotFound)
	res, _ = admin.post("/catalogue/types/99999/offers", url.Values{"problem_id": {fmt.Sprint(e.leak.ID)}})
	wantStatus(t, "offers of a missing type", res, "", http.StatusNotFound)

	// The device page follows: the new order, the self-help escaped on the problem's page.
	res, body = e.client().login("emp@example.com").get(deviceHref(e.pr))
	wantStatus(t, "device", res, body, http.StatusOK)
	if i, j := strings.Index(body, "Leaking"), strings.Index(body, "Paper jam"); i < 0 || j < i || strings.Contains(body, "Out of paper") {
		t.Error("the device page does not follow the offers")
	}
	_, body = e.client().login("emp@example.com").get(fmt.Sprintf("/a/%s/report?problem=%d", e.pr.Code, e.jam.ID))
	wantContains(t, "self-help", body, "Open door B &lt;carefully&gt;.")
}

// TestCatalogueKeysPerKind checks the keys the catalogue page builds from the kind
// of entry, which the template test cannot see.
func TestCatalogueKeysPerKind(t *testing.T) {
	cat, err := i18n.New("en", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range []string{"classes", "types", "problems"} {
		for _, suffix := range []string{"", "_lead", "_empty", "_new", "_delete_hint"} {
			if key := "assets.catalogue." + kind + suffix; !cat.Has(key) {
				t.Errorf("missing key %s", key)
			}
		}
	}
}
