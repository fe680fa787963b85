package users_test

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

func init() {
	dbCases = append(dbCases, dbCase{"PasswordReset", testPasswordReset})
	dbCases = append(dbCases, dbCase{"PasswordResetOneAnswer", testPasswordResetOneAnswer})
	dbCases = append(dbCases, dbCase{"PasswordResetLinks", testPasswordResetLinks})
}

var resetRe = regexp.MustCompile(regexp.QuoteMeta(baseURL) + `/password-reset/confirm\?(?:\S*&)?token=([A-Za-z0-9_-]+)`)

// resetLink asks for a reset of email and returns the token its mail carries.
func (e *env) resetLink(email string) string {
	e.t.Helper()
	before := len(e.mailJobs())
	_, err := e.svc.RequestPasswordReset(context.Background(), users.ResetInput{Email: email, Addr: "192.0.2.1"})
	ok(e.t, err)
	mails := e.mailJobs()
	if len(mails) != before+1 {
		e.t.Fatalf("reset %s: %d mails, want %d", email, len(mails), before+1)
	}
	sm := resetRe.FindStringSubmatch(mails[len(mails)-1].Body)
	if sm == nil {
		e.t.Fatalf("no reset link in:\n%s", mails[len(mails)-1].Body)
	}
	return sm[1]
}

// testPasswordReset: the mailed link sets a new password, ends every session and
// login token, keeps personal tokens until revoked, and works once.
func testPasswordReset(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	anna := e.mkUser("anna@example.com")
	login, _, err := e.svc.IssueLoginToken(ctx, anna)
	ok(t, err)
	personal, _, err := e.svc.CreateToken(ctx, anna, "ci", 24*time.Hour)
	ok(t, err)
	oldEpoch := anna.AuthEpoch

	token := e.resetLink("Anna@Example.com")
	var stored string
	ok(t, d.R.QueryRow("SELECT token_hash FROM password_resets").Scan(&stored))
	if strings.Contains(stored, token) {
		t.Error("the reset token is stored in clear")
	}
	// A bad password leaves the link unspent.
	_, err = e.svc.ResetPassword(ctx, token, "short")
	wantField(t, err, "password", "validation.password_short")
	u, err := e.svc.ResetPassword(ctx, token, "a brand new passphrase")
	ok(t, err)
	if u.ID != anna.ID || u.AuthEpoch == oldEpoch {
		t.Errorf("reset returned %+v", u)
	}
	if _, err := e.svc.Authenticate(ctx, anna.ID, oldEpoch, e.clock.Now()); err == nil {
		t.Error("a session from before the reset survived")
	}
	if _, err := e.svc.Authenticate(ctx, anna.ID, u.AuthEpoch, e.clock.Now()); err != nil {
		t.Errorf("the session made with the new epoch: %v", err)
	}
	_, err = e.svc.AuthenticateToken(ctx, login)
	wantCode(t, err, apperr.Unauthenticated, "login.required")
	if _, err := e.svc.AuthenticateToken(ctx, personal); err != nil {
		t.Errorf("a personal token died with the reset: %v", err)
	}
	_, err = e.login("anna@example.com", goodPassword, "")
	wantCode(t, err, apperr.Unauthenticated, "login.failed")
	_, err = e.login("anna@example.com", "a brand new passphrase", "")
	ok(t, err)
	_, err = e.svc.ResetPassword(ctx, token, "yet another passphrase")
	wantCode(t, err, apperr.Invalid, "reset.link_invalid")

	n, err := e.svc.RevokePersonalTokens(ctx, u)
	ok(t, err)
	if n != 1 {
		t.Errorf("%d tokens revoked, want 1", n)
	}
	_, err = e.svc.AuthenticateToken(ctx, personal)
	wantCode(t, err, apperr.Unauthenticated, "login.required")
}

// testPasswordResetOneAnswer: an account, an unknown address and a deactivated
// account get the same answer; only the account gets a mail, in its language.
func testPasswordResetOneAnswer(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	admin := e.mkUser("admin@example.com", users.RoleAdmin)
	e.mkUser("anna@example.com")
	gone := e.mkUser("gone@example.com")
	_, err := e.svc.UpdateUser(ctx, admin, gone.ID, users.UserPatch{Active: ptr(false)})
	ok(t, err)
	var first *users.MailResult
	for _, email := range []string{"anna@example.com", "nobody@example.com", "gone@example.com"} {
		res, err := e.svc.RequestPasswordReset(ctx, users.ResetInput{Email: email})
		ok(t, err)
		if first == nil {
			first = res
		} else if res.DevMail != first.DevMail {
			t.Errorf("%s: answer %+v differs from %+v", email, res, first)
		}
	}
	mails := e.mailJobs()
	if len(mails) != 1 || mails[0].To != "anna@example.com" || !strings.Contains(mails[0].Body, "Здравствуйте") {
		t.Errorf("mails %+v, want one Russian mail to anna", mails)
	}
	_, err = e.svc.RequestPasswordReset(ctx, users.ResetInput{Email: "not an address"})
	wantField(t, err, "email", "validation.email_invalid")
}

// testPasswordResetLinks: a link expires, a newer one replaces it, a deactivated
// account's link is dead, unknown tokens are refused alike, and requests are
// throttled like registrations.
func testPasswordResetLinks(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d, func(o *users.Options) {
		o.ResetTTL = 30 * time.Minute
		o.MailThrottle = users.MailThrottle{Window: time.Hour, PerEmail: 3, PerAddress: 100}
	})
	admin := e.mkUser("admin@example.com", users.RoleAdmin)
	anna := e.mkUser("anna@example.com")
	old := e.resetLink("anna@example.com")
	if body := e.mailJobs()[0].Body; !strings.Contains(body, "30 мин") {
		t.Errorf("the mail does not state the link's lifetime:\n%s", body)
	}
	newer := e.resetLink("anna@example.com")
	_, err := e.svc.ResetPassword(ctx, old, "a brand new passphrase")
	wantCode(t, err, apperr.Invalid, "reset.link_invalid")
	for _, bad := range []string{"", "nope", newer + "x", strings.Repeat("a", 101), "' OR 1=1 --"} {
		_, err := e.svc.ResetPassword(ctx, bad, "a brand new passphrase")
		wantCode(t, err, apperr.Invalid, "reset.link_invalid")
	}
	e.clock.Add(30 * time.Minute)
	_, err = e.svc.ResetPassword(ctx, newer, "a brand new passphrase")
	wantCode(t, err, apperr.Invalid, "reset.link_invalid")

	e.clock.Add(time.Hour)
	live := e.resetLink("anna@example.com")
	_, err = e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{Active: ptr(false)})
	ok(t, err)
	_, err = e.svc.ResetPassword(ctx, live, "a brand new passphrase")
	wantCode(t, err, apperr.Invalid, "reset.link_invalid")

	// Per e-mail: the fourth request within the hour sends nothing.
	e.clock.Add(time.Hour)
	_, err = e.svc.UpdateUser(ctx, admin, anna.ID, users.UserPatch{Active: ptr(true)})
	ok(t, err)
	before := len(e.mailJobs())
	for range 4 {
		_, err := e.svc.RequestPasswordReset(ctx, users.ResetInput{Email: "anna@example.com"})
		ok(t, err)
	}
	if n := len(e.mailJobs()) - before; n != 3 {
		t.Errorf("%d mails for 4 requests, want 3", n)
	}
}
