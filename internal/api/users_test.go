package api_test

import (
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

func TestUsersAdmin(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		ctx := context.Background()
		rootUser := e.user("root@example.com", admin)
		it, err := e.acc.CreateDepartment(ctx, rootUser, users.DepartmentInput{Code: "it", NameEN: "IT"})
		if err != nil {
			t.Fatal(err)
		}
		fac, err := e.acc.CreateDepartment(ctx, rootUser, users.DepartmentInput{Code: "fac", NameEN: "Facilities"})
		if err != nil {
			t.Fatal(err)
		}
		ann := e.user("ann@example.com", employee)
		e.user("ivan.petrov@example.com", []users.Role{users.RoleEmployee, users.RoleExecutor}, "it")
		for i := range 3 {
			e.user(fmt.Sprintf("staff%d@example.com", i), employee)
		}
		root := e.login("root@example.com")

		all := e.do("GET", "/api/v1/users", root, nil).want(200)
		if n := len(all.items()); n != 6 || all.obj["next_cursor"] != nil {
			t.Fatalf("%d users, next %v", n, all.obj["next_cursor"])
		}
		// Pages of two walk through everyone once, in id order.
		var ids []int64
		cursor := ""
		for range 10 {
			page := e.do("GET", "/api/v1/users?limit=2&cursor="+cursor, root, nil).want(200)
			for _, it := range page.items() {
				ids = append(ids, int64(it["id"].(float64)))
			}
			c, _ := page.obj["next_cursor"].(string)
			if c == "" {
				break
			}
			cursor = c
		}
		if len(ids) != 6 {
			t.Errorf("pages gave %v", ids)
		}
		for i := 1; i < len(ids); i++ {
			if ids[i] <= ids[i-1] {
				t.Errorf("pages out of order: %v", ids)
			}
		}
		filters := map[string]string{
			"q=PETROV":                       "ivan.petrov@example.com",
			"role=executor":                  "ivan.petrov@example.com",
			"role=admin":                     "root@example.com",
			path("department_id=%d", it.ID):  "ivan.petrov@example.com",
			path("department_id=%d", fac.ID): "",
			"q=staff&limit=2":                "staff0@example.com,staff1@example.com",
			"active=false":                   "",
			"q=%25":                          "", // LIKE wildcards are literal
		}
		for q, want := range filters {
			res := e.do("GET", "/api/v1/users?"+q, root, nil).want(200)
			var got []string
			for _, it := range res.items() {
				got = append(got, it["email"].(string))
			}
			if strings.Join(got, ",") != want {
				t.Errorf("%s: %v, want %s", q, got, want)
			}
		}
		for q, field := range map[string]string{
			"role=king":                          "role",
			"department_id=x":                    "department_id",
			"active=yes":                         "active",
			"limit=500":                          "limit",
			"cursor=bogus":                       "cursor",
			"cursor=" + encodedCursor("users:x"): "cursor",
			"cursor=" + encodedCursor("departments:1"): "cursor",
			"q=" + strings.Repeat("x", 201):            "q",
		} {
			e.do("GET", "/api/v1/users?"+q, root, nil).wantFieldError(field)
		}

		// Changes: roles, departments, available, active.
		res := e.do("PATCH", path("/api/v1/users/%d", ann.ID), root, map[string]any{
			"roles": []string{"executor", "employee", "executor"}, "department_ids": []int64{fac.ID, it.ID}, "available": false,
		}).want(200)
		if fmt.Sprint(res.obj["roles"]) != "[employee executor]" || len(res.obj["departments"].([]any)) != 2 || res.obj["available"] != false {
			t.Errorf("patched: %s", res.body)
		}
		e.do("PATCH", path("/api/v1/users/%d", ann.ID), root, map[string]any{"department_ids": []int64{it.ID, 999999}}).wantFieldError("department_ids")
		e.do("PATCH", path("/api/v1/users/%d", ann.ID), root, map[string]any{"roles": []string{"king"}}).wantFieldError("roles")
		e.do("PATCH", path("/api/v1/users/%d", ann.ID), root, map[string]any{"roles": []string{}}).wantFieldError("roles")
		e.do("PATCH", path("/api/v1/users/%d", ann.ID), root, map[string]any{"active": "no"}).wantFieldError("active")
		e.do("PATCH", path("/api/v1/users/%d", rootUser.ID), root, map[string]any{"roles": []string{"employee"}}).wantFieldError("roles")
		e.do("PATCH", path("/api/v1/users/%d", rootUser.ID), root, map[string]any{"active": false}).wantFieldError("active")

		// Mass assignment: what the directory owns is refused by name.
		for field, value := range map[string]any{"email": "x@example.com", "full_name": "X", "is_admin": true, "password": "x", "language": "ru", "id": 1} {
			e.do("PATCH", path("/api/v1/users/%d", ann.ID), root, map[string]any{field: value}).wantFieldError(field)
		}
		after, err := e.acc.User(ctx, rootUser, ann.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Email != "ann@example.com" || after.FullName != ann.FullName || after.IsAdmin() || after.Language != "en" {
			t.Errorf("account changed: %+v", after)
		}

		// Unknown and malformed ids are one 404.
		absent := e.do("PATCH", "/api/v1/users/999999", root, map[string]any{"available": true}).want(404)
		for _, p := range []string{"abc", "0", "1e3"} {
			if res := e.do("PATCH", "/api/v1/users/"+p, root, map[string]any{"available": true}).want(404); res.str("detail") != absent.str("detail") {
				t.Errorf("%s: %s", p, res.body)
			}
		}
	})
}

// encodedCursor forges a cursor the way the API makes them.
func encodedCursor(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func TestEmployeeIsForbiddenAdminEndpoints(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		rootUser := e.user("root@example.com", admin)
		dep, err := e.acc.CreateDepartment(context.Background(), rootUser, users.DepartmentInput{Code: "it", NameEN: "IT"})
		if err != nil {
			t.Fatal(err)
		}
		for i, roles := range [][]users.Role{employee, {users.RoleExecutor}, {users.RoleHead, users.RoleExecutor}} {
			email := fmt.Sprintf("person%d@example.com", i)
			u := e.user(email, roles)
			tok := e.login(email)
			for _, c := range []struct {
				method, path string
				body         any
			}{
				{"GET", "/api/v1/users", nil},
				{"GET", "/api/v1/users?role=admin", nil},
				{"PATCH", path("/api/v1/users/%d", u.ID), map[string]any{"roles": []string{"admin"}}},
				{"PATCH", path("/api/v1/users/%d", rootUser.ID), map[string]any{"active": false}},
				{"POST", "/api/v1/departments", map[string]any{"code": "x", "name_en": "X"}},
				{"PATCH", path("/api/v1/departments/%d", dep.ID), map[string]any{"name_en": "X"}},
				{"DELETE", path("/api/v1/departments/%d", dep.ID), nil},
			} {
				if res := e.do(c.method, c.path, tok, c.body); res.status != 403 {
					t.Errorf("%v: %s %s = %d %s", roles, c.method, c.path, res.status, res.body)
				}
			}
			me := e.do("GET", "/api/v1/me", tok, nil).want(200)
			if fmt.Sprint(me.obj["roles"]) == "[employee admin]" {
				t.Errorf("%v became admin", roles)
			}
		}
		if n := e.count("departments"); n != 1 {
			t.Errorf("%d departments", n)
		}
		root, err := e.acc.User(context.Background(), rootUser, rootUser.ID)
		if err != nil || !root.Active {
			t.Errorf("admin deactivated: %v %v", root, err)
		}
	})
}
