package users_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

func init() {
	dbCases = append(dbCases, dbCase{"RolesActionsMatrix", testRolesActionsMatrix})
	dbCases = append(dbCases, dbCase{"UpdateUser", testUpdateUser})
	dbCases = append(dbCases, dbCase{"DeactivationKillsEverything", testDeactivationKillsEverything})
	dbCases = append(dbCases, dbCase{"DepartmentsAdmin", testDepartmentsAdmin})
	dbCases = append(dbCases, dbCase{"ListUsers", testListUsers})
}

// testRolesActionsMatrix runs every admin action as each role (and as nobody): only
// an admin may, the others get Forbidden (or NotFound where the action hides what
// exists), nobody gets Unauthenticated, and a refused action changes nothing.
func testRolesActionsMatrix(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	it := e.mkDept("it")
	spare := e.mkDept("spare")
	actors := []struct {
		name  string
		actor *users.User
	}{
		{"nobody", nil},
		{"employee", e.mkUser("employee@example.com", users.RoleEmployee)},
		{"executor", e.mkUserIn("executor@example.com", []string{"it"}, users.RoleEmployee, users.RoleExecutor)},
		{"head", e.mkUserIn("head@example.com", []string{"it"}, users.RoleEmployee, users.RoleHead)},
		{"all but admin", e.mkUserIn("busy@example.com", []string{"it"}, users.RoleEmployee, users.RoleExecutor, users.RoleHead)},
		{"admin", e.mkUser("admin@example.com", users.RoleAdmin)},
	}
	target := e.mkUser("target@example.com")
	type action struct {
		name   string
		denied apperr.Code // what a logged-in non-admin gets
		run    func(a *users.User) error
	}
	actions := []action{
		{"ListUsers", apperr.Forbidden, func(a *users.User) error {
			list, err := e.svc.ListUsers(ctx, a, users.UserFilter{})
			if err == nil && len(list) != 6 {
				return fmt.Errorf("listed %d users", len(list))
			}
			return err
		}},
		{"UpdateUser", apperr.Forbidden, func(a *users.User) error {
			_, err := e.svc.UpdateUser(ctx, a, target.ID, users.UserPatch{Available: ptr(false), Roles: &[]users.Role{users.RoleAdmin}})
			return err
		}},
		{"CreateDepartment", apperr.Forbidden, func(a *users.User) error {
			_, err := e.svc.CreateDepartment(ctx, a, users.DepartmentInput{Code: "new", NameEN: "New"})
			return err
		}},
		{"UpdateDepartment", apperr.Forbidden, func(a *users.User) error {
			_, err := e.svc.UpdateDepartment(ctx, a, it.ID, users.DepartmentInput{NameEN: "Renamed"})
			return err
		}},
		{"DeleteDepartment", apperr.Forbidden, func(a *users.User) error {
			return e.svc.DeleteDepartment(ctx, a, spare.ID)
		}},
		{"RequestLeaversCheck", apperr.Forbidden, func(a *users.User) error {
			return e.svc.RequestLeaversCheck(ctx, a)
		}},
		{"User(other)", apperr.NotFound, func(a *users.User) error {
			u, err := e.svc.User(ctx, a, target.ID)
			if err == nil && u.ID != target.ID {
				return fmt.Errorf("got user %d", u.ID)
			}
			return err
		}},
	}
	for _, ac := range actors {
		for _, a := range actions {
			err := a.run(ac.actor)
			var want apperr.Code
			switch ac.name {
			case "admin":
				if err != nil {
					t.Errorf("admin %s: %v", a.name, err)
				}
				continue
			case "nobody":
				want = apperr.Unauthenticated
			default:
				want = a.denied
			}
			if ae := apperr.As(err); ae == nil || ae.Code != want {
				t.Errorf("%s %s: got %v, want %s", ac.name, a.name, err, want)
			}
		}
		if ac.name == "admin" {
			continue
		}
		// Nothing changed by the refused attempts.
		tu := e.reload(target.ID)
		if !tu.Available || slices.Contains(tu.Roles, users.RoleAdmin) {
			t.Fatalf("%s changed the target: %+v", ac.name, tu)
		}
		if n := e.count("SELECT COUNT(*) FROM departments WHERE code IN ('spare', 'it')"); n != 2 {
			t.Fatalf("%s deleted a department", ac.name)
		}
		if n := e.count("SELECT COUNT(*) FROM departments WHERE code = 'new' OR name_en = 'Renamed'"); n != 0 {
			t.Fatalf("%s created or renamed a department", ac.name)
		}
		if n := e.count("SELECT COUNT(*) FROM river_job"); n != 0 {
			t.Fatalf("%s queued a job", ac.name)
		}
	}
	// What the admin did took effect.
	if tu := e.reload(target.ID); tu.Available || !slices.Contains(tu.Roles, users.RoleAdmin) {
		t.Errorf("admin's update not applied: %+v", tu)
	}
	if n := e.count("SELECT COUNT(*) FROM departments WHERE code = 'spare'"); n != 0 {
		t.Error("admin's delete not applied")
	}
	if n := e.count("SELECT COUNT(*) FROM departments WHERE code = 'new'"); n != 1 {
		t.Error("admin's create not applied")
	}
	if n := e.count("SELECT COUNT(*) FROM departments WHERE code = 'it' AND name_en = 'Renamed'"); n != 1 {
		t.Error("admin's rename not applied")
	}
	if n := e.count("SELECT COUNT(*) FROM river_job WHERE kind = 'users_leavers_check'"); n != 1 {
		t.Errorf("%d leavers jobs queued", n)
	}
	// "Run now" twice while one is queued queues one.
	ok(t, e.svc.RequestLeaversCheck(ctx, actors[len(actors)-1].actor))
	if n := e.count("SELECT COUNT(*) FROM river_job WHERE kind = 'users_leavers_check'"); n != 1 {
		t.Errorf("%d leavers jobs queued after a second request", n)
	}

	// Everyone logged in sees themselves and reads departments; nobody does not.
	for _, ac := range actors[1:] {
		u, err := e.svc.User(ctx, ac.actor, ac.actor.ID)
		if err != nil || u.ID != ac.actor.ID {
			t.Errorf("%s reading themselves: %v", ac.name, err)
		}
		if _, err := e.svc.Department(ctx, ac.actor, it.ID); err != nil {
			t.Errorf("%s reading a department: %v", ac.name, err)
		}
	}
	_, err := e.svc.Department(ctx, nil, it.ID)
	wantCode(t, err, apperr.Unauthenticated, "login.required")
	_, err = e.svc.Department(ctx, actors[1].actor, it.ID+1000)
	wantCode(t, err, apperr.NotFound, "error.not_found")
	_, err = e.svc.User(ctx, actors[len(actors)-1].actor, target.ID+1000)
	wantCode(t, err, apperr.NotFound, "error.not_found")
}

