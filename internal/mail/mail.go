// Package mail sends Smart Service's e-mails (registration and password reset links; their
// text comes from the catalogue) through SMTP, or,
// in development mode when no SMTP server is configured, writes them to the log.
// Mails leave through a River job, so a slow or failing mail server neither holds a
// request nor loses a mail: the job retries with backoff.
package mail

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"net/url"
	"strings"
	"time"

	"github.com/riverqueue/river"
)

// Message is one plain-text mail.
type Message struct {
	To      string `json:"to"`
	Subject string `json:"subject"`
	Body    string `json:"body"`
}

// Sender delivers a Message.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// LogSender is development mode: the mail goes to the log, links included.
type LogSender struct{ Logger *slog.Logger }

// Send logs m.
func (l LogSender) Send(_ context.Context, m Message) error {
	l.Logger.Warn("development mode: no SMTP configured (SMARTSERVICE_SMTP_URL), so the mail is written here instead of sent",
		"to", m.To, "subject", m.Subject, "body", m.Body)
	return nil
}

// SMTPSender sends through an SMTP server named by a URL:
// smtp://user:pass@host:587, with STARTTLS when the server offers it.
type SMTPSender struct {
	addr, from string
	auth       smtp.Auth
	timeout    time.Duration
}

// NewSMTP parses the server URL; from is the envelope and header sender.
func NewSMTP(rawURL, from string) (*SMTPSender, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "smtp" || u.Hostname() == "" {
		return nil, errors.New("mail: want smtp://user:pass@host:port (STARTTLS is used when offered)")
	}
	if from == "" || !strings.Contains(from, "@") {
		return nil, errors.New("mail: a sender address (SMARTSERVICE_MAIL_FROM) is required with SMTP")
	}
	port := u.Port()
	if port == "" {
		port = "587"
	}
	s := &SMTPSender{addr: net.JoinHostPort(u.Hostname(), port), from: from, timeout: 20 * time.Second}
	if u.User != nil {
		pw, _ := u.User.Password()
		s.auth = smtp.PlainAuth("", u.User.Username(), pw, u.Hostname())
	}
	return s, nil
}

// Send delivers m.
func (s *SMTPSender) Send(ctx context.Context, m Message) error {
	if strings.ContainsAny(m.To, "\r\n") || strings.ContainsAny(m.Subject, "\r\n") {
		return errors.New("mail: header injection refused")
	}
	msg := "From: " + s.from + "\r\nTo: " + m.To + "\r\nSubject: " + mime.QEncoding.Encode("utf-8", m.Subject) +
		"\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" +
		strings.ReplaceAll(m.Body, "\n", "\r\n")
	done := make(chan error, 1)
	// net/smtp.SendMail uses STARTTLS when the server offers it and refuses PLAIN
	// auth over an unencrypted connection except to localhost.
	go func() { done <- smtp.SendMail(s.addr, s.auth, s.from, []string{m.To}, []byte(msg)) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(s.timeout):
		return fmt.Errorf("mail: %s did not answer within %s", s.addr, s.timeout)
	}
}

// SendArgs is the job that sends one mail.
type SendArgs struct {
	Message
}

// Kind names the job.
func (SendArgs) Kind() string { return "mail_send" }

// InsertOpts retries a mail for about a day before giving up.
func (SendArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{MaxAttempts: 12} }

// Worker sends queued mails.
type Worker struct {
	river.WorkerDefaults[SendArgs]
	Sender Sender
}

// Work sends the mail; an error makes River retry with backoff.
func (w *Worker) Work(ctx context.Context, job *river.Job[SendArgs]) error {
	return w.Sender.Send(ctx, job.Args.Message)
}
