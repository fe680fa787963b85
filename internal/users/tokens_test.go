package users_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

func init() {
	dbCases = append(dbCases, dbCase{"CreateTokenValidation", testCreateTokenValidation})
	dbCases = append(dbCases, dbCase{"TokenLifecycle", testTokenLifecycle})
	dbCases = append(dbCases, dbCase{"TokenExpiry", testTokenExpiry})
	dbCases = append(dbCases, dbCase{"TokenLastUsed", testTokenLastUsed})
	dbCases = append(dbCases, dbCase{"TokensAndAccountChanges", testTokensAndAccountChanges})
	dbCases = append(dbCases, dbCase{"AdminLoginTokenIsShorter", testAdminLoginTokenIsShorter})
}

// alive reports whether the token authenticates its owner; any failure other than
// the plain Unauthenticated fails the test.
func (e *env) alive(token string, owner *users.User) bool {
	e.t.Helper()
	u, err := e.svc.AuthenticateToken(context.Background(), token)
	if err != nil {
		wantCode(e.t, err, apperr.Unauthenticated, "login.required")
		return false
	}
	if u.ID != owner.ID {
		e.t.Fatalf("token of %s authenticated %s", owner.Email, u.Email)
	}
	return true
}

func testCreateTokenValidation(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	anna := e.mkUser("anna@example.com")
	_, _, err := e.svc.CreateToken(ctx, nil, "ci", 24*time.Hour)
	wantCode(t, err, apperr.Unauthenticated, "login.required")

	for name, c := range map[string]struct {
		name  string
		ttl   time.Duration
		field string
	}{
		"empty name":       {"", 24 * time.Hour, "name"},
		"blank name":       {"   ", 24 * time.Hour, "name"},
		"101 characters":   {strings.Repeat("я", 101), 24 * time.Hour, "name"},
		"invalid UTF-8":    {"ci\xff", 24 * time.Hour, "name"},
		"10 KB name":       {strings.Repeat("x", 10<<10), 24 * time.Hour, "name"},
		"under an hour":    {"ci", 59 * time.Minute, "expires_in_days"},
		"zero ttl":         {"ci", 0, "expires_in_days"},
		"negative ttl":     {"ci", -24 * time.Hour, "expires_in_days"},
		"over the maximum": {"ci", users.MaxTokenTTL + time.Second, "expires_in_days"},
	} {
		_, _, err := e.svc.CreateToken(ctx, anna, c.name, c.ttl)
		key := "validation.token_name"
		if c.field == "expires_in_days" {
			key = "validation.token_ttl"
		}
		if ae := apperr.As(err); ae == nil || ae.Code != apperr.Invalid || len(ae.Fields) != 1 || ae.Fields[0].Field != c.field || ae.Fields[0].Key != key {
			t.Errorf("%s: got %v, want %s: %s", name, err, c.field, key)
		}
	}
	if n := e.count("SELECT COUNT(*) FROM api_tokens"); n != 0 {
		t.Fatalf("%d tokens stored from invalid input", n)
	}
	for _, c := range []struct {
		name string
		ttl  time.Duration
	}{{strings.Repeat("я", 100), time.Hour}, {"  ci  ", users.MaxTokenTTL}} {
		plain, tok, err := e.svc.CreateToken(ctx, anna, c.name, c.ttl)
		ok(t, err)
		if tok.Name != strings.TrimSpace(c.name) || !tok.ExpiresAt.Equal(e.clock.Now().Add(c.ttl)) || tok.Kind != "personal" {
			t.Errorf("token %+v", tok)
		}
		if !e.alive(plain, anna) {
			t.Error("a fresh token does not work")
		}
	}
}

func testTokenLifecycle(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	anna := e.mkUser("anna@example.com")
	boris := e.mkUser("boris@example.com")

	plain, tok, err := e.svc.CreateToken(ctx, anna, "laptop script", 30*24*time.Hour)
	ok(t, err)
	if !strings.HasPrefix(plain, users.TokenPrefix) || len(plain) < len(users.TokenPrefix)+40 {
		t.Fatalf("token %q", plain)
	}
	secret := strings.TrimPrefix(plain, users.TokenPrefix)
	if n := e.count("SELECT COUNT(*) FROM api_tokens WHERE token_hash = $1 OR token_hash LIKE $2", plain, "%"+secret+"%"); n != 0 {
		t.Fatal("the token is stored in clear")
	}
	borisPlain, borisTok, err := e.svc.CreateToken(ctx, boris, "boris", 24*time.Hour)
	ok(t, err)

	// Garbage never authenticates.
	for _, bad := range []string{"", users.TokenPrefix, secret, "Bearer " + plain, plain + "x", plain[:len(plain)-1],
		strings.ToUpper(plain), users.TokenPrefix + strings.Repeat("a", 10<<10)} {
		if _, err := e.svc.AuthenticateToken(ctx, bad); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Errorf("token %.40q: %v", bad, err)
		}
	}

	if !e.alive(plain, anna) {
		t.Fatal("a fresh token does not work")
	}
	list, err := e.svc.ListTokens(ctx, anna)
	ok(t, err)
	if len(list) != 1 || list[0].ID != tok.ID || list[0].Name != "laptop script" || list[0].LastUsedAt == nil ||
		!list[0].LastUsedAt.Equal(e.clock.Now()) || list[0].RevokedAt != nil {
		t.Fatalf("tokens listed: %+v", list)
	}
	_, err = e.svc.ListTokens(ctx, nil)
	wantCode(t, err, apperr.Unauthenticated, "login.required")

	// Someone else's token, or one that does not exist, cannot be revoked.
	wantCode(t, e.svc.RevokeToken(ctx, anna, borisTok.ID), apperr.NotFound, "error.not_found")
	wantCode(t, e.svc.RevokeToken(ctx, anna, borisTok.ID+1000), apperr.NotFound, "error.not_found")
	wantCode(t, e.svc.RevokeToken(ctx, nil, tok.ID), apperr.Unauthenticated, "login.required")
	if !e.alive(borisPlain, boris) {
		t.Fatal("Boris's token died when Anna tried to revoke it")
	}

	ok(t, e.svc.RevokeToken(ctx, anna, tok.ID))
	if e.alive(plain, anna) {
		t.Fatal("a revoked token works")
	}
	wantCode(t, e.svc.RevokeToken(ctx, anna, tok.ID), apperr.NotFound, "error.not_found")
	list, err = e.svc.ListTokens(ctx, anna)
	ok(t, err)
	if len(list) != 1 || list[0].RevokedAt == nil {
		t.Errorf("revoked token listed as %+v", list)
	}
}

