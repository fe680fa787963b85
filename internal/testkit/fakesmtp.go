package testkit

import (
	"net"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

// FakeSMTP is a real SMTP server on loopback that accepts every mail and keeps it,
// so tests send through the real SMTP client and read what a mailbox would get.
// It speaks enough of RFC 5321 for net/smtp: EHLO/HELO, MAIL, RCPT, DATA, RSET,
// NOOP, QUIT; no TLS and no AUTH (net/smtp allows that only to localhost).
type FakeSMTP struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []FakeMail
	wg   sync.WaitGroup
	fail bool
}

// FakeMail is one received mail.
type FakeMail struct {
	From string
	To   []string
	Data string
}

// NewFakeSMTP starts the server; it stops when the test ends.
func NewFakeSMTP(t testing.TB) *FakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &FakeSMTP{ln: ln}
	f.wg.Add(1)
	go f.serve()
	t.Cleanup(func() { ln.Close(); f.wg.Wait() })
	return f
}

// URL is the smtp:// URL of the server.
func (f *FakeSMTP) URL() string { return "smtp://" + f.ln.Addr().String() }

// FailTransactions makes the server refuse mails with a 451 (temporary failure).
func (f *FakeSMTP) FailTransactions(fail bool) {
	f.mu.Lock()
	f.fail = fail
	f.mu.Unlock()
}

// Mails returns what was received so far.
func (f *FakeSMTP) Mails() []FakeMail {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]FakeMail(nil), f.msgs...)
}

// WaitMail waits until a mail to rcpt arrives and returns it, or fails the test.
func (f *FakeSMTP) WaitMail(t testing.TB, rcpt string, within time.Duration) FakeMail {
	t.Helper()
	end := time.Now().Add(within)
	for {
		for _, m := range f.Mails() {
			for _, to := range m.To {
				if strings.EqualFold(to, rcpt) {
					return m
				}
			}
		}
		if time.Now().After(end) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no mail to %s within %s (got %d mails)", rcpt, within, len(f.Mails()))
	return FakeMail{}
}

func (f *FakeSMTP) serve() {
	defer f.wg.Done()
	for {
		c, err := f.ln.Accept()
		if err != nil {
			return
		}
		f.wg.Add(1)
		go func() {
			defer f.wg.Done()
			f.session(c)
		}()
	}
}

func (f *FakeSMTP) session(c net.Conn) {
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(30 * time.Second))
	tp := textproto.NewConn(c)
	say := func(s string) { _ = tp.PrintfLine("%s", s) }
	say("220 fake.smtp ESMTP ready")
	var cur FakeMail
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(verb, "EHLO"):
			say("250-fake.smtp")
			say("250 8BITMIME")
		case strings.HasPrefix(verb, "HELO"):
			say("250 fake.smtp")
		case strings.HasPrefix(verb, "MAIL FROM:"):
			cur = FakeMail{From: angleAddr(line[len("MAIL FROM:"):])}
			say("250 OK")
		case strings.HasPrefix(verb, "RCPT TO:"):
			cur.To = append(cur.To, angleAddr(line[len("RCPT TO:"):]))
			say("250 OK")
		case verb == "DATA":
			say("354 end with <CRLF>.<CRLF>")
			data, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			f.mu.Lock()
			failing := f.fail
			if !failing {
				cur.Data = string(data)
				f.msgs = append(f.msgs, cur)
			}
			f.mu.Unlock()
			if failing {
				say("451 try again later")
			} else {
				say("250 OK queued")
			}
		case verb == "RSET":
			cur = FakeMail{}
			say("250 OK")
		case verb == "NOOP":
			say("250 OK")
		case verb == "QUIT":
			say("221 bye")
			return
		default:
			say("502 not implemented")
		}
	}
}

// angleAddr takes the address out of "<a@b> PARAM=…".
func angleAddr(s string) string {
	s = strings.TrimSpace(s)
	if i, j := strings.IndexByte(s, '<'), strings.IndexByte(s, '>'); i >= 0 && j > i {
		return s[i+1 : j]
	}
	return s
}
