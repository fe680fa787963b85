package notify

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"smartservice/internal/mail"
)

// mailChannel delivers notifications by mail through the mail package's sender
// (SMTP, or the log in development mode). It is always registered.
type mailChannel struct {
	s      *Service
	sender mail.Sender
}

// MailChannel returns the mail channel of s, sending with sender.
func MailChannel(s *Service, sender mail.Sender) Channel { return &mailChannel{s: s, sender: sender} }

// Name is ChannelMail.
func (c *mailChannel) Name() string { return ChannelMail }

// Deliver renders n in the recipient's language and sends it. A person with no
// active account, or a department (mail goes to people only), cannot be reached.
func (c *mailChannel) Deliver(ctx context.Context, n Notification) (Receipt, error) {
	if n.UserID == 0 {
		return Receipt{}, ErrRecipientGone
	}
	var to string
	var active bool
	err := c.s.db.R.QueryRowContext(ctx, "SELECT email, active FROM users WHERE id = $1", n.UserID).Scan(&to, &active)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && (!active || to == "")) {
		return Receipt{}, ErrRecipientGone
	}
	if err != nil {
		return Receipt{}, fmt.Errorf("notify: unable to read the recipient: %w", err)
	}
	m, err := c.s.Render(ctx, c.s.db.R, n)
	if err != nil {
		return Receipt{}, err
	}
	if err := c.sender.Send(ctx, mail.Message{To: to, Subject: m.Subject, Body: m.Body}); err != nil {
		return Receipt{}, err
	}
	return Receipt{ExternalID: "mail:" + to, Text: m.Body}, nil
}
