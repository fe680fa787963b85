package telegram

// The "telegram" notify.Channel: notify's delivery job calls Deliver with a
// stored notification; the message is rendered now, from the ticket as the
// recipient sees it, sent, and recorded in telegram_messages in the same step,
// so a retried job finds it and does not send it twice. The window that remains:
// a crash between Telegram's answer and that insert sends the message again.

import (
	"context"
	"errors"
	"fmt"
	stdhtml "html"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/i18n"
	"smartservice/internal/notify"
	"smartservice/internal/users"
)

// Channel is the bot as a notify.Channel.
type Channel struct{ s *Service }

// NewChannel returns the "telegram" channel of s, to register with notify.
func NewChannel(s *Service) notify.Channel { return &Channel{s: s} }

// Name is notify.ChannelTelegram.
func (c *Channel) Name() string { return notify.ChannelTelegram }

// recipient is where a notification goes and who reads it there.
type recipient struct {
	chatID int64
	reader *users.User
	userID int64
	deptID int64
}

// Deliver renders and sends n. Without a token it sends nothing and returns the
// text as a preview. Call it outside any database transaction: it records the
// sent message itself (on SQLite, through the one writer connection).
func (c *Channel) Deliver(ctx context.Context, n notify.Notification) (notify.Receipt, error) {
	s := c.s
	ctx = s.d.Accounts.Fresh(ctx, true)
	if n.ID != 0 {
		if done, err := sentForNotification(ctx, s.d.DB.R, n.ID); err != nil {
			return notify.Receipt{}, err
		} else if done != nil {
			return notify.Receipt{ExternalID: externalID(done.ChatID, done.MessageID)}, nil
		}
	}
	to, err := s.recipientOf(ctx, n)
	if err != nil {
		return notify.Receipt{}, err
	}
	v, err := s.d.Tickets.View(ctx, to.reader, n.TicketID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return notify.Receipt{}, fmt.Errorf("%w: the ticket is gone or no longer visible to the recipient", notify.ErrRecipientGone)
	}
	if err != nil {
		return notify.Receipt{}, err
	}
	l := s.localizer(n.Lang)
	detail := ""
	if n.Kind == notify.KindComment {
		for _, e := range v.Events {
			if e.ID == n.EventID {
				detail = e.Detail
			}
		}
	}
	m := s.render(l, n.Kind, v, detail)
	key := randomToken(9)
	switch {
	case n.Kind == notify.KindAssigned && to.userID != 0:
		m.Keyboard = keyboard(l, v.Actions, key, false)
	case n.Kind == notify.KindWaiting && to.deptID != 0:
		m.Keyboard = keyboard(l, v.Actions, key, true)
	}
	text := m.html()
	if !s.Enabled() || to.chatID == 0 {
		return notify.Receipt{Preview: true, Text: plainText(text)}, nil
	}
	req := SendMessage{ChatID: to.chatID, Text: text, ParseMode: "HTML", DisableWebPagePreview: true}
	if m.Keyboard != nil && len(m.Keyboard.InlineKeyboard) > 0 {
		req.ReplyMarkup = m.Keyboard
	}
	sent, err := s.client.SendMessage(ctx, req)
	if err != nil {
		return notify.Receipt{}, s.classify(ctx, to, err)
	}
	rec := &sentMessage{ChatID: to.chatID, MessageID: sent.MessageID, NotificationID: n.ID, TicketID: n.TicketID, Kind: n.Kind,
		UserID: to.userID, DepartmentID: to.deptID, ButtonKey: key}
	if err := insertSent(ctx, s.d.DB.W, rec, s.now()); err != nil {
		// Sent but not recorded: a retry would send it again, so report success
		// and log; the buttons of this message will answer "out of date".
		s.d.Logger.Error("telegram: a sent message was not recorded", "notification", n.ID, "err", err)
	}
	return notify.Receipt{ExternalID: externalID(to.chatID, sent.MessageID), Text: plainText(text)}, nil
}

func externalID(chat, msg int64) string {
	return strconv.FormatInt(chat, 10) + ":" + strconv.FormatInt(msg, 10)
}

