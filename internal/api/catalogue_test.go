package api_test

import (
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestCatalogue covers service classes, service types, problem types and what
// each type offers: admins write, everyone logged in reads.
func TestCatalogue(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("root@example.com", admin)
		e.user("ann@example.com", employee)
		root, ann := e.login("root@example.com"), e.login("ann@example.com")

		// Classes: create (with the name shortcut in the request's language), read, rename.
		it := e.do("POST", "/api/v1/service-classes", root, map[string]any{"name_en": "IT equipment", "name_ru": "ИТ-оборудование"}).want(201)
		itID := it.num("id")
		if it.header.Get("Location") != path("/api/v1/service-classes/%d", itID) || it.str("name") != "IT equipment" {
			t.Errorf("created class: %s %s", it.header.Get("Location"), it.body)
		}
		kitchen := e.do("POST", "/api/v1/service-classes", root, map[string]any{"name": "Кухня"}, header("Accept-Language", "ru")).want(201)
		if kitchen.str("name_ru") != "Кухня" || kitchen.str("name_en") != "" {
			t.Errorf("shortcut name: %s", kitchen.body)
		}
		kitchenID := kitchen.num("id")
		e.do("POST", "/api/v1/service-classes", root, map[string]any{}).wantFieldError("name_en")
		e.do("POST", "/api/v1/service-classes", root, map[string]any{"name": "A", "name_en": "B"}).wantFieldError("name")
		e.do("POST", "/api/v1/service-classes", root, map[string]any{"name_en": "X", "id": 5}).wantFieldError("id")
		if ru := e.do("GET", path("/api/v1/service-classes/%d", itID), ann, nil, header("Accept-Language", "ru")).want(200); ru.str("name") != "ИТ-оборудование" {
			t.Errorf("ru name: %s", ru.body)
		}
		upd := e.do("PATCH", path("/api/v1/service-classes/%d", kitchenID), root, map[string]any{"name_en": "Kitchen"}).want(200)
		if upd.str("name_en") != "Kitchen" || upd.str("name_ru") != "Кухня" {
			t.Errorf("partial rename: %s", upd.body)
		}
		classes := e.do("GET", "/api/v1/service-classes?limit=1", ann, nil).want(200)
		next, _ := classes.obj["next_cursor"].(string)
		if len(classes.items()) != 1 || next == "" {
			t.Fatalf("first page: %s", classes.body)
		}
		if rest := e.do("GET", "/api/v1/service-classes?cursor="+next, ann, nil).want(200); len(rest.items()) != 1 || rest.items()[0]["name"] != "Kitchen" {
			t.Errorf("second page: %s", rest.body)
		}
		e.do("GET", "/api/v1/service-classes?cursor="+usersCursor(t, e, root), ann, nil).wantFieldError("cursor")

		// Problem types: the shared vocabulary.
		var problems []int64
		for _, n := range []string{"Out of paper", "Paper jam", "Leaking"} {
			problems = append(problems, e.do("POST", "/api/v1/problem-types", root, map[string]any{"name_en": n}).want(201).num("id"))
		}
		if got := e.do("PATCH", path("/api/v1/problem-types/%d", problems[2]), root, map[string]any{"name_ru": "Течёт"}).want(200); got.str("name_en") != "Leaking" {
			t.Errorf("problem rename: %s", got.body)
		}
		if list := e.do("GET", "/api/v1/problem-types", ann, nil).want(200); len(list.items()) != 3 {
			t.Errorf("problem list: %s", list.body)
		}
		e.do("GET", path("/api/v1/problem-types/%d", problems[0]), ann, nil).want(200)

		// Service types and their offered problem types, in order.
		printer := e.do("POST", "/api/v1/service-types", root, map[string]any{"name_en": "Printer", "service_class_id": itID}).want(201)
		printerID := printer.num("id")
		if printer.obj["service_class"].(map[string]any)["name"] != "IT equipment" || len(printer.obj["problem_types"].([]any)) != 0 {
			t.Errorf("created type: %s", printer.body)
		}
		e.do("POST", "/api/v1/service-types", root, map[string]any{"name_en": "Ghost", "service_class_id": 999999}).wantFieldError("service_class_id")
		e.do("POST", "/api/v1/service-types", root, map[string]any{"name_en": "Toaster", "service_class_id": kitchenID}).want(201)

		offers := []map[string]any{
			{"problem_type_id": problems[1], "self_help": "Open the front cover."},
			{"problem_type_id": problems[0], "self_help_en": "The paper is under the printer.", "self_help_ru": "Бумага под принтером."},
		}
		set := e.do("PUT", path("/api/v1/service-types/%d/problem-types", printerID), root, offers).want(200)
		got := set.obj["problem_types"].([]any)
		if len(got) != 2 || got[0].(map[string]any)["name"] != "Paper jam" || got[1].(map[string]any)["self_help"] != "The paper is under the printer." ||
			got[0].(map[string]any)["self_help_en"] != "Open the front cover." {
			t.Errorf("offers: %s", set.body)
		}
		ru := e.do("GET", path("/api/v1/service-types/%d", printerID), ann, nil, header("Accept-Language", "ru")).want(200)
		if p := ru.obj["problem_types"].([]any)[1].(map[string]any); p["self_help"] != "Бумага под принтером." {
			t.Errorf("ru self-help: %v", p)
		}
		unknown := e.do("PUT", path("/api/v1/service-types/%d/problem-types", printerID), root,
			[]map[string]any{{"problem_type_id": problems[0]}, {"problem_type_id": 999999}}).wantFieldError("[1].problem_type_id")
		if len(unknown.fields()) != 1 {
			t.Errorf("unknown problem: %s", unknown.body)
		}
		e.do("PUT", path("/api/v1/service-types/%d/problem-types", printerID), root,
			[]map[string]any{{"problem_type_id": problems[0]}, {"problem_type_id": problems[2]}, {"problem_type_id": problems[0]}}).wantFieldError("[2].problem_type_id")
		e.do("PUT", path("/api/v1/service-types/%d/problem-types", printerID), root, []map[string]any{{"problem_type_id": problems[0], "code": "x"}}).wantFieldError("code")
		e.do("PUT", path("/api/v1/service-types/%d/problem-types", printerID), root, map[string]any{"problem_type_id": problems[0]}).want(400)
		e.do("PUT", "/api/v1/service-types/999999/problem-types", root, offers).want(404)
		// The refused changes left the list as it was.
		if again := e.do("GET", path("/api/v1/service-types/%d", printerID), ann, nil).want(200); len(again.obj["problem_types"].([]any)) != 2 {
			t.Errorf("after refusals: %s", again.body)
		}

		types := e.do("GET", path("/api/v1/service-types?service_class_id=%d", itID), ann, nil).want(200)
		if len(types.items()) != 1 || types.items()[0]["name"] != "Printer" {
			t.Errorf("types of a class: %s", types.body)
		}
		e.do("GET", "/api/v1/service-types?service_class_id=abc", ann, nil).wantFieldError("service_class_id")
		moved := e.do("PATCH", path("/api/v1/service-types/%d", printerID), root, map[string]any{"service_class_id": kitchenID}).want(200)
		if moved.num("service_class_id") != kitchenID || moved.str("name_en") != "Printer" || len(moved.obj["problem_types"].([]any)) != 2 {
			t.Errorf("moved type: %s", moved.body)
		}

		// Employees read but never write.
		e.do("POST", "/api/v1/service-classes", ann, map[string]any{"name_en": "Mine"}).want(403)
		e.do("PATCH", path("/api/v1/service-classes/%d", itID), ann, map[string]any{"name_en": "Mine"}).want(403)
		e.do("DELETE", path("/api/v1/service-classes/%d", itID), ann, nil).want(403)
		e.do("POST", "/api/v1/service-types", ann, map[string]any{"name_en": "Mine", "service_class_id": itID}).want(403)
		e.do("PATCH", path("/api/v1/service-types/%d", printerID), ann, map[string]any{"name_en": "Mine"}).want(403)
		e.do("DELETE", path("/api/v1/service-types/%d", printerID), ann, nil).want(403)
		e.do("PUT", path("/api/v1/service-types/%d/problem-types", printerID), ann, offers).want(403)
		e.do("POST", "/api/v1/problem-types", ann, map[string]any{"name_en": "Mine"}).want(403)
		e.do("PATCH", path("/api/v1/problem-types/%d", problems[0]), ann, map[string]any{"name_en": "Mine"}).want(403)
		e.do("DELETE", path("/api/v1/problem-types/%d", problems[0]), ann, nil).want(403)
		e.do("GET", "/api/v1/service-types", "", nil).want(401)

		// Deleting what something refers to is refused; the rest goes.
		e.do("DELETE", path("/api/v1/service-classes/%d", kitchenID), root, nil).want(409)
		e.do("DELETE", path("/api/v1/problem-types/%d", problems[0]), root, nil).want(409)
		e.do("DELETE", path("/api/v1/service-classes/%d", itID), root, nil).want(204)
		e.do("DELETE", path("/api/v1/problem-types/%d", problems[2]), root, nil).want(204)
		gone := e.do("GET", path("/api/v1/problem-types/%d", problems[2]), ann, nil).want(404)
		for _, p := range []string{"service-classes/999999", "service-types/999999", "problem-types/abc", "service-types/0"} {
			for _, m := range []string{"GET", "PATCH", "DELETE"} {
				var body any
				if m == "PATCH" {
					body = map[string]any{"name_en": "X"}
				}
				if res := e.do(m, "/api/v1/"+p, root, body).want(404); res.str("detail") != gone.str("detail") {
					t.Errorf("%s %s: %s", m, p, res.body)
				}
			}
		}
		if !strings.Contains(gone.header.Get("Content-Type"), "problem+json") {
			t.Errorf("404 as %q", gone.header.Get("Content-Type"))
		}
	})
}
