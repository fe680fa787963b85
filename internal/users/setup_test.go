package users_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

func init() {
	dbCases = append(dbCases, dbCase{"SetupAdmin", testSetupAdmin})
	dbCases = append(dbCases, dbCase{"CreateUser", testCreateUser})
	dbCases = append(dbCases, dbCase{"SetupAdminConcurrently", testSetupAdminConcurrently})
}

func testSetupAdmin(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	in := users.CreateInput{Email: "First.Admin@example.com", FullName: "First Admin", Password: goodPassword,
		Roles: []users.Role{users.RoleHead}} // roles asked for are not what setup gives

	// No secret prepared yet: nothing opens the page.
	_, err := e.svc.SetupAdmin(ctx, "", in)
	wantField(t, err, "secret", "setup.secret_wrong")

	has, err := e.svc.HasAdmin(ctx)
	ok(t, err)
	if has {
		t.Fatal("a fresh database has an admin")
	}
	first, err := e.svc.PrepareSetup(ctx)
	ok(t, err)
	secret, err := e.svc.PrepareSetup(ctx) // a restart replaces it
	ok(t, err)
	if first == "" || secret == "" || first == secret || len(secret) < 20 {
		t.Fatalf("secrets %q, %q", first, secret)
	}
	if n := e.count("SELECT COUNT(*) FROM settings WHERE value = $1 OR value = $2", first, secret); n != 0 {
		t.Fatal("the setup secret is stored in clear")
	}

	for _, wrong := range []string{"", first, secret + "x", strings.ToUpper(secret), secret[:len(secret)-1]} {
		_, err := e.svc.SetupAdmin(ctx, wrong, in)
		wantField(t, err, "secret", "setup.secret_wrong")
	}
	if n := e.count("SELECT COUNT(*) FROM users"); n != 0 {
		t.Fatalf("%d accounts after wrong secrets", n)
	}

	// Bad input with the right secret: refused, and the secret is not spent.
	bad := in
	bad.Password = "short"
	_, err = e.svc.SetupAdmin(ctx, secret, bad)
	wantField(t, err, "password", "validation.password_short")

	u, err := e.svc.SetupAdmin(ctx, secret, in)
	ok(t, err)
	if u.Email != "first.admin@example.com" || !slices.Equal(roleNames(u), []string{"admin", "employee"}) || u.EmployeeID != "" {
		t.Errorf("admin %+v roles %v", u, roleNames(u))
	}
	if _, err := e.login("first.admin@example.com", goodPassword, ""); err != nil {
		t.Errorf("the first admin cannot log in: %v", err)
	}

	// Spent: the page is closed for good, whatever the secret.
	other := in
	other.Email = "second@example.com"
	_, err = e.svc.SetupAdmin(ctx, secret, other)
	wantCode(t, err, apperr.NotFound, "error.not_found")
	if n := e.count("SELECT COUNT(*) FROM settings WHERE key = 'setup_secret_hash'"); n != 0 {
		t.Error("the spent secret is still stored")
	}
	again, err := e.svc.PrepareSetup(ctx)
	ok(t, err)
	if again != "" {
		t.Error("PrepareSetup made a secret while an admin exists")
	}
	if n := e.count("SELECT COUNT(*) FROM users"); n != 1 {
		t.Errorf("%d accounts", n)
	}
}

