package users

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/mail"
)

// MailResult is what a face may tell after a request that may send a mail: the same
// for every address, whether a mail went or not.
type MailResult struct {
	Email string
	// DevMail is true when no SMTP is configured: links go to the server log.
	DevMail bool
}

// admitMail records a request of kind ("register", "reset") for email from addr and
// says whether it may send a mail. An address over MailThrottle.PerAddress within the
// window is Throttled, whatever it asks about, so the refusal tells nothing about the
// e-mail; an e-mail that already had PerEmail requests gets no further mail, and its
// requester the same answer as everyone else.
func (s *Service) admitMail(ctx context.Context, kind, email, addr string) (bool, error) {
	t := s.opts.MailThrottle
	now := s.now().UTC()
	since := now.Add(-t.Window)
	var byEmail, byAddr int
	if err := s.db.R.QueryRowContext(ctx, "SELECT "+
		"COALESCE(SUM(CASE WHEN email = $2 THEN 1 ELSE 0 END), 0), "+
		"COALESCE(SUM(CASE WHEN addr = $3 THEN 1 ELSE 0 END), 0) "+
		"FROM mail_requests WHERE kind = $1 AND (email = $2 OR addr = $3) AND at > $4",
		kind, email, addr, since).Scan(&byEmail, &byAddr); err != nil {
		return false, fmt.Errorf("users: unable to count mail requests: %w", err)
	}
	if addr != "" && byAddr >= t.PerAddress {
		s.log.Warn("mail request throttled for the address", "kind", kind, "addr", addr, "requests", byAddr)
		return false, apperr.New(apperr.Throttled, "mail.throttled")
	}
	if _, err := s.db.W.ExecContext(ctx, "INSERT INTO mail_requests (kind, email, addr, at) VALUES ($1, $2, $3, $4)",
		kind, email, addr, now); err != nil {
		return false, fmt.Errorf("users: unable to record a mail request: %w", err)
	}
	if byEmail >= t.PerEmail {
		s.log.Info("mail request for an e-mail that had its mails; nothing sent", "kind", kind, "email", email)
		return false, nil
	}
	return true, nil
}

// mailText builds a mail from the catalogue: <key>_subject and <key>_body in lang.
func (s *Service) mailText(lang, to, key string, args ...any) mail.Message {
	loc := s.opts.Catalog.For(lang)
	return mail.Message{To: to, Subject: loc.T("mail."+key+"_subject", args...), Body: loc.T("mail."+key+"_body", args...)}
}

// queueMail inserts the job that sends m, in tx.
func (s *Service) queueMail(ctx context.Context, tx *sql.Tx, m mail.Message) error {
	return s.opts.Jobs.InsertTx(ctx, tx, mail.SendArgs{Message: m}, nil)
}

// sendMail queues m in a transaction of its own.
func (s *Service) sendMail(ctx context.Context, m mail.Message) error {
	return s.db.InTx(ctx, func(tx *sql.Tx) error { return s.queueMail(ctx, tx, m) })
}

// localNext returns p when it is a path of this site (a device page), else "".
func localNext(p string) string {
	if strings.HasPrefix(p, "/") && !strings.HasPrefix(p, "//") && !strings.Contains(p, "\\") {
		return p
	}
	return ""
}

// linkWithNext is the link to path with next in its query when next is local.
func (s *Service) linkWithNext(path string, q url.Values, next string) string {
	if q == nil {
		q = url.Values{}
	}
	if n := localNext(next); n != "" {
		q.Set("next", n)
	}
	return s.link(path, q)
}
