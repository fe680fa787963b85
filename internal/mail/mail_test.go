package mail_test

import (
	"context"
	"strings"
	"testing"

	"smartservice/internal/mail"
	"smartservice/internal/testkit"
)

func TestSMTPDeliversUTF8(t *testing.T) {
	srv := testkit.NewFakeSMTP(t)
	s, err := mail.NewSMTP(srv.URL(), "desk@office.example")
	if err != nil {
		t.Fatal(err)
	}
	err = s.Send(context.Background(), mail.Message{To: "anna@office.example", Subject: "Подтвердите почту", Body: "Ссылка:\nhttp://x/confirm?token=abc\n"})
	if err != nil {
		t.Fatal(err)
	}
	m := srv.WaitMail(t, "anna@office.example", 0)
	if m.From != "desk@office.example" || !strings.Contains(m.Data, "token=abc") || !strings.Contains(m.Data, "charset=utf-8") ||
		!strings.Contains(m.Data, "Subject: =?utf-8?q?") {
		t.Fatalf("unexpected mail: %+v", m)
	}
}

func TestSMTPTemporaryFailureIsAnError(t *testing.T) {
	srv := testkit.NewFakeSMTP(t)
	srv.FailTransactions(true)
	s, _ := mail.NewSMTP(srv.URL(), "desk@office.example")
	if err := s.Send(context.Background(), mail.Message{To: "a@b.c", Subject: "x", Body: "y"}); err == nil {
		t.Fatal("a 451 must be an error so the job retries")
	}
}

func TestHeaderInjectionRefused(t *testing.T) {
	srv := testkit.NewFakeSMTP(t)
	s, _ := mail.NewSMTP(srv.URL(), "desk@office.example")
	if err := s.Send(context.Background(), mail.Message{To: "a@b.c\r\nBcc: x@evil", Subject: "x", Body: "y"}); err == nil {
		t.Fatal("header injection accepted")
	}
	if len(srv.Mails()) != 0 {
		t.Fatal("a mail went out")
	}
}

func TestNewSMTPValidates(t *testing.T) {
	for _, u := range []string{"http://x", "smtps://x:465", "smtp://", "::"} {
		if _, err := mail.NewSMTP(u, "a@b.c"); err == nil {
			t.Errorf("%q accepted", u)
		}
	}
	if _, err := mail.NewSMTP("smtp://localhost", "nobody"); err == nil {
		t.Error("sender without @ accepted")
	}
}