func testUpdateUser(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	it := e.mkDept("it")
	cleaning := e.mkDept("cleaning")
	admin := e.mkUser("admin@example.com", users.RoleEmployee, users.RoleAdmin)
	other := e.mkUser("other.admin@example.com", users.RoleAdmin)
	anna := e.mkUser("anna@example.com")

	_, err := e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{Roles: &[]users.Role{}})
	wantField(t, err, "roles", "validation.roles_empty")
	_, err = e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{Roles: &[]users.Role{users.RoleEmployee, "superadmin"}})
	wantField(t, err, "roles", "validation.role_unknown")
	_, err = e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{Roles: &[]users.Role{"Admin"}})
	wantField(t, err, "roles", "validation.role_unknown")
	// An unknown department fails the whole patch: the roles in it are not applied either.
	_, err = e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{Roles: &[]users.Role{users.RoleExecutor}, DepartmentIDs: &[]int64{it.ID, it.ID + 1000}})
	wantField(t, err, "departments", "validation.department_unknown")
	if u := e.reload(anna.ID); !slices.Equal(roleNames(u), []string{"employee"}) || len(u.Departments) != 0 {
		t.Errorf("a refused patch was partly applied: %v %v", roleNames(u), deptCodes(u))
	}
	_, err = e.svc.UpdateUser(ctx, admin, anna.ID+1000, users.UserPatch{Available: ptr(false)})
	wantCode(t, err, apperr.NotFound, "error.not_found")

	u, err := e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{
		Roles:         &[]users.Role{users.RoleExecutor, users.RoleEmployee, users.RoleExecutor},
		DepartmentIDs: &[]int64{cleaning.ID, it.ID, cleaning.ID},
		Available:     ptr(false),
	})
	ok(t, err)
	if !slices.Equal(roleNames(u), []string{"employee", "executor"}) || !slices.Equal(deptCodes(u), []string{"cleaning", "it"}) || u.Available || !u.Active {
		t.Errorf("after the patch: %v %v available=%v active=%v", roleNames(u), deptCodes(u), u.Available, u.Active)
	}
	// nil fields stay; empty departments clear them.
	u, err = e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{DepartmentIDs: &[]int64{}})
	ok(t, err)
	if len(u.Departments) != 0 || !slices.Equal(roleNames(u), []string{"employee", "executor"}) || u.Available {
		t.Errorf("after clearing departments: %+v", u)
	}

	// An admin cannot lock themselves out.
	_, err = e.svc.UpdateUser(ctx, admin, admin.ID, users.UserPatch{Roles: &[]users.Role{users.RoleEmployee}})
	wantField(t, err, "roles", "users.cannot_demote_self")
	_, err = e.svc.UpdateUser(ctx, admin, admin.ID, users.UserPatch{Active: ptr(false)})
	wantField(t, err, "active", "users.cannot_deactivate_self")
	if u := e.reload(admin.ID); !u.IsAdmin() || !u.Active {
		t.Fatalf("the admin locked themselves out: %+v", u)
	}
	// Keeping admin while changing other roles of oneself is fine.
	_, err = e.svc.UpdateUser(ctx, admin, admin.ID, users.UserPatch{Roles: &[]users.Role{users.RoleAdmin, users.RoleHead}})
	ok(t, err)
	// Another admin may be demoted and deactivated.
	_, err = e.svc.UpdateUser(ctx, admin, other.ID, users.UserPatch{Roles: &[]users.Role{users.RoleEmployee}, Active: ptr(false)})
	ok(t, err)
	if u := e.reload(other.ID); u.IsAdmin() || u.Active {
		t.Errorf("the other admin: %+v", u)
	}
}

