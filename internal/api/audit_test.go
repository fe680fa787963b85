package api_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
)

// TestAuditTrail: changes made through the API are in GET /api/v1/audit for an
// administrator, with before and after as JSON, filtered and paged; anyone else is
// refused and bad filters are field errors.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.user("root@example.com", admin)
		ann := e.user("ann@example.com", employee)
		root := e.login("root@example.com")
		start := time.Now().Add(-time.Minute).UTC().Format(time.RFC3339)

		e.do("POST", "/api/v1/departments", root, map[string]any{"code": "it", "name_en": "IT"}).want(201)
		e.do("PATCH", fmt.Sprintf("/api/v1/users/%d", ann.ID), root, map[string]any{"available": false}).want(200)
		e.do("POST", "/api/v1/service-classes", root, map[string]any{"name_en": "Lamps"}).want(201)

		all := e.do("GET", "/api/v1/audit", root, nil).want(200)
		items := all.items()
		// The two accounts made at the console come first (no actor), then the admin's three changes.
		if len(items) != 5 || all.obj["next_cursor"] != nil || items[3]["kind"] != "user.created" || items[4]["actor_id"] != nil {
			t.Fatalf("%d entries: %v", len(items), items)
		}
		if k := items[0]["kind"]; k != "catalogue.created" {
			t.Errorf("newest first: %v", k)
		}
		user := items[1]
		before, _ := user["before"].(map[string]any)
		after, _ := user["after"].(map[string]any)
		if user["kind"] != "user.updated" || before["available"] != true || after["available"] != false || user["actor_email"] != "root@example.com" {
			t.Errorf("the availability change: %v", user)
		}
		if items[2]["before"] != nil || items[2]["after"] == nil {
			t.Errorf("a creation has no before: %v", items[2])
		}

		if got := e.do("GET", "/api/v1/audit?kind=department.", root, nil).want(200).items(); len(got) != 1 {
			t.Errorf("kind family: %v", got)
		}
		if got := e.do("GET", "/api/v1/audit?actor=ann@example.com", root, nil).want(200).items(); len(got) != 0 {
			t.Errorf("ann changed nothing: %v", got)
		}
		if got := e.do("GET", "/api/v1/audit?to="+url.QueryEscape(start), root, nil).want(200).items(); len(got) != 0 {
			t.Errorf("nothing before the start: %v", got)
		}
		page := e.do("GET", "/api/v1/audit?limit=2", root, nil).want(200)
		c, _ := page.obj["next_cursor"].(string)
		if len(page.items()) != 2 || c == "" {
			t.Fatalf("first page: %v", page.obj)
		}
		mid := e.do("GET", "/api/v1/audit?limit=2&cursor="+url.QueryEscape(c), root, nil).want(200)
		c, _ = mid.obj["next_cursor"].(string)
		if len(mid.items()) != 2 || c == "" {
			t.Fatalf("second page: %v", mid.obj)
		}
		rest := e.do("GET", "/api/v1/audit?limit=2&cursor="+url.QueryEscape(c), root, nil).want(200)
		if len(rest.items()) != 1 || rest.obj["next_cursor"] != nil {
			t.Fatalf("third page: %v", rest.obj)
		}

		e.do("GET", "/api/v1/audit?kind=nonsense", root, nil).wantFieldError("kind")
		e.do("GET", "/api/v1/audit?from=yesterday", root, nil).wantFieldError("from")
		e.do("GET", "/api/v1/audit?cursor=zzz", root, nil).wantFieldError("cursor")
		e.do("GET", "/api/v1/audit", e.login("ann@example.com"), nil).want(403)
		e.do("GET", "/api/v1/audit", "", nil).want(401)
	})
}