func testCreateUser(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	e.mkDept("it")
	valid := users.CreateInput{Email: "exec@example.com", FullName: "Exec", Roles: []users.Role{users.RoleExecutor}, Password: goodPassword}
	cases := map[string]struct {
		change     func(*users.CreateInput)
		field, key string
	}{
		"bad e-mail":       {func(in *users.CreateInput) { in.Email = "exec" }, "email", "validation.email_invalid"},
		"no name":          {func(in *users.CreateInput) { in.FullName = "  " }, "full_name", "validation.full_name"},
		"201-char name":    {func(in *users.CreateInput) { in.FullName = strings.Repeat("я", 201) }, "full_name", "validation.full_name"},
		"invalid UTF-8":    {func(in *users.CreateInput) { in.FullName = "Exec\xff" }, "full_name", "validation.full_name"},
		"no roles":         {func(in *users.CreateInput) { in.Roles = nil }, "roles", "validation.roles_empty"},
		"unknown role":     {func(in *users.CreateInput) { in.Roles = []users.Role{"root"} }, "roles", "validation.role_unknown"},
		"weak password":    {func(in *users.CreateInput) { in.Password = "1234567890" }, "password", "validation.password_common"},
		"unknown dept":     {func(in *users.CreateInput) { in.DepartmentCodes = []string{"it", "ghost"} }, "departments", "validation.department_unknown"},
		"malformed dept":   {func(in *users.CreateInput) { in.DepartmentCodes = []string{"'; --"} }, "departments", "validation.department_unknown"},
		"unknown language": {func(in *users.CreateInput) { in.Language = "de" }, "language", "validation.language_invalid"},
	}
	for name, c := range cases {
		in := valid
		c.change(&in)
		_, err := e.svc.CreateUser(ctx, in)
		if ae := apperr.As(err); ae == nil || ae.Code != apperr.Invalid || !slices.ContainsFunc(ae.Fields, func(f apperr.FieldError) bool {
			return f.Field == c.field && f.Key == c.key
		}) {
			t.Errorf("%s: got %v, want %s: %s", name, err, c.field, c.key)
		}
	}
	if n := e.count("SELECT COUNT(*) FROM users"); n != 0 {
		t.Fatalf("%d accounts from invalid input", n)
	}

	in := valid
	in.DepartmentCodes = []string{" IT "}
	in.Roles = []users.Role{users.RoleExecutor, users.RoleEmployee, users.RoleExecutor}
	u, err := e.svc.CreateUser(ctx, in)
	ok(t, err)
	if !u.Available || !u.Active || u.Language != "ru" || !slices.Equal(roleNames(u), []string{"employee", "executor"}) || !slices.Equal(deptCodes(u), []string{"it"}) {
		t.Errorf("created %+v", u)
	}
	if r := e.reload(u.ID); !slices.Equal(roleNames(r), []string{"employee", "executor"}) || !slices.Equal(deptCodes(r), []string{"it"}) || !r.Available {
		t.Errorf("stored %+v", r)
	}
	dup := valid
	dup.Email = " EXEC@example.com"
	_, err = e.svc.CreateUser(ctx, dup)
	wantCode(t, err, apperr.Conflict, "register.email_taken")

	_, err = e.svc.UserByEmail(ctx, "nobody@example.com")
	wantCode(t, err, apperr.NotFound, "error.not_found")
	_, err = e.svc.UserByEmail(ctx, "nobody")
	wantCode(t, err, apperr.Invalid, "validation.email_invalid")
}

// testSetupAdminConcurrently: the secret opens the page once, even to requests that
// race: one first administrator, the others refused.
func testSetupAdminConcurrently(t *testing.T, d *db.DB) {
	e := newEnv(t, d)
	secret, err := e.svc.PrepareSetup(context.Background())
	ok(t, err)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, errs[i] = e.svc.SetupAdmin(context.Background(), secret, users.CreateInput{
				Email: fmt.Sprintf("admin%d@example.com", i), FullName: "Admin", Password: goodPassword})
		})
	}
	wg.Wait()
	wins := 0
	for _, err := range errs {
		switch c := apperr.CodeOf(err); {
		case err == nil:
			wins++
		case c == apperr.NotFound || c == apperr.Invalid:
		default:
			t.Errorf("concurrent setup: %v", err)
		}
	}
	if admins := e.count("SELECT COUNT(*) FROM user_roles WHERE role = 'admin'"); wins != 1 || admins != 1 {
		t.Errorf("%d setups succeeded, %d admins; want 1", wins, admins)
	}
}
