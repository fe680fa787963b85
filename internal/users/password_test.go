package users_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/directory"
	"smartservice/internal/jobs"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

func init() {
	dbCases = append(dbCases, dbCase{"LoginWithMalformedStoredHash", testLoginWithMalformedStoredHash})
}

func TestCheckPassword(t *testing.T) {
	const email = "anna.petrova@example.com"
	cases := []struct {
		name, pw, want string
	}{
		{"empty", "", "validation.password_short"},
		{"short", "abc123xyz", "validation.password_short"},                               // 9
		{"short in runes though long in bytes", "пароль123", "validation.password_short"}, // 9 runes, 15 bytes
		{"long", strings.Repeat("ab", 64) + "c", "validation.password_long"},              // 129
		{"common", "qwertyuiop", "validation.password_common"},
		{"common upper-case", "QwErTyUiOp", "validation.password_common"},
		{"common password123", "Password123", "validation.password_common"},
		{"common digits", "1234567890", "validation.password_common"},
		{"equals e-mail", email, "validation.password_is_email"},
		{"equals e-mail upper-case", strings.ToUpper(email), "validation.password_is_email"},
		{"equals local part", "Anna.Petrova", "validation.password_is_email"},
		{"one character repeated", "zzzzzzzzzzzz", "validation.password_common"},
		{"one Cyrillic character repeated", "жжжжжжжжжжжж", "validation.password_common"},
		{"one character repeated, mixed case", "ZzZzZzZzZzZz", "validation.password_common"},
		{"invalid UTF-8", "abcdefghij\xff\xfe", "validation.password_invalid"},
		{"valid 10 characters", "kx7-mauve!", ""},
		{"valid passphrase", "purple elephants dance quietly", ""},
		{"Cyrillic passphrase", "тихо кружатся лиловые слоны", ""},
		{"64 characters", strings.Repeat("mauve-kx7!", 6) + "abcd", ""},
		{"128 characters", strings.Repeat("mauve-kx7!", 12) + "abcdefgh", ""},
		{"spaces are characters", "  a b c d e f  ", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := users.CheckPassword(c.pw, email); got != c.want {
				t.Errorf("CheckPassword(%q) = %q, want %q", c.pw, got, c.want)
			}
		})
	}
	if n := len([]rune(strings.Repeat("mauve-kx7!", 6) + "abcd")); n != 64 {
		t.Fatalf("the 64-character case has %d characters", n)
	}
}

func TestHashAndVerifyPassword(t *testing.T) {
	p := testkit.CheapArgon2
	h, err := users.HashPassword("тихо кружатся лиловые слоны", p)
	ok(t, err)
	if !strings.HasPrefix(h, "$argon2id$v=19$m=64,t=1,p=1$") {
		t.Errorf("hash %q is not a PHC argon2id string with the given parameters", h)
	}
	if strings.Contains(h, "слоны") {
		t.Fatal("the hash contains the password")
	}
	good, err := users.VerifyPassword("тихо кружатся лиловые слоны", h)
	if err != nil || !good {
		t.Fatalf("right password: %v, %v", good, err)
	}
	for _, wrong := range []string{"", "тихо кружатся лиловые слоны ", "Тихо кружатся лиловые слоны", "x"} {
		if good, err := users.VerifyPassword(wrong, h); err != nil || good {
			t.Errorf("wrong password %q: %v, %v", wrong, good, err)
		}
	}
	h2, err := users.HashPassword("тихо кружатся лиловые слоны", p)
	ok(t, err)
	if h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	// The hash carries its parameters: one made with the production cost still verifies.
	hd, err := users.HashPassword("purple elephants dance", users.DefaultArgon2)
	ok(t, err)
	if !strings.Contains(hd, "$m=19456,t=2,p=1$") {
		t.Errorf("default hash %q lacks the default parameters", hd)
	}
	if good, err := users.VerifyPassword("purple elephants dance", hd); err != nil || !good {
		t.Errorf("default-cost hash: %v, %v", good, err)
	}
}