// testDeactivationKillsEverything: deactivation moves the epoch, revokes every
// token and records when; reactivation keeps them dead.
func testDeactivationKillsEverything(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	admin := e.mkUser("admin@example.com", users.RoleAdmin)
	anna := e.mkUser("anna@example.com")
	_, _, err := e.svc.CreateToken(ctx, anna, "one", 24*time.Hour)
	ok(t, err)
	_, _, err = e.svc.IssueLoginToken(ctx, anna)
	ok(t, err)
	u, err := e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{Active: ptr(false)})
	ok(t, err)
	if u.Active || u.AuthEpoch != anna.AuthEpoch+1 {
		t.Errorf("after deactivation: active=%v epoch=%d (was %d)", u.Active, u.AuthEpoch, anna.AuthEpoch)
	}
	if n := e.count("SELECT COUNT(*) FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL", anna.ID); n != 0 {
		t.Errorf("%d tokens left unrevoked", n)
	}
	if n := e.count("SELECT COUNT(*) FROM users WHERE id = $1 AND deactivated_at IS NOT NULL", anna.ID); n != 1 {
		t.Error("deactivated_at not recorded")
	}
	// Deactivating again changes nothing more.
	u2, err := e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{Active: ptr(false)})
	ok(t, err)
	if u2.AuthEpoch != u.AuthEpoch {
		t.Errorf("a second deactivation moved the epoch again")
	}
	u3, err := e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{Active: ptr(true)})
	ok(t, err)
	if !u3.Active || u3.AuthEpoch != u.AuthEpoch {
		t.Errorf("after reactivation: %+v", u3)
	}
	if n := e.count("SELECT COUNT(*) FROM users WHERE id = $1 AND deactivated_at IS NULL", anna.ID); n != 1 {
		t.Error("deactivated_at not cleared")
	}
}

