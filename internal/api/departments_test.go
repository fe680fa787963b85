package api_test

import (
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

func TestDepartments(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("root@example.com", admin)
		e.user("ann@example.com", employee)
		root, ann := e.login("root@example.com"), e.login("ann@example.com")

		res := e.do("POST", "/api/v1/departments", root, map[string]any{"code": "IT", "name_en": "IT support", "name_ru": "ИТ-поддержка", "telegram_chat_id": "-100123"}).want(201)
		it := res.num("id")
		if res.header.Get("Location") != path("/api/v1/departments/%d", it) || res.str("code") != "it" || res.str("telegram_chat_id") != "-100123" {
			t.Errorf("created: %s %s", res.header.Get("Location"), res.body)
		}
		e.do("POST", "/api/v1/departments", root, map[string]any{"code": "facilities", "name_en": "Facilities"}).want(201)
		e.do("POST", "/api/v1/departments", root, map[string]any{"code": "office", "name_ru": "Офис-менеджмент"}).want(201)

		// name, like every named resource: the name in the request's language; with
		// name_<lang> it must agree.
		sec := e.do("POST", "/api/v1/departments", root, map[string]any{"code": "security", "name": "Охрана", "name_en": "Security"},
			header("Accept-Language", "ru")).want(201)
		if sec.str("name_ru") != "Охрана" || sec.str("name_en") != "Security" || sec.str("name") != "Охрана" {
			t.Errorf("created with name: %s", sec.body)
		}
		if en := e.do("POST", "/api/v1/departments", root, map[string]any{"code": "cleaning", "name": "Cleaning", "name_en": "Cleaning"}).want(201); en.str("name_en") != "Cleaning" || en.str("name_ru") != "" || en.str("name") != "Cleaning" {
			t.Errorf("name and the same name_en: %s", en.body)
		}
		e.do("POST", "/api/v1/departments", root, map[string]any{"code": "x", "name": "A", "name_en": "B"}).wantFieldError("name")
		e.do("POST", "/api/v1/departments", root, map[string]any{"code": "x", "name": "A", "name_ru": "Б"}, header("Accept-Language", "ru")).wantFieldError("name")
		e.do("POST", "/api/v1/departments", root, map[string]any{"code": "x", "name": ""}).wantFieldError("name_en")
		if ren := e.do("PATCH", path("/api/v1/departments/%d", sec.num("id")), root, map[string]any{"name": "Служба безопасности"}, header("Accept-Language", "ru")).want(200); ren.str("name_ru") != "Служба безопасности" || ren.str("name_en") != "Security" {
			t.Errorf("renamed with name: %s", ren.body)
		}
		e.do("PATCH", path("/api/v1/departments/%d", sec.num("id")), root, map[string]any{"name": "A", "name_en": "B"}).wantFieldError("name")
		for _, code := range []string{"security", "cleaning"} {
			var id int64
			if err := d.R.QueryRow("SELECT id FROM departments WHERE code = $1", code).Scan(&id); err != nil {
				t.Fatal(err)
			}
			e.do("DELETE", path("/api/v1/departments/%d", id), root, nil).want(204)
		}

		// Refusals: duplicate, invalid, and fields a department does not have.
		dup := e.do("POST", "/api/v1/departments", root, map[string]any{"code": "it", "name_en": "Again"}).want(409)
		if f := dup.fields(); len(f) != 1 || f[0] != "code" {
			t.Errorf("duplicate: %s", dup.body)
		}
		e.do("POST", "/api/v1/departments", root, map[string]any{"code": "Not a code!", "name_en": "X"}).wantFieldError("code")
		e.do("POST", "/api/v1/departments", root, map[string]any{"code": "x"}).wantFieldError("name_en")
		e.do("POST", "/api/v1/departments", root, map[string]any{"code": "x", "name_en": "X", "telegram_chat_id": "not a chat"}).wantFieldError("telegram_chat_id")
		e.do("POST", "/api/v1/departments", root, map[string]any{"code": "x", "name_en": "X", "id": 99}).wantFieldError("id")

		// Reading: anyone logged in; the name is in the reader's language.
		got := e.do("GET", path("/api/v1/departments/%d", it), ann, nil).want(200)
		if got.str("name") != "IT support" {
			t.Errorf("en name = %q", got.str("name"))
		}
		if ru := e.do("GET", path("/api/v1/departments/%d", it), ann, nil, header("Accept-Language", "ru")).want(200); ru.str("name") != "ИТ-поддержка" {
			t.Errorf("ru name = %q", ru.str("name"))
		}
		list := e.do("GET", "/api/v1/departments", ann, nil).want(200)
		if codes := codesOf(list); codes != "facilities,it,office" || list.obj["next_cursor"] != nil {
			t.Errorf("list: %s, next %v", codes, list.obj["next_cursor"])
		}
		if office := list.items()[2]; office["name"] != "Офис-менеджмент" {
			t.Errorf("a name missing in English falls back to Russian: %v", office)
		}
		// Pages of one: a cursor each time, the last page empty.
		var seen []string
		cursor := ""
		for range 5 {
			page := e.do("GET", "/api/v1/departments?limit=1&cursor="+cursor, ann, nil).want(200)
			seen = append(seen, codesOf(page))
			c, _ := page.obj["next_cursor"].(string)
			if c == "" {
				break
			}
			cursor = c
		}
		if strings.Join(seen, "|") != "facilities|it|office|" {
			t.Errorf("pages: %q", seen)
		}
		for _, q := range []string{"limit=0", "limit=201", "limit=ten", "cursor=bogus", "cursor=" + usersCursor(t, e, root)} {
			e.do("GET", "/api/v1/departments?"+q, ann, nil).want(422)
		}

		// Writing: admins only.
		e.do("POST", "/api/v1/departments", ann, map[string]any{"code": "mine", "name_en": "Mine"}).want(403)
		e.do("PATCH", path("/api/v1/departments/%d", it), ann, map[string]any{"name_en": "Taken over"}).want(403)
		e.do("DELETE", path("/api/v1/departments/%d", it), ann, nil).want(403)

		upd := e.do("PATCH", path("/api/v1/departments/%d", it), root, map[string]any{"name_ru": "Айти"}).want(200)
		if upd.str("name_en") != "IT support" || upd.str("name_ru") != "Айти" || upd.str("telegram_chat_id") != "-100123" || upd.str("code") != "it" {
			t.Errorf("partial update: %s", upd.body)
		}
		if cleared := e.do("PATCH", path("/api/v1/departments/%d", it), root, map[string]any{"telegram_chat_id": nil}).want(200); cleared.obj["telegram_chat_id"] != nil {
			t.Errorf("null did not clear the chat: %s", cleared.body)
		}
		e.do("PATCH", path("/api/v1/departments/%d", it), root, map[string]any{"code": "new"}).wantFieldError("code")
		e.do("PATCH", path("/api/v1/departments/%d", it), root, map[string]any{"name_en": "", "name_ru": ""}).wantFieldError("name_en")
		e.do("PATCH", path("/api/v1/departments/%d", it), root, map[string]any{"telegram_chat_id": 5}).wantFieldError("telegram_chat_id")

		// A department with people in it cannot go.
		e.user("exec@example.com", employee, "it")
		e.do("DELETE", path("/api/v1/departments/%d", it), root, nil).want(409)
		fac := list.items()[0]["id"].(float64)
		e.do("DELETE", path("/api/v1/departments/%d", int64(fac)), root, nil).want(204)
		e.do("DELETE", path("/api/v1/departments/%d", int64(fac)), root, nil).want(404)

		// Absent and malformed ids are one 404, for reads and writes alike.
		absent := e.do("GET", path("/api/v1/departments/%d", int64(fac)), ann, nil).want(404)
		for _, p := range []string{"999999", "abc", "0", "-1", "1.5", "99999999999999999999"} {
			for _, m := range []string{"GET", "PATCH", "DELETE"} {
				var body any
				if m == "PATCH" {
					body = map[string]any{"name_en": "X"}
				}
				res := e.do(m, "/api/v1/departments/"+p, root, body).want(404)
				if res.str("detail") != absent.str("detail") {
					t.Errorf("%s %s: %q vs %q", m, p, res.str("detail"), absent.str("detail"))
				}
			}
		}
	})
}

func codesOf(r *result) string {
	var codes []string
	for _, it := range r.items() {
		codes = append(codes, it["code"].(string))
	}
	return strings.Join(codes, ",")
}

// usersCursor is a cursor of another list, which the departments list must refuse.
func usersCursor(t *testing.T, e *env, adminToken string) string {
	t.Helper()
	c, _ := e.do("GET", "/api/v1/users?limit=1", adminToken, nil).want(200).obj["next_cursor"].(string)
	if c == "" {
		t.Fatal("no users cursor")
	}
	return c
}
