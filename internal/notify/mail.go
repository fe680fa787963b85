package notify

import (
	"context"

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
	// The account and the ticket in one query: a delivery runs beside the
	// filings, on the same cores and, on PostgreSQL, the same connections.
	d, r, err := readRenderDataTo(ctx, c.s.db.R, n.TicketID, n.EventID, n.UserID)
	if err != nil {
		return Receipt{}, err
	}
	if !r.active || r.email == "" {
		return Receipt{}, ErrRecipientGone
	}
	m := c.s.compose(d, n)
	if err := c.sender.Send(ctx, mail.Message{To: r.email, Subject: m.Subject, Body: m.Body}); err != nil {
		return Receipt{}, err
	}
	return Receipt{ExternalID: "mail:" + r.email, Text: m.Body}, nil
}