func testDepartmentsAdmin(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	admin := e.mkUser("admin@example.com", users.RoleAdmin)

	bad := map[string]struct {
		in    users.DepartmentInput
		field string
		key   string
	}{
		"empty code":      {users.DepartmentInput{Code: "", NameEN: "X"}, "code", "validation.department_code"},
		"space in code":   {users.DepartmentInput{Code: "it support", NameEN: "X"}, "code", "validation.department_code"},
		"Cyrillic code":   {users.DepartmentInput{Code: "ит", NameEN: "X"}, "code", "validation.department_code"},
		"41-char code":    {users.DepartmentInput{Code: strings.Repeat("a", 41), NameEN: "X"}, "code", "validation.department_code"},
		"leading dash":    {users.DepartmentInput{Code: "-it", NameEN: "X"}, "code", "validation.department_code"},
		"no name":         {users.DepartmentInput{Code: "it", NameEN: "  ", NameRU: ""}, "name_en", "validation.name_required"},
		"long name":       {users.DepartmentInput{Code: "it", NameEN: strings.Repeat("я", 101)}, "name_en", "validation.name_long"},
		"long Russian":    {users.DepartmentInput{Code: "it", NameEN: "IT", NameRU: strings.Repeat("я", 101)}, "name_ru", "validation.name_long"},
		"invalid UTF-8":   {users.DepartmentInput{Code: "it", NameEN: "IT\xff"}, "name_en", "validation.name_long"},
		"bad chat":        {users.DepartmentInput{Code: "it", NameEN: "IT", TelegramChatID: "https://t.me/x"}, "telegram_chat_id", "validation.telegram_chat"},
		"short chat name": {users.DepartmentInput{Code: "it", NameEN: "IT", TelegramChatID: "@abc"}, "telegram_chat_id", "validation.telegram_chat"},
	}
	for name, c := range bad {
		_, err := e.svc.CreateDepartment(ctx, admin, c.in)
		if ae := apperr.As(err); ae == nil || ae.Code != apperr.Invalid || !slices.ContainsFunc(ae.Fields, func(f apperr.FieldError) bool {
			return f.Field == c.field && f.Key == c.key
		}) {
			t.Errorf("%s: got %v, want %s: %s", name, err, c.field, c.key)
		}
	}
	if n := e.count("SELECT COUNT(*) FROM departments"); n != 0 {
		t.Fatalf("%d departments from invalid input", n)
	}

	it, err := e.svc.CreateDepartment(ctx, admin, users.DepartmentInput{Code: " IT-Support ", NameEN: " IT support ", TelegramChatID: "-1001234567890"})
	ok(t, err)
	if it.Code != "it-support" || it.NameEN != "IT support" || it.NameRU != "" || it.TelegramChatID != "-1001234567890" || it.ID == 0 {
		t.Errorf("created %+v", it)
	}
	_, err = e.svc.CreateDepartment(ctx, admin, users.DepartmentInput{Code: "it-SUPPORT", NameRU: "ИТ"})
	wantCode(t, err, apperr.Conflict, "departments.code_taken")
	cl, err := e.svc.CreateDepartment(ctx, admin, users.DepartmentInput{Code: "cleaning", NameRU: "Уборка", TelegramChatID: "@cleaning_team"})
	ok(t, err)

	// Rename; the code stays; the chat can be cleared.
	up, err := e.svc.UpdateDepartment(ctx, admin, it.ID, users.DepartmentInput{Code: "ignored", NameEN: "IT", NameRU: "ИТ"})
	ok(t, err)
	if up.Code != "it-support" || up.NameEN != "IT" || up.NameRU != "ИТ" || up.TelegramChatID != "" {
		t.Errorf("updated %+v", up)
	}
	_, err = e.svc.UpdateDepartment(ctx, admin, it.ID+1000, users.DepartmentInput{NameEN: "X"})
	wantCode(t, err, apperr.NotFound, "error.not_found")
	_, err = e.svc.UpdateDepartment(ctx, admin, it.ID, users.DepartmentInput{NameEN: ""})
	wantField(t, err, "name_en", "validation.name_required")

	// In use: refused with the reason; free again after the member leaves.
	anna := e.mkUserIn("anna@example.com", []string{"cleaning"}, users.RoleExecutor)
	wantCode(t, e.svc.DeleteDepartment(ctx, admin, cl.ID), apperr.Conflict, "departments.in_use")
	if n := e.count("SELECT COUNT(*) FROM departments WHERE id = $1", cl.ID); n != 1 {
		t.Fatal("a department in use was deleted")
	}
	_, err = e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{DepartmentIDs: &[]int64{}})
	ok(t, err)
	ok(t, e.svc.DeleteDepartment(ctx, admin, cl.ID))
	wantCode(t, e.svc.DeleteDepartment(ctx, admin, cl.ID), apperr.NotFound, "error.not_found")
	list, err := users.NewStore(d, nil).ListDepartments(ctx)
	ok(t, err)
	if len(list) != 1 || list[0].Code != "it-support" {
		t.Errorf("departments left: %+v", list)
	}
}