func testTokenExpiry(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	anna := e.mkUser("anna@example.com")
	plain, _, err := e.svc.CreateToken(ctx, anna, "short", time.Hour)
	ok(t, err)
	e.clock.Add(time.Hour - time.Second)
	if !e.alive(plain, anna) {
		t.Fatal("the token died before its expiry")
	}
	e.clock.Add(time.Second)
	if e.alive(plain, anna) {
		t.Fatal("the token outlived its expiry")
	}
}

// testTokenLastUsed: use is recorded, at most once a minute.
func testTokenLastUsed(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	anna := e.mkUser("anna@example.com")
	plain, _, err := e.svc.CreateToken(ctx, anna, "ci", 24*time.Hour)
	ok(t, err)
	lastUsed := func() *time.Time {
		list, err := e.svc.ListTokens(ctx, anna)
		ok(t, err)
		return list[0].LastUsedAt
	}
	if lastUsed() != nil {
		t.Fatal("an unused token has a last use")
	}
	first := e.clock.Now()
	e.alive(plain, anna)
	if got := lastUsed(); got == nil || !got.Equal(first) {
		t.Fatalf("last used %v, want %v", got, first)
	}
	e.clock.Add(30 * time.Second)
	e.alive(plain, anna)
	if got := lastUsed(); got == nil || !got.Equal(first) {
		t.Errorf("last used %v after 30 s, want still %v", got, first)
	}
	e.clock.Add(2 * time.Minute)
	e.alive(plain, anna)
	if got := lastUsed(); got == nil || !got.Equal(e.clock.Now()) {
		t.Errorf("last used %v, want %v", got, e.clock.Now())
	}
}

// testTokensAndAccountChanges: deactivation kills every token of the owner for
// good; a password change kills login tokens and spares personal ones.
func testTokensAndAccountChanges(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	admin := e.mkUser("admin@example.com", users.RoleAdmin)
	anna := e.mkUser("anna@example.com")

	personal, _, err := e.svc.CreateToken(ctx, anna, "ci", 24*time.Hour)
	ok(t, err)
	login, exp, err := e.svc.IssueLoginToken(ctx, anna)
	ok(t, err)
	if !exp.Equal(e.clock.Now().Add(e.svc.SessionTTL(anna))) {
		t.Errorf("login token expires %v, want a session's lifetime", exp)
	}
	if list, _ := e.svc.ListTokens(ctx, anna); len(list) != 1 {
		t.Errorf("login tokens are listed with personal ones: %+v", list)
	}
	if !e.alive(login, anna) || !e.alive(personal, anna) {
		t.Fatal("fresh tokens do not work")
	}

	_, err = e.svc.ChangePassword(ctx, anna, goodPassword, "a brand new passphrase")
	ok(t, err)
	if e.alive(login, anna) {
		t.Error("a login token survived a password change")
	}
	if !e.alive(personal, anna) {
		t.Error("a personal token died with a password change")
	}

	// API logout.
	login2, _, err := e.svc.IssueLoginToken(ctx, anna)
	ok(t, err)
	ok(t, e.svc.RevokeLoginToken(ctx, login2))
	if e.alive(login2, anna) {
		t.Error("a login token works after logout")
	}

	login3, _, err := e.svc.IssueLoginToken(ctx, anna)
	ok(t, err)
	_, err = e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{Active: ptr(false)})
	ok(t, err)
	if e.alive(personal, anna) || e.alive(login3, anna) {
		t.Fatal("tokens of a deactivated account work")
	}
	_, err = e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{Active: ptr(true)})
	ok(t, err)
	if e.alive(personal, anna) || e.alive(login3, anna) {
		t.Error("reactivation revived old tokens")
	}
	fresh, _, err := e.svc.CreateToken(ctx, e.reload(anna.ID), "new", 24*time.Hour)
	ok(t, err)
	if !e.alive(fresh, anna) {
		t.Error("a token made after reactivation does not work")
	}
}

// testAdminLoginTokenIsShorter: an admin's API login lasts an admin session.
func testAdminLoginTokenIsShorter(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	admin := e.mkUser("admin@example.com", users.RoleAdmin)
	anna := e.mkUser("anna@example.com")
	at, _, err := e.svc.IssueLoginToken(ctx, admin)
	ok(t, err)
	et, _, err := e.svc.IssueLoginToken(ctx, anna)
	ok(t, err)
	e.clock.Add(12*time.Hour + time.Second)
	if e.alive(at, admin) {
		t.Error("the admin's login token outlived 12 hours")
	}
	if !e.alive(et, anna) {
		t.Error("the employee's login token died after 12 hours")
	}
}
