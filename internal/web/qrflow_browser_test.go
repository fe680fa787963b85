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

// TestBrowserScanRegisterConfirmLoginLandsOnDevice is the accounts issue's done-when:
// at phone width a person opens a device URL while logged out, is sent to login with
// next, registers through the employee directory, confirms the mail link, logs in,
// and lands back on the device URL.
func TestBrowserScanRegisterConfirmLoginLandsOnDevice(t *testing.T) {
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
	b.SetValue("#email", "New.Person@office.example")
	b.SetValue("#password", "зелёный чайник на подоконнике")
	b.Screenshot("register-phone")
	if st := b.ClickAndWait(`form[action="/register"] button[type=submit]`); st != 202 {
		t.Fatalf("registration answered %d, want 202: %s", st, b.Text("main"))
	}
	b.CheckNoHorizontalScroll()

	mail := smtp.WaitMail(t, "new.person@office.example", 30*time.Second)
	m := regexp.MustCompile(`http://\S+/register/confirm\?\S+`).FindString(mail.Data)
	if m == "" || !strings.HasPrefix(m, srv.URL) {
		t.Fatalf("no confirmation link built from the base URL in the mail:\n%s", mail.Data)
	}
	b.Navigate(m)
	b.ClickAndWait(`form[action="/register/confirm"] button[type=submit]`)
	if got, _ := b.Attribute("#email", "value"); got != "new.person@office.example" {
		t.Fatalf("after confirming, the login form should be prefilled, got %q", got)
	}
	b.SetValue("#password", "зелёный чайник на подоконнике")
	b.ClickAndWait(`form[action="/login"] button[type=submit]`)
	if u, _ := url.Parse(b.URL()); u.Path != "/a/Xq7-device" {
		t.Fatalf("after login landed on %s, want /a/Xq7-device", b.URL())
	}
	if !strings.Contains(b.Text("header"), "Новый Сотрудник <b>") {
		t.Fatalf("the header should name the person (escaped), got %q", b.Text("header"))
	}

	// The link works once.
	b.Navigate(m)
	b.ClickAndWait(`form[action="/register/confirm"] button[type=submit]`)
	if b.Status() != 422 {
		t.Fatalf("a spent link answered %d, want 422", b.Status())
	}
}
