package api_test

import (
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/i18n"
	"smartservice/internal/testkit"
)

// TestInvalidUTF8Refused: a JSON body with bytes that are not UTF-8 is a 400
// problem with a translated message, and nothing is stored (encoding/json alone
// would store U+FFFD and answer 201).
func TestInvalidUTF8Refused(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("root@example.com", admin)
		root := e.login("root@example.com")
		cat, err := i18n.New("en", nil)
		if err != nil {
			t.Fatal(err)
		}
		en, rus := cat.For("en"), cat.For("ru")
		for _, c := range []struct{ path, body string }{
			{"/api/v1/departments", "{\"code\": \"cafe\", \"name_en\": \"Caf\xe9\"}"},
			{"/api/v1/service-classes", "{\"name_en\": \"\xff\xfe\"}"},
			{"/api/v1/problem-types", "{\"name_ru\": \"Течёт\xd0\"}"},    // a cut two-byte letter
			{"/api/v1/problem-types", `{"name_en": "lone \ud800 half"}`}, // escaped: half a UTF-16 pair
			{"/api/v1/problem-types", `{"name_en": "\udc00"}`},           // the low half alone
			{"/api/v1/problem-types", `{"name_en": "\ud83d\u0041"}`},     // a high half before a letter
			{"/api/v1/problem-types", `{"name_en": "x\\\ud800"}`},        // a backslash, then a half
		} {
			res := e.do("POST", c.path, root, []byte(c.body)).want(400)
			if ct := res.header.Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("%s: content type %q", c.path, ct)
			}
			if res.str("detail") != en.T("jsonbody.not_utf8") {
				t.Errorf("%s: detail %q", c.path, res.str("detail"))
			}
			ru := e.do("POST", c.path, root, []byte(c.body), header("Accept-Language", "ru")).want(400)
			if ru.str("detail") != rus.T("jsonbody.not_utf8") || ru.str("detail") == res.str("detail") {
				t.Errorf("%s: Russian detail %q", c.path, ru.str("detail"))
			}
			if list := e.do("GET", c.path, root, nil).want(200); len(list.items()) != 0 {
				t.Errorf("%s: stored %v", c.path, list.items())
			}
		}
		// The same bodies in valid UTF-8 are fine, and so are a whole escaped pair and
		// an escaped backslash before the letters "ud800".
		e.do("POST", "/api/v1/departments", root, []byte("{\"code\": \"cafe\", \"name_en\": \"Café\"}")).want(201)
		if p := e.do("POST", "/api/v1/problem-types", root, []byte(`{"name_en": "ok \ud83d\ude00 \\ud800"}`)).want(201); p.str("name_en") != "ok 😀 \\ud800" {
			t.Errorf("stored %q", p.str("name_en"))
		}
	})
}
