package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"smartservice/internal/assets"
	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

func TestAssetFormsAccess(t *testing.T) {
	t.Parallel()
	e := newAssetsEnv(t, testkit.NewDB(t, db.SQLite))
	anon, emp, admin := e.client(), e.client().login("emp@example.com"), e.client().login("admin@example.com")
	for _, path := range []string{"/assets/new", idPath(e.pr.ID, "/edit"), "/catalogue", fmt.Sprintf("/catalogue/types/%d", e.printer.ID)} {
		res, _ := anon.get(path)
		wantRedirect(t, "anonymous GET "+path, res, "/login?next="+url.QueryEscape(path))
		res, body := emp.get(path)
		wantStatus(t, "employee GET "+path, res, body, http.StatusForbidden)
		res, body = admin.get(path)
		wantStatus(t, "admin GET "+path, res, body, http.StatusOK)
	}
	res, _ := admin.get(idPath(e.pr.ID, ""))
	wantRedirect(t, "GET /assets/{id}", res, idPath(e.pr.ID, "/edit"))

	form := url.Values{"name": {"Evil"}, "service_type_id": {fmt.Sprint(e.printer.ID)}, "confirm": {"yes"}, "archived": {"yes"}}
	for _, path := range []string{"/assets", idPath(e.pr.ID, ""), idPath(e.pr.ID, "/archive"), idPath(e.pr.ID, "/delete"), idPath(e.pr.ID, "/reissue"),
		"/catalogue/classes", fmt.Sprintf("/catalogue/types/%d/offers", e.printer.ID),
		fmt.Sprintf("/catalogue/types/%d/offers/%d/remove", e.printer.ID, e.paper.ID)} {
		res, body := emp.post(path, form)
		wantStatus(t, "employee POST "+path, res, body, http.StatusForbidden)
		res, _ = anon.post(path, form)
		wantRedirect(t, "anonymous POST "+path, res, "/login?next=%2F")
	}
	// With an owner's e-mail the account search refuses first, the same way.
	form.Set("owner_email", "owner@example.com")
	res, body := emp.post("/assets", form)
	wantStatus(t, "employee POST with an owner", res, body, http.StatusForbidden)
	if got := e.asset(e.pr.ID); got.Name != e.pr.Name || got.Code != e.pr.Code || got.Archived {
		t.Fatalf("an employee changed the device: %+v", got)
	}
	if p, _ := e.svc.List(context.Background(), e.admin, assets.Filter{Q: "evil"}); p.Total != 0 {
		t.Fatal("an employee added a device")
	}
	for _, path := range []string{"/assets/abc/edit", "/assets/0/edit", "/assets/99999/edit"} {
		res, body := admin.get(path)
		wantStatus(t, "admin GET "+path, res, body, http.StatusNotFound)
	}
}