func TestVerifyPasswordMalformedHash(t *testing.T) {
	h, err := users.HashPassword("purple elephants dance", testkit.CheapArgon2)
	ok(t, err)
	parts := strings.Split(h, "$")
	salt, key := parts[4], parts[5]
	bad := map[string]string{
		"empty":             "",
		"garbage":           "not a hash",
		"bcrypt":            "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":           "$argon2i$v=19$m=64,t=1,p=1$" + salt + "$" + key,
		"wrong version":     "$argon2id$v=16$m=64,t=1,p=1$" + salt + "$" + key,
		"no version":        "$argon2id$m=64,t=1,p=1$" + salt + "$" + key,
		"bad params":        "$argon2id$v=19$m=x,t=1,p=1$" + salt + "$" + key,
		"zero time":         "$argon2id$v=19$m=64,t=0,p=1$" + salt + "$" + key,
		"zero threads":      "$argon2id$v=19$m=64,t=1,p=0$" + salt + "$" + key,
		"tiny memory":       "$argon2id$v=19$m=1,t=1,p=1$" + salt + "$" + key,
		"huge memory":       "$argon2id$v=19$m=99999999,t=1,p=1$" + salt + "$" + key,
		"huge time":         "$argon2id$v=19$m=64,t=1000,p=1$" + salt + "$" + key,
		"salt not base64":   "$argon2id$v=19$m=64,t=1,p=1$!!!$" + key,
		"key not base64":    "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$!!!",
		"key too short":     "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key[:8],
		"extra part":        h + "$x",
		"missing key":       "$argon2id$v=19$m=64,t=1,p=1$" + salt,
		"padded base64 key": "$argon2id$v=19$m=64,t=1,p=1$" + salt + "$" + key + "=",
	}
	for name, enc := range bad {
		t.Run(name, func(t *testing.T) {
			good, err := users.VerifyPassword("purple elephants dance", enc)
			if good {
				t.Fatalf("a malformed hash %q accepted the password", enc)
			}
			if err == nil {
				t.Fatalf("a malformed hash %q gave no error", enc)
			}
		})
	}
}

// testLoginWithMalformedStoredHash: a broken hash in the database refuses the login
// like a wrong password, without an internal error.
func testLoginWithMalformedStoredHash(t *testing.T, d *db.DB) {
	e := newEnv(t, d)
	u := e.mkUser("broken@example.com")
	_, err := d.W.Exec("UPDATE users SET password_hash = 'garbage' WHERE id = $1", u.ID)
	ok(t, err)
	_, err = e.svc.Login(context.Background(), users.LoginInput{Email: u.Email, Password: goodPassword, Addr: "10.0.0.1"})
	wantCode(t, err, apperr.Unauthenticated, "login.failed")
}

// BenchmarkHashPassword measures the production argon2id cost: one registration or
// password change.
func BenchmarkHashPassword(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := users.HashPassword("purple elephants dance quietly", users.DefaultArgon2); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyPasswordHash measures the password check of one login at the
// production cost (named so that -bench Hash picks it too).
func BenchmarkVerifyPasswordHash(b *testing.B) {
	h, err := users.HashPassword("purple elephants dance quietly", users.DefaultArgon2)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if good, err := users.VerifyPassword("purple elephants dance quietly", h); err != nil || !good {
			b.Fatal(good, err)
		}
	}
}

// benchService is an accounts service at the production argon2id cost, with
// throttling limits too high to interfere with a benchmark.
func benchService(b *testing.B, d *db.DB) *users.Service {
	j, err := jobs.New(d, testWorkers(), jobs.Options{})
	if err != nil {
		b.Fatal(err)
	}
	base, _ := url.Parse(baseURL)
	svc, err := users.NewService(d, users.NewStore(d, nil), users.Options{BaseURL: base, Directory: directory.NewStatic(nil), Jobs: j,
		Argon2: users.DefaultArgon2, Throttle: users.Throttle{Window: time.Minute, PairLimit: 1 << 30, AccountLimit: 1 << 30, AddressLimit: 1 << 30}})
	if err != nil {
		b.Fatal(err)
	}
	return svc
}

// BenchmarkLogin measures one whole successful login on SQLite at the production
// argon2id cost: throttling checks, the user read, the hash and the two writes.
func BenchmarkLogin(b *testing.B) {
	d := testkit.NewDB(b, db.SQLite)
	svc := benchService(b, d)
	ctx := context.Background()
	if _, err := svc.CreateUser(ctx, users.CreateInput{Email: "bench@example.com", FullName: "Bench", Roles: []users.Role{users.RoleEmployee}, Password: goodPassword}); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := svc.Login(ctx, users.LoginInput{Email: "bench@example.com", Password: goodPassword, Addr: "10.0.0.1"}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLoginUnknownEmail measures a failed login for an e-mail without an
// account: it checks a dummy hash, so it should cost about as much as BenchmarkLogin.
func BenchmarkLoginUnknownEmail(b *testing.B) {
	d := testkit.NewDB(b, db.SQLite)
	svc := benchService(b, d)
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		_, err := svc.Login(ctx, users.LoginInput{Email: "nobody@example.com", Password: goodPassword, Addr: "10.0.0.1"})
		if apperr.CodeOf(err) != apperr.Unauthenticated {
			b.Fatal(err)
		}
	}
}
