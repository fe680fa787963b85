package users_test

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

func init() {
	dbCases = append(dbCases, dbCase{"SetLanguage", testSetLanguage})
	dbCases = append(dbCases, dbCase{"MassAssignment", testMassAssignment})
	dbCases = append(dbCases, dbCase{"ChangePassword", testChangePassword})
}

// TestUserPatchCarriesNoIdentity pins that an admin's patch cannot carry an e-mail or
// a name (they come from the directory): a new field here must be a decision.
func TestUserPatchCarriesNoIdentity(t *testing.T) {
	var names []string
	for _, f := range reflect.VisibleFields(reflect.TypeFor[users.UserPatch]()) {
		names = append(names, f.Name)
	}
	if want := []string{"Roles", "DepartmentIDs", "Active", "Available"}; !slices.Equal(names, want) {
		t.Fatalf("UserPatch fields %v, want %v", names, want)
	}
}

func testSetLanguage(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	anna := e.mkUser("anna@example.com")
	wantCode(t, e.svc.SetLanguage(ctx, nil, "en"), apperr.Unauthenticated, "login.required")
	for _, bad := range []string{"", "de", "EN", "ru-RU", "admin", "en'; DROP TABLE users; --"} {
		wantField(t, e.svc.SetLanguage(ctx, anna, bad), "language", "validation.language_invalid")
	}
	if u := e.reload(anna.ID); u.Language != "ru" {
		t.Fatalf("language %q after refused changes", u.Language)
	}
	ok(t, e.svc.SetLanguage(ctx, anna, "en"))
	if anna.Language != "en" || e.reload(anna.ID).Language != "en" {
		t.Error("the language did not change")
	}
}

// testMassAssignment: a person cannot raise their own roles or change their e-mail
// through the profile: the profile actions touch only their own field, whatever the
// actor value carries, and UpdateUser refuses a non-admin even on themselves.
func testMassAssignment(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	e.mkDept("it")
	anna := e.mkUser("anna@example.com")
	before := e.reload(anna.ID)

	// The actor value a face holds is tampered with; the database must not follow.
	forged := *anna
	forged.Roles = []users.Role{users.RoleEmployee, users.RoleAdmin}
	forged.Email = "boss@example.com"
	forged.FullName = "The Boss"
	ok(t, e.svc.SetLanguage(ctx, &forged, "en"))
	_, err := e.svc.ChangePassword(ctx, &forged, goodPassword, "a brand new passphrase")
	ok(t, err)
	after := e.reload(anna.ID)
	if !slices.Equal(roleNames(after), roleNames(before)) || after.Email != before.Email || after.FullName != before.FullName ||
		len(after.Departments) != 0 || !after.Active {
		t.Fatalf("profile actions changed more than language and password: %+v", after)
	}
	if n := e.count("SELECT COUNT(*) FROM users WHERE email = 'boss@example.com'"); n != 0 {
		t.Fatal("an e-mail was taken through the profile")
	}

	// The password check is against the stored hash: an actor cannot pass a
	// different account's id with its own password.
	boris := e.mkUser("boris@example.com")
	victim := *boris
	_, err = e.svc.ChangePassword(ctx, &victim, "a brand new passphrase", "owned by anna now!")
	wantField(t, err, "current_password", "profile.current_password_wrong")

	// A non-admin may not patch even themselves.
	for _, p := range []users.UserPatch{
		{Roles: &[]users.Role{users.RoleEmployee, users.RoleAdmin}},
		{DepartmentIDs: &[]int64{1}},
		{Available: ptr(false)},
		{Active: ptr(true)},
	} {
		_, err := e.svc.UpdateUser(ctx, after, anna.ID, p)
		wantCode(t, err, apperr.Forbidden, "error.forbidden")
	}
	if u := e.reload(anna.ID); !slices.Equal(roleNames(u), []string{"employee"}) || len(u.Departments) != 0 || !u.Available {
		t.Fatalf("a self-patch was applied: %+v", u)
	}
}

func testChangePassword(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	anna := e.mkUser("anna@example.com")
	_, err := e.svc.ChangePassword(ctx, nil, goodPassword, "a brand new passphrase")
	wantCode(t, err, apperr.Unauthenticated, "login.required")

	_, err = e.svc.ChangePassword(ctx, anna, "wrong current one", "a brand new passphrase")
	wantField(t, err, "current_password", "profile.current_password_wrong")
	for next, key := range map[string]string{
		"short":            "validation.password_short",
		"qwertyuiop123":    "validation.password_common",
		"ANNA@example.com": "validation.password_is_email",
		"anna":             "validation.password_short",
		"aaaaaaaaaaaaaa":   "validation.password_common",
	} {
		_, err = e.svc.ChangePassword(ctx, anna, goodPassword, next)
		wantField(t, err, "new_password", key)
	}
	// Both wrong at once: both reported.
	_, err = e.svc.ChangePassword(ctx, anna, "wrong current one", "short")
	wantField(t, err, "current_password", "profile.current_password_wrong")
	wantField(t, err, "new_password", "validation.password_short")
	if e.reload(anna.ID).AuthEpoch != anna.AuthEpoch {
		t.Fatal("a refused change moved the epoch")
	}
	if _, err := e.login("anna@example.com", goodPassword, ""); err != nil {
		t.Fatalf("the old password stopped working after refused changes: %v", err)
	}

	old := anna.AuthEpoch
	epoch, err := e.svc.ChangePassword(ctx, anna, goodPassword, "тихо кружатся лиловые слоны")
	ok(t, err)
	if epoch != old+1 || anna.AuthEpoch != epoch || e.reload(anna.ID).AuthEpoch != epoch {
		t.Errorf("epoch %d, actor %d, stored %d; was %d", epoch, anna.AuthEpoch, e.reload(anna.ID).AuthEpoch, old)
	}
	_, err = e.login("anna@example.com", goodPassword, "")
	wantCode(t, err, apperr.Unauthenticated, "login.failed")
	_, err = e.login("anna@example.com", "тихо кружатся лиловые слоны", "")
	ok(t, err)
	var hash string
	ok(t, d.R.QueryRow("SELECT password_hash FROM users WHERE id = $1", anna.ID).Scan(&hash))
	if good, err := users.VerifyPassword("тихо кружатся лиловые слоны", hash); !good || err != nil {
		t.Errorf("stored hash %q does not verify: %v", hash, err)
	}
}
