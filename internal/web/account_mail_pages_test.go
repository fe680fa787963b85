package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"smartservice/internal/db"
	"smartservice/internal/testkit"
	"smartservice/internal/users"
)

// lastMail returns the body of the newest queued mail to to, or "".
func (e *acctEnv) lastMail(to string) string {
	e.t.Helper()
	args := "args::text"
	if e.db.Dialect == db.SQLite {
		args = "json(args)"
	}
	rows, err := e.db.R.Query("SELECT " + args + " FROM river_job WHERE kind = 'mail_send' ORDER BY id DESC")
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			e.t.Fatal(err)
		}
		if strings.Contains(s, `"to":"`+to+`"`) || strings.Contains(s, `"to": "`+to+`"`) {
			return s
		}
	}
	return ""
}

// TestRegisterPageAnswersEveryAddressAlike: the registration form asks for the
// e-mail alone and its answer does not tell an account from a stranger.
func TestRegisterPageAnswersEveryAddressAlike(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAcctEnv(t, d)
		e.user("emp@example.com", "Emil Employee", users.RoleEmployee)
		res, body := e.client().get("/register?next=/a/ABCDEFGHJKMNPQRS")
		wantStatus(t, "register page", res, body, http.StatusOK)
		wantNotContains(t, "register page", body, `name="password"`)
		bodies := map[string]string{}
		for _, email := range []string{"emp@example.com", "stranger@example.com"} {
			res, body := e.client().post("/register", url.Values{"email": {email}, "next": {"/a/ABCDEFGHJKMNPQRS"}})
			wantStatus(t, email, res, body, http.StatusAccepted)
			bodies[email] = strings.ReplaceAll(body, email, "ADDRESS")
		}
		if bodies["emp@example.com"] != bodies["stranger@example.com"] {
			t.Error("the registration pages of an account and of a stranger differ")
		}
		if m := e.lastMail("emp@example.com"); !strings.Contains(m, "/password-reset") {
			t.Errorf("the existing account got %q, want the 'already have an account' mail", m)
		}
		res, body = e.client().post("/register", url.Values{"email": {"not an address"}})
		wantStatus(t, "malformed", res, body, http.StatusUnprocessableEntity)
	})
}

var resetLinkRe = regexp.MustCompile(`/password-reset/confirm\?token=([A-Za-z0-9_-]+)`)

// TestPasswordResetPages: one answer for every address; the link's page sets the new
// password, logs in here, ends the other sessions and, when asked, the personal tokens.
func TestPasswordResetPages(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAcctEnv(t, d)
		u := e.user("emp@example.com", "Emil Employee", users.RoleEmployee)
		other := e.client().login(u.Email)
		personal, _, err := e.svc.CreateToken(context.Background(), u, "ci", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		_, body := e.client().get("/login")
		wantContains(t, "login page", body, `href="/password-reset"`)
		res, body := e.client().get("/password-reset")
		wantStatus(t, "reset page", res, body, http.StatusOK)
		bodies := map[string]string{}
		for _, email := range []string{"emp@example.com", "nobody@example.com"} {
			res, body := e.client().post("/password-reset", url.Values{"email": {email}})
			wantStatus(t, email, res, body, http.StatusAccepted)
			bodies[email] = strings.ReplaceAll(body, email, "ADDRESS")
		}
		if bodies["emp@example.com"] != bodies["nobody@example.com"] {
			t.Error("the reset pages of an account and of a stranger differ")
		}
		m := resetLinkRe.FindStringSubmatch(e.lastMail("emp@example.com"))
		if m == nil {
			t.Fatal("no reset link mailed")
		}
		if e.lastMail("nobody@example.com") != "" {
			t.Error("a stranger got a mail")
		}
		c := e.client()
		res, body = c.get("/password-reset/confirm?token=" + m[1])
		wantStatus(t, "link page", res, body, http.StatusOK)
		wantContains(t, "link page", body, `name="revoke_tokens"`)
		res, body = c.post("/password-reset/confirm", url.Values{"token": {m[1]}, "password": {"short"}})
		wantStatus(t, "short password", res, body, http.StatusUnprocessableEntity)
		res, _ = c.post("/password-reset/confirm", url.Values{"token": {m[1]}, "password": {"a brand new passphrase"}, "revoke_tokens": {"1"}})
		wantRedirect(t, "reset", res, "/profile")
		res, body = c.get("/profile")
		wantStatus(t, "profile after the reset", res, body, http.StatusOK)
		wantContains(t, "profile after the reset", body, e.T("reset.done"))
		res, _ = other.get("/profile")
		wantRedirect(t, "the other session after the reset", res, "/login?next=%2Fprofile")
		if _, err := e.svc.AuthenticateToken(context.Background(), personal); err == nil {
			t.Error("the personal token survived although its revocation was asked for")
		}
		res, body = c.post("/password-reset/confirm", url.Values{"token": {m[1]}, "password": {"another new passphrase"}})
		wantStatus(t, "spent link", res, body, http.StatusUnprocessableEntity)
		wantContains(t, "spent link", body, e.T("reset.link_invalid"))
	})
}

// TestProfilePasswordOffersToRevokeTokens: the password form names the personal
// tokens that survive a change and revokes them when asked.
func TestProfilePasswordOffersToRevokeTokens(t *testing.T) {
	t.Parallel()
	testkit.EachDB(t, func(t *testing.T, d *db.DB) {
		e := newAcctEnv(t, d)
		u := e.user("emp@example.com", "Emil Employee", users.RoleEmployee)
		c := e.client().login(u.Email)
		_, body := c.get("/profile")
		wantNotContains(t, "no tokens", body, `name="revoke_tokens"`)
		personal, _, err := e.svc.CreateToken(context.Background(), u, "deploy script", 24*time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		_, body = c.get("/profile")
		wantContains(t, "a live token", body, e.T("password.tokens_survive", "Names", "deploy script"), `name="revoke_tokens"`)
		res, _ := c.post("/profile/password", url.Values{"current_password": {acctPassword}, "new_password": {"another long pass phrase"}, "revoke_tokens": {"1"}})
		wantRedirect(t, "password change", res, "/profile")
		_, body = c.get("/profile")
		wantContains(t, "after the change", body, e.T("password.tokens_revoked"))
		if _, err := e.svc.AuthenticateToken(context.Background(), personal); err == nil {
			t.Error("the personal token survived although its revocation was asked for")
		}
	})
}