func TestAssetCreateEditArchiveDelete(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAssetsEnv(t, d)
		admin := e.client().login("admin@example.com")
		res, body := admin.get("/assets/new")
		wantStatus(t, "the form", res, body, http.StatusOK)
		wantContains(t, "the form", body, `<optgroup label="IT equipment">`, fmt.Sprintf(`<option value="%d">Laptop</option>`, e.laptop.ID),
			`<optgroup label="Kitchen">`, `name="owner_email"`, `name="instructions"`)

		// Bad input: a field-level message for each field, the values kept.
		res, body = admin.post("/assets", url.Values{"name": {"  "}, "service_type_id": {"99999"}, "inventory_number": {"INV-001"},
			"building": {strings.Repeat("x", 201)}, "room": {"<i>room</i>"}})
		wantStatus(t, "bad input", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "bad input", body, e.T("error.invalid_input"), `id="name-err"`, `id="type-err"`, `id="building-err"`,
			`value="INV-001"`, `value="&lt;i&gt;room&lt;/i&gt;"`)
		res, body = admin.post("/assets", url.Values{"name": {"Dup"}, "service_type_id": {fmt.Sprint(e.printer.ID)}, "inventory_number": {"INV-001"}})
		wantStatus(t, "a duplicate inventory number", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "a duplicate inventory number", body, `id="inv-err"`)
		res, body = admin.post("/assets", url.Values{"name": {"Laptop"}, "service_type_id": {fmt.Sprint(e.laptop.ID)}, "owner_email": {"nobody@example.com"}})
		wantStatus(t, "an unknown owner", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "an unknown owner", body, `id="owner-err"`, e.T("assets.owner_unknown"), `value="nobody@example.com"`)

		// A good one: the edit page with its code, QR and label.
		res, _ = admin.post("/assets", url.Values{"name": {"Ноутбук <Евы>"}, "service_type_id": {fmt.Sprint(e.laptop.ID)}, "inventory_number": {"NB-8"},
			"building": {"A"}, "floor": {"2"}, "room": {"214"}, "instructions": {"Charger: https://wiki.example/charger\r\nline two"},
			"owner_email": {"EMP@example.com"}})
		loc := res.Header.Get("Location")
		m := regexp.MustCompile(`^/assets/(\d+)/edit$`).FindStringSubmatch(loc)
		if res.StatusCode != http.StatusSeeOther || m == nil {
			t.Fatalf("create: %d to %q", res.StatusCode, loc)
		}
		id, _ := strconv.ParseInt(m[1], 10, 64)
		a := e.asset(id)
		if a.Name != "Ноутбук <Евы>" || a.OwnerID != e.emp.ID || a.Instructions != "Charger: https://wiki.example/charger\nline two" || a.Location.Room != "214" {
			t.Fatalf("stored: %+v", a)
		}
		res, body = admin.get(loc)
		wantStatus(t, "the edit page", res, body, http.StatusOK)
		wantContains(t, "the edit page", body, e.T("assets.created"), "Ноутбук &lt;Евы&gt;", assets.ShortCode(a.Code), idPath(id, "/qr.svg"),
			idPath(id, "/label.pdf"), `value="emp@example.com"`, deviceHref(a))
		// The owner sees it, the colleague does not.
		res, _ = e.client().login("emp@example.com").get(deviceHref(a))
		wantStatus(t, "the owner", res, "", http.StatusOK)
		res, _ = e.client().login("owner@example.com").get(deviceHref(a))
		wantStatus(t, "a colleague", res, "", http.StatusNotFound)

		// Edit: moved, renamed, no owner; the code stays.
		res, _ = admin.post(idPath(id, ""), url.Values{"name": {"Loaner laptop"}, "service_type_id": {fmt.Sprint(e.laptop.ID)}, "building": {"B"}})
		wantRedirect(t, "update", res, idPath(id, "/edit"))
		if got := e.asset(id); got.Name != "Loaner laptop" || got.OwnerID != 0 || got.Code != a.Code || got.Location.Building != "B" || got.InventoryNumber != "" {
			t.Fatalf("after the update: %+v", got)
		}
		res, body = admin.post(idPath(id, ""), url.Values{"name": {""}, "service_type_id": {fmt.Sprint(e.laptop.ID)}})
		wantStatus(t, "a bad update", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "a bad update", body, `id="name-err"`, assets.ShortCode(a.Code))
		res, _ = admin.post(idPath(99999, ""), url.Values{"name": {"x"}, "service_type_id": {fmt.Sprint(e.laptop.ID)}})
		wantStatus(t, "update of a missing device", res, "", http.StatusNotFound)

		// Retire and bring back.
		res, _ = admin.post(idPath(id, "/archive"), url.Values{"archived": {"yes"}})
		wantRedirect(t, "archive", res, idPath(id, "/edit"))
		if !e.asset(id).Archived {
			t.Fatal("not archived")
		}
		_, body = admin.get(idPath(id, "/edit"))
		wantContains(t, "retired", body, e.T("assets.archived_notice"), e.T("assets.restore"))
		res, _ = admin.post(idPath(id, "/archive"), url.Values{"archived": {"no"}})
		wantRedirect(t, "restore", res, idPath(id, "/edit"))
		if e.asset(id).Archived {
			t.Fatal("not restored")
		}

		// Delete.
		res, _ = admin.post(idPath(id, "/delete"), nil)
		wantRedirect(t, "delete", res, "/assets")
		res, _ = admin.get(idPath(id, "/edit"))
		wantStatus(t, "the deleted device", res, "", http.StatusNotFound)
		_, body = admin.get("/assets")
		wantContains(t, "after the delete", body, e.T("assets.deleted"))
		res, _ = admin.post(idPath(id, "/delete"), nil)
		wantStatus(t, "delete again", res, "", http.StatusNotFound)
	})
}

func TestAssetDeleteRefusedWhileReferenced(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAssetsEnv(t, d)
		// Tickets will refer to devices; a stand-in table does until they do.
		if _, err := d.W.Exec("CREATE TABLE test_device_refs (asset_id BIGINT NOT NULL REFERENCES assets (id))"); err != nil {
			t.Fatal(err)
		}
		if _, err := d.W.Exec("INSERT INTO test_device_refs (asset_id) VALUES ($1)", e.pr.ID); err != nil {
			t.Fatal(err)
		}
		admin := e.client().login("admin@example.com")
		res, body := admin.post(idPath(e.pr.ID, "/delete"), nil)
		wantStatus(t, "delete a referenced device", res, body, http.StatusConflict)
		wantContains(t, "delete a referenced device", body, e.T("catalogue.asset_in_use"), e.T("assets.archive"))
		if e.asset(e.pr.ID) == nil {
			t.Fatal("gone")
		}
	})
}