func testListUsers(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	it := e.mkDept("it")
	admin := e.mkUser("admin@example.com", users.RoleAdmin)
	mk := func(email, name string, deps []string, roles ...users.Role) *users.User {
		u, err := e.svc.CreateUser(ctx, users.CreateInput{Email: email, FullName: name, Roles: roles, DepartmentCodes: deps, Password: goodPassword})
		ok(t, err)
		return u
	}
	anna := mk("anna@example.com", "Анна Петрова", nil, users.RoleEmployee)
	boris := mk("boris@example.com", "Boris 100% Sure", []string{"it"}, users.RoleEmployee, users.RoleExecutor)
	vera := mk("vera_x@example.com", "Вера Head", []string{"it"}, users.RoleHead)
	_, err := e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{Active: ptr(false)})
	ok(t, err)

	ids := func(f users.UserFilter) []int64 {
		t.Helper()
		list, err := e.svc.ListUsers(ctx, admin, f)
		ok(t, err)
		var out []int64
		for _, u := range list {
			out = append(out, u.ID)
		}
		return out
	}
	check := func(name string, f users.UserFilter, want ...int64) {
		t.Helper()
		if got := ids(f); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", name, got, want)
		}
	}
	check("all", users.UserFilter{}, admin.ID, anna.ID, boris.ID, vera.ID)
	check("Cyrillic, other case", users.UserFilter{Q: "  АННА "}, anna.ID)
	check("by e-mail", users.UserFilter{Q: "BORIS@"}, boris.ID)
	check("percent is literal", users.UserFilter{Q: "100%"}, boris.ID)
	check("underscore is literal", users.UserFilter{Q: "a_x"}, vera.ID)
	check("a lone percent matches only a literal one", users.UserFilter{Q: "%"}, boris.ID)
	check("role", users.UserFilter{Role: users.RoleExecutor}, boris.ID)
	check("department", users.UserFilter{DepartmentID: it.ID}, boris.ID, vera.ID)
	check("inactive", users.UserFilter{Active: ptr(false)}, anna.ID)
	check("active executors of it", users.UserFilter{Active: ptr(true), Role: users.RoleExecutor, DepartmentID: it.ID}, boris.ID)
	check("page 1", users.UserFilter{Limit: 2}, admin.ID, anna.ID)
	check("page 2", users.UserFilter{Limit: 2, AfterID: anna.ID}, boris.ID, vera.ID)
	check("page 3", users.UserFilter{Limit: 2, AfterID: vera.ID})
	list, err := e.svc.ListUsers(ctx, admin, users.UserFilter{DepartmentID: it.ID})
	ok(t, err)
	if len(list) != 2 || !slices.Equal(deptCodes(list[0]), []string{"it"}) || !slices.Equal(roleNames(list[0]), []string{"employee", "executor"}) {
		t.Errorf("memberships not loaded in the list: %+v", list)
	}
	_, err = e.svc.ListUsers(ctx, admin, users.UserFilter{Q: strings.Repeat("a", 201)})
	wantCode(t, err, apperr.Invalid, "validation.search_long")
}