// recipientOf finds n's chat and the reader whose view of the ticket is rendered.
// A department's chat is read as an executor of that department: the group is
// its staff, and a Take pressed there is checked against the presser anyway.
func (s *Service) recipientOf(ctx context.Context, n notify.Notification) (*recipient, error) {
	if n.DepartmentID != 0 {
		to := &recipient{deptID: n.DepartmentID, reader: &users.User{Active: true, Roles: []users.Role{users.RoleExecutor},
			Departments: []users.Department{{ID: n.DepartmentID}}}}
		chat, err := departmentChat(ctx, s.d.DB.R, n.DepartmentID)
		if err != nil {
			return nil, err
		}
		if chat != nil {
			to.chatID = chat.ChatID
			return to, nil
		}
		// A chat id an admin typed into the department's form before groups
		// could be linked with a code still counts.
		deps, err := s.d.Users.ListDepartments(ctx)
		if err != nil {
			return nil, err
		}
		for _, d := range deps {
			if id, err := strconv.ParseInt(strings.TrimSpace(d.TelegramChatID), 10, 64); d.ID == n.DepartmentID && err == nil && id != 0 {
				to.chatID = id
				return to, nil
			}
		}
		if !s.Enabled() {
			return to, nil // a preview needs no chat
		}
		return nil, fmt.Errorf("%w: the department has no group chat", notify.ErrRecipientGone)
	}
	u, err := s.account(ctx, n.UserID)
	if apperr.CodeOf(err) == apperr.NotFound || (err == nil && !u.Active) {
		return nil, fmt.Errorf("%w: the account is gone or deactivated", notify.ErrRecipientGone)
	}
	if err != nil {
		return nil, err
	}
	to := &recipient{reader: u, userID: u.ID}
	link, err := linkOfUser(ctx, s.d.DB.R, u.ID)
	if err != nil {
		return nil, err
	}
	switch {
	case link != nil && link.DeadAt == nil:
		to.chatID = link.ChatID
	case !s.Enabled():
		// a preview: what would have been sent
	case link == nil:
		return nil, fmt.Errorf("%w: no linked chat", notify.ErrRecipientGone)
	default:
		return nil, fmt.Errorf("%w: the linked chat is dead (%s)", notify.ErrRecipientGone, link.DeadReason)
	}
	return to, nil
}

// classify maps a failed send to notify's errors, marking dead chats.
func (s *Service) classify(ctx context.Context, to *recipient, err error) error {
	var ae *APIError
	if !errors.As(err, &ae) {
		return err // network, timeout: retried
	}
	switch {
	case ae.Code == http.StatusForbidden || (ae.Code == http.StatusBadRequest && strings.Contains(strings.ToLower(ae.Description), "chat not found")):
		var merr error
		if to.deptID != 0 {
			merr = unbindChat(ctx, s.d.DB.W, to.chatID)
		} else {
			merr = markDead(ctx, s.d.DB.W, to.chatID, ae.Description, s.now())
		}
		if merr != nil {
			return merr
		}
		return fmt.Errorf("%w: %s", notify.ErrRecipientGone, ae.Description)
	case ae.Code == http.StatusUnauthorized:
		return fmt.Errorf("%w: %s", notify.ErrChannelDown, ae.Description)
	case ae.Code == http.StatusTooManyRequests:
		return &notify.RetryAfterError{After: ae.RetryAfter}
	}
	return err
}

// localizer is the bot's voice for a person: their account's language.
func (s *Service) localizer(lang string) *i18n.Localizer {
	if lang != "ru" && lang != "en" {
		lang = s.d.Catalog.Default()
	}
	return s.d.Catalog.For(lang)
}

// tagRe matches the tags of Telegram's HTML parse mode (b, i, a, code…).
var tagRe = regexp.MustCompile(`<[^>]*>`)

// plainText is what a reader of the message sees, for /admin/notifications:
// the page escapes it once, so it must not carry the parse mode's markup.
func plainText(html string) string {
	return stdhtml.UnescapeString(tagRe.ReplaceAllString(html, ""))
}
