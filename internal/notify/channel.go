// Package notify turns the tickets domain's events into notifications: it decides
// who is told of what and on which channel (their preferences, quiet hours), and
// records each notification with its delivery job in the transaction of the
// change it announces. Channels (Telegram, mail) only deliver: they implement
// Channel and never decide recipients.
//
// This file is the contract between notify and the channels; the rest of the
// package implements the deciding and the queue.
package notify

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// Channel names.
const (
	ChannelTelegram = "telegram"
	ChannelMail     = "mail"
)

// Message kinds: what a notification tells its recipient.
const (
	// KindAssigned: a ticket is now yours (at filing or reassignment); the
	// executor's message carries the buttons for what they may do next.
	KindAssigned = "assigned"
	// KindWaiting: a ticket waits in your department with nobody available to
	// take it (to the department's group chat, with a Take button).
	KindWaiting = "waiting"
	// KindTaken, KindDone, KindCancelled, KindReopened and KindComment go to the
	// reporter and the "me too" followers (a follower's view is limited: see
	// tickets.Row.Limited; only comments by the department's staff reach them).
	KindTaken     = "taken"
	KindDone      = "done"
	KindCancelled = "cancelled"
	KindReopened  = "reopened"
	KindComment   = "comment"
	// KindEscalated: to heads, a ticket unassigned longer than the escalation delay.
	KindEscalated = "escalated"
	// KindUnrouted: to admins, a ticket no rule routes.
	KindUnrouted = "unrouted"
	// KindSLAAtRisk: to the assignee (the heads when nobody has the ticket), 80%
	// of the working time to a due time is gone.
	KindSLAAtRisk = "sla_at_risk"
	// KindSLABreached: to the department's heads, a due time passed.
	KindSLABreached = "sla_breached"
)

// Notification is one message to one recipient on one channel, as stored.
// Exactly one of UserID and DepartmentID is set: a person, or a department's
// group chat.
type Notification struct {
	ID           int64
	Channel      string
	Kind         string
	UserID       int64
	DepartmentID int64
	TicketID     int64
	// EventID is the ticket event that caused it; 0 for the periodic ones
	// (escalations).
	EventID int64
	// Lang is the recipient's language ("ru", "en").
	Lang      string
	CreatedAt time.Time
}

// Receipt is what a channel reports of a delivery.
type Receipt struct {
	// ExternalID identifies the message sent on the channel (Telegram's
	// "chat_id:message_id"), so a retried job can tell it was already sent.
	ExternalID string
	// Text is the message as rendered, kept for /admin/notifications.
	Text string
	// Preview is true when nothing was sent because the channel is off (no
	// Telegram token, --demo): Text is what would have been sent.
	Preview bool
}

// Channel delivers notifications of one channel. Deliver renders the message in
// n.Lang from the ticket's current state and sends it; it must not decide who
// receives it. It classifies failures with the errors below; any other error is
// retried with backoff.
type Channel interface {
	Name() string
	Deliver(ctx context.Context, n Notification) (Receipt, error)
}

// ErrRecipientGone: the recipient cannot be reached on this channel (Telegram
// 403 "blocked by the user", 400 "chat not found", no linked chat, no mail
// address). The notification fails for good and is not retried; the channel has
// already marked the link dead where it keeps one.
var ErrRecipientGone = errors.New("notify: the recipient cannot be reached on this channel")

// ErrChannelDown: the channel refuses every message (Telegram 401: the token was
// revoked). Sending on it stops until an admin acts; admins see an alert.
var ErrChannelDown = errors.New("notify: the channel refuses every message")

// RetryAfterError asks for a retry no sooner than After (Telegram 429
// retry_after); the sender slows down as a whole, not only this message.
type RetryAfterError struct{ After time.Duration }

// Error says how long to wait.
func (e *RetryAfterError) Error() string {
	return fmt.Sprintf("notify: rate limited, retry after %s", e.After)
}
