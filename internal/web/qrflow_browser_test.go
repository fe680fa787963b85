package web_test

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"smartservice/internal/config"
	"smartservice/internal/testkit"
	"smartservice/internal/testkit/browser"
	"smartservice/internal/testkit/testserver"
)

// TestBrowserScanRegisterSetPasswordLandsOnDevice is the accounts issue's done-when:
// at phone width a person opens a device URL while logged out, is sent to login with
// next, registers with the e-mail alone, opens the link from the mail, sets the
// password there and lands back on the device URL, logged in: two screens of ours
// and the mail, no second login.
func TestBrowserScanRegisterSetPasswordLandsOnDevice(t *testing.T) {
	dir := testkit.NewFakeDirectory(t)
	dir.AddActive("new.person@office.example", "Новый Сотрудник <b>", "employee")
	smtp := testkit.NewFakeSMTP(t)
	srv := testserver.Start(t, testserver.Options{Configure: func(c *config.Config) {
		c.DirectoryURL = dir.URL()
		c.SMTPURL = smtp.URL()
		c.MailFrom = "desk@office.example"
	}})
	b := browser.New(t, browser.Phone, browser.AcceptLanguage("ru"))

	b.Navigate(srv.URL + "/a/Xq7-device")
	u, _ := url.Parse(b.URL())
	if u.Path != "/login" || u.Query().Get("next") != "/a/Xq7-device" {
		t.Fatalf("logged-out scan went to %s, want /login?next=/a/Xq7-device", b.URL())
	}
	b.CheckNoHorizontalScroll()
	b.Screenshot("login-phone")

	b.ClickAndWait(`a[href^="/register"]`)
	if !strings.Contains(b.URL(), "next=") {
		t.Fatalf("the register link lost next: %s", b.URL())
	}
	if len(b.Texts("#password")) != 0 {
		t.Fatal("the registration form asks for a password: only the mailbox's owner may set it")
	}
	b.SetValue("#email", "New.Person@office.example")
	b.Screenshot("register-phone")
	if st := b.ClickAndWait(`form[action="/register"] button[type=submit]`); st != 202 {
		t.Fatalf("registration answered %d, want 202: %s", st, b.Text("main"))
	}
	b.CheckNoHorizontalScroll()

	mail := smtp.WaitMail(t, "new.person@office.example", 30*time.Second)
	m := regexp.MustCompile(`http://\S+/register/confirm\?\S+`).FindString(mail.Data)
	if m == "" || !strings.HasPrefix(m, srv.URL) {
		t.Fatalf("no link built from the base URL in the mail:\n%s", mail.Data)
	}
	b.Navigate(m)
	b.CheckNoHorizontalScroll()
	b.Screenshot("set-password-phone")
	b.SetValue("#password", "short")
	if st := b.ClickAndWait(`form[action="/register/confirm"] button[type=submit]`); st != 422 {
		t.Fatalf("a short password answered %d, want 422", st)
	}
	b.SetValue("#password", "зелёный чайник на подоконнике")
	b.ClickAndWait(`form[action="/register/confirm"] button[type=submit]`)
	if u, _ := url.Parse(b.URL()); u.Path != "/a/Xq7-device" {
		t.Fatalf("after setting the password landed on %s, want /a/Xq7-device", b.URL())
	}
	if who := browser.Eval[string](b, `document.querySelector("header .who").textContent`); !strings.Contains(who, "Новый Сотрудник <b>") {
		t.Fatalf("the header should name the person (escaped), got %q", who)
	}

	// The link works once.
	b.Navigate(m)
	b.SetValue("#password", "another long passphrase")
	b.ClickAndWait(`form[action="/register/confirm"] button[type=submit]`)
	if b.Status() != 422 {
		t.Fatalf("a spent link answered %d, want 422", b.Status())
	}
}
