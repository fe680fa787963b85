package users_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/db"
	"smartservice/internal/users"
)

func init() {
	dbCases = append(dbCases, dbCase{"RegisterOneAnswerForEveryAddress", testRegisterOneAnswerForEveryAddress})
	dbCases = append(dbCases, dbCase{"RegisterCannotBePreHijacked", testRegisterCannotBePreHijacked})
	dbCases = append(dbCases, dbCase{"RegisterMailsThrottled", testRegisterMailsThrottled})
}

// testRegisterOneAnswerForEveryAddress: an account, a directory employee without one,
// a leaver and a stranger all get the very same answer; only the mails differ.
func testRegisterOneAnswerForEveryAddress(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	e.mkUser("anna@example.com")
	e.dir.AddActive("anna@example.com", "Anna")
	e.dir.AddActive("boris@example.com", "Boris")
	e.dir.AddInactive("gone@example.com", "Gone")
	answers := map[string]string{}
	for _, email := range []string{"anna@example.com", "boris@example.com", "gone@example.com", "stranger@example.com"} {
		res, err := e.svc.Register(ctx, users.RegisterInput{Email: email, Language: "en", Addr: "192.0.2.1"})
		if err != nil {
			t.Fatalf("%s: %v", email, err)
		}
		answers[email] = fmt.Sprintf("%v", res.DevMail)
		if res.Email != email {
			t.Errorf("%s: answer names %q", email, res.Email)
		}
	}
	if answers["anna@example.com"] != answers["boris@example.com"] || answers["boris@example.com"] != answers["gone@example.com"] ||
		answers["gone@example.com"] != answers["stranger@example.com"] {
		t.Errorf("answers differ: %v", answers)
	}
	mails := e.mailJobs()
	got := map[string]string{}
	for _, m := range mails {
		got[m.To] = m.Body
	}
	// Anna's account is Russian, so is her mail.
	if len(mails) != 2 || !strings.Contains(got["anna@example.com"], "учётная запись у вас уже есть") || linkRe.MatchString(got["anna@example.com"]) ||
		!linkRe.MatchString(got["boris@example.com"]) {
		t.Errorf("mails %+v, want one 'already have an account' to anna and one link to boris", mails)
	}
}

// testRegisterCannotBePreHijacked: whoever asks to register an address sets no
// password; only the link in that mailbox does, and the asker's guess at it fails.
func testRegisterCannotBePreHijacked(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d)
	e.dir.AddActive("victim@example.com", "Victim")
	token := e.register("victim@example.com") // as an attacker would ask
	if n := e.count("SELECT COUNT(*) FROM users"); n != 0 {
		t.Fatalf("%d accounts before the link is used", n)
	}
	_, err := e.svc.CompleteRegistration(ctx, token, "victims own passphrase")
	ok(t, err)
	_, err = e.svc.Login(ctx, users.LoginInput{Email: "victim@example.com", Password: goodPassword})
	wantCode(t, err, apperr.Unauthenticated, "login.failed")
	_, err = e.svc.Login(ctx, users.LoginInput{Email: "victim@example.com", Password: "victims own passphrase"})
	ok(t, err)
	// A bad password does not spend a link.
	e.dir.AddActive("next@example.com", "Next")
	token = e.register("next@example.com")
	_, err = e.svc.CompleteRegistration(ctx, token, "short")
	wantField(t, err, "password", "validation.password_short")
	_, err = e.svc.CompleteRegistration(ctx, token, "next@example.com")
	wantField(t, err, "password", "validation.password_is_email")
	_, err = e.svc.CompleteRegistration(ctx, token, goodPassword)
	ok(t, err)
}

// testRegisterMailsThrottled: an e-mail gets at most PerEmail mails per window, and
// its requester the same answer after; an address gets PerAddress requests, then
// Throttled for any e-mail; both recover when the window passes.
func testRegisterMailsThrottled(t *testing.T, d *db.DB) {
	ctx := context.Background()
	e := newEnv(t, d, func(o *users.Options) {
		o.MailThrottle = users.MailThrottle{Window: time.Hour, PerEmail: 3, PerAddress: 5}
	})
	e.dir.AddActive("anna@example.com", "Anna")
	for i := range 5 {
		_, err := e.svc.Register(ctx, users.RegisterInput{Email: "anna@example.com", Addr: fmt.Sprintf("10.0.0.%d", i)})
		ok(t, err)
	}
	if n := len(e.mailJobs()); n != 3 {
		t.Errorf("%d mails for 5 requests, want 3", n)
	}
	if n := len(e.dir.Requests()); n != 3 {
		t.Errorf("the directory was asked %d times, want 3", n)
	}
	for i := range 5 {
		_, err := e.svc.Register(ctx, users.RegisterInput{Email: fmt.Sprintf("p%d@example.com", i), Addr: "203.0.113.7"})
		ok(t, err)
	}
	for _, email := range []string{"p9@example.com", "anna@example.com"} {
		_, err := e.svc.Register(ctx, users.RegisterInput{Email: email, Addr: "203.0.113.7"})
		wantCode(t, err, apperr.Throttled, "mail.throttled")
	}
	_, err := e.svc.Register(ctx, users.RegisterInput{Email: "p9@example.com", Addr: "198.51.100.1"})
	ok(t, err)
	e.clock.Add(time.Hour)
	_, err = e.svc.Register(ctx, users.RegisterInput{Email: "anna@example.com", Addr: "203.0.113.7"})
	ok(t, err)
	if n := len(e.mailJobs()); n != 4 {
		t.Errorf("%d mails after the window passed, want 4", n)
	}
	e.clock.Add(time.Second)
	ok(t, e.svc.PruneLoginFailures(ctx))
	if n := e.count("SELECT COUNT(*) FROM mail_requests"); n != 1 {
		t.Errorf("%d mail requests kept after pruning, want the last one", n)
	}
}
