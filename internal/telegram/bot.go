package telegram

// Updates from Telegram (getUpdates or the webhook): linking commands, button
// presses and replies. A chat is trusted only as far as its link: presses and
// replies act as the linked account through the same domain functions as the
// pages, which check every right; callback data carries nothing but an opaque
// key of a message the bot sent to that very chat.

import (
	"context"
	"database/sql"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/i18n"
	"smartservice/internal/notify"
	"smartservice/internal/tickets"
	"smartservice/internal/users"
)

// Message kinds of the questions Done and Cancel ask.
const (
	kindAskDone   = "ask_done"
	kindAskCancel = "ask_cancel"
)

// HandleUpdate handles one update. Its errors are the database's; what a user
// did wrong is answered in the chat.
func (s *Service) HandleUpdate(ctx context.Context, u Update) error {
	switch {
	case u.CallbackQuery != nil:
		return s.press(ctx, u.CallbackQuery)
	case u.Message != nil && u.Message.From != nil && !u.Message.From.IsBot:
		if u.Message.Chat.Type == "private" {
			return s.private(ctx, u.Message)
		}
		return s.group(ctx, u.Message)
	}
	return nil
}

// say sends a plain text to a chat; failures are logged (an answer is not a notification).
func (s *Service) say(ctx context.Context, chatID int64, text string, replyTo int64) {
	if _, err := s.client.SendMessage(ctx, SendMessage{ChatID: chatID, Text: escape(text), ParseMode: "HTML", ReplyToMessageID: replyTo}); err != nil {
		s.d.Logger.Warn("telegram: an answer was not sent", "chat", chatID, "err", err)
	}
}

// command splits "/start@bot arg" into "/start" and "arg".
func command(text string) (string, string) {
	cmd, arg, _ := strings.Cut(strings.TrimSpace(text), " ")
	cmd, _, _ = strings.Cut(cmd, "@")
	return strings.ToLower(cmd), strings.TrimSpace(arg)
}

// private handles a message in a person's chat with the bot.
func (s *Service) private(ctx context.Context, m *Message) error {
	guest := s.localizer(m.From.LanguageCode)
	cmd, arg := command(m.Text)
	if cmd == "/start" {
		return s.start(ctx, m, arg, guest)
	}
	link, err := linkOfChat(ctx, s.d.DB.R, m.Chat.ID)
	if err != nil {
		return err
	}
	if link == nil {
		s.say(ctx, m.Chat.ID, guest.T("telegram.link_first"), 0)
		return nil
	}
	if link.DeadAt != nil { // they wrote: the chat works again
		if err := revive(ctx, s.d.DB.W, m.Chat.ID); err != nil {
			return err
		}
	}
	u, err := s.account(ctx, link.UserID)
	if err != nil {
		return err
	}
	l := s.localizer(u.Language)
	if cmd == "/stop" {
		if _, err := deleteLinkOfUser(ctx, s.d.DB.W, u.ID); err != nil {
			return err
		}
		s.say(ctx, m.Chat.ID, l.T("telegram.unlinked"), 0)
		return nil
	}
	if !u.Active {
		s.say(ctx, m.Chat.ID, l.T("telegram.deactivated"), m.MessageID)
		return nil
	}
	if m.ReplyToMessage != nil {
		return s.reply(ctx, m, u, l)
	}
	s.say(ctx, m.Chat.ID, l.T("telegram.help"), 0)
	return nil
}

// start spends a deep link's token and links the chat to its account.
func (s *Service) start(ctx context.Context, m *Message, token string, guest *i18n.Localizer) error {
	var userID int64
	if token != "" && len(token) <= 64 {
		err := s.d.DB.InTx(ctx, func(tx *sql.Tx) error {
			var err error
			if userID, err = spendLinkToken(ctx, tx, token, s.now()); err != nil || userID == 0 {
				return err
			}
			return setLink(ctx, tx, userID, m.Chat.ID, "@"+m.From.Username, s.now())
		})
		if err != nil {
			return err
		}
	}
	if userID == 0 {
		s.say(ctx, m.Chat.ID, guest.T("telegram.link_first"), 0)
		return nil
	}
	u, err := s.account(ctx, userID)
	if err != nil {
		return err
	}
	s.say(ctx, m.Chat.ID, s.localizer(u.Language).T("telegram.linked", "Name", u.FullName), 0)
	return nil
}

// group handles a message in a group: /link binds it to a department; a reply
// to a ticket's message from a linked person is a comment. Anything else is
// the group's own talk and is left alone.
func (s *Service) group(ctx context.Context, m *Message) error {
	cmd, arg := command(m.Text)
	if cmd == "/link" {
		deptID := int64(0)
		if arg != "" && len(arg) <= 32 {
			err := s.d.DB.InTx(ctx, func(tx *sql.Tx) error {
				var err error
				var before *DepartmentChat
				deptID, before, err = bindDepartment(ctx, tx, strings.ToUpper(arg), m.Chat.ID, m.Chat.Title, s.now())
				if err != nil || deptID == 0 {
					return err
				}
				return s.recordBound(ctx, tx, m, deptID, before)
			})
			if err != nil {
				return err
			}
		}
		l := s.localizer(m.From.LanguageCode)
		if deptID == 0 {
			s.say(ctx, m.Chat.ID, l.T("telegram.code_bad"), m.MessageID)
			return nil
		}
		name := ""
		if deps, err := s.d.Users.ListDepartments(ctx); err == nil {
			for _, d := range deps {
				if d.ID == deptID {
					name = l.Name(d.NameEN, d.NameRU)
				}
			}
		}
		s.say(ctx, m.Chat.ID, l.T("telegram.group_linked", "Department", name), 0)
		return nil
	}
	if m.ReplyToMessage == nil {
		return nil
	}
	link, err := linkOfChat(ctx, s.d.DB.R, m.From.ID)
	if err != nil || link == nil {
		return err
	}
	u, err := s.account(ctx, link.UserID)
	if err != nil {
		return err
	}
	if !u.Active {
		return nil
	}
	return s.reply(ctx, m, u, s.localizer(u.Language))
}

// reply turns a reply to one of the bot's messages into a comment, or into the
// resolution or reason a Done or Cancel press asked for.
func (s *Service) reply(ctx context.Context, m *Message, u *users.User, l *i18n.Localizer) error {
	sent, err := sentByMessage(ctx, s.d.DB.R, m.Chat.ID, m.ReplyToMessage.MessageID)
	if err != nil {
		return err
	}
	if sent == nil {
		s.say(ctx, m.Chat.ID, l.T("telegram.help"), m.MessageID)
		return nil
	}
	text := strings.TrimSpace(m.Text)
	if text == "" {
		s.say(ctx, m.Chat.ID, l.T("telegram.empty_text"), m.MessageID)
		return nil
	}
	num := (&tickets.Ticket{ID: sent.TicketID}).Number()
	var key string
	switch {
	case sent.Kind == kindAskDone && sent.UserID == u.ID:
		_, err = s.d.Tickets.Complete(ctx, u, sent.TicketID, text)
		key = "telegram.resolution_saved"
	case sent.Kind == kindAskCancel && sent.UserID == u.ID:
		_, err = s.d.Tickets.Cancel(ctx, u, sent.TicketID, text)
		key = "telegram.reason_saved"
	default:
		_, err = s.d.Tickets.Comment(ctx, u, sent.TicketID, text)
		key = "telegram.comment_added"
	}
	if msg, ok := s.refusal(l, err); ok {
		s.say(ctx, m.Chat.ID, msg, m.MessageID)
		return nil
	} else if err != nil {
		return err
	}
	s.say(ctx, m.Chat.ID, l.T(key, "Number", num), m.MessageID)
	if sent.Kind == kindAskDone || sent.Kind == kindAskCancel {
		s.refreshTicketMessages(ctx, u, sent.TicketID)
	}
	return nil
}

// refusal translates a domain error for the chat; false when err is not one.
func (s *Service) refusal(l *i18n.Localizer, err error) (string, bool) {
	if err == nil {
		return "", false
	}
	ae := apperr.As(err)
	if ae == nil || ae.Code == apperr.Internal {
		return "", false
	}
	msg := l.T(ae.Key, ae.Args...)
	for _, f := range ae.Fields {
		msg += " " + l.T(f.Key, f.Args...)
	}
	return msg, true
}

// press handles a button press.
func (s *Service) press(ctx context.Context, q *CallbackQuery) error {
	guest := s.localizer(q.From.LanguageCode)
	answer := func(text string) {
		if err := s.client.AnswerCallbackQuery(ctx, q.ID, text, text != ""); err != nil {
			s.d.Logger.Warn("telegram: a press was not answered", "err", err)
		}
	}
	// The presser first: answers are in their language.
	link, err := linkOfChat(ctx, s.d.DB.R, q.From.ID)
	if err != nil {
		answer("")
		return err
	}
	if link == nil {
		answer(guest.T("telegram.link_first"))
		return nil
	}
	u, err := s.account(ctx, link.UserID)
	if err != nil {
		answer("")
		return err
	}
	l := s.localizer(u.Language)
	act, key, _ := strings.Cut(q.Data, ":")
	var sent *sentMessage
	if q.Message != nil && key != "" && len(key) <= 32 {
		if sent, err = sentByKey(ctx, s.d.DB.R, key); err != nil {
			answer("")
			return err
		}
	}
	// The key must name a message the bot sent to the very chat and message pressed.
	if sent == nil || sent.ChatID != q.Message.Chat.ID || sent.MessageID != q.Message.MessageID {
		answer(l.T("telegram.stale"))
		return nil
	}
	if !u.Active {
		answer(l.T("telegram.deactivated"))
		return nil
	}
	if sent.UserID != 0 && sent.UserID != u.ID { // someone else's private message: not possible unless forged
		answer(l.T("telegram.stale"))
		return nil
	}
	switch act {
	case actTake:
		_, err = s.d.Tickets.Take(ctx, u, sent.TicketID)
	case actStart:
		_, err = s.d.Tickets.Start(ctx, u, sent.TicketID)
	case actDone, actCancel:
		return s.ask(ctx, q, u, l, sent, act, answer)
	default:
		answer(l.T("telegram.stale"))
		return nil
	}
	if msg, ok := s.refusal(l, err); ok {
		if act == actTake && apperr.CodeOf(err) == apperr.Conflict {
			if v, verr := s.d.Tickets.View(ctx, u, sent.TicketID); verr == nil && v.Row.AssigneeName != "" {
				msg = l.T("telegram.taken_by", "Name", v.Row.AssigneeName)
			}
		}
		answer(msg)
		s.refresh(ctx, sent, u)
		return nil
	} else if err != nil {
		answer("")
		return err
	}
	answer("")
	s.refreshTicketMessages(ctx, u, sent.TicketID)
	if sent.DepartmentID != 0 {
		s.refresh(ctx, sent, u)
	}
	return nil
}

// ask answers a Done or Cancel press with a question the person replies to:
// a resolution or a reason is required, and a reply is how a chat gives text.
// Whether they may is checked now (the buttons may be old) and again on the reply.
func (s *Service) ask(ctx context.Context, q *CallbackQuery, u *users.User, l *i18n.Localizer, sent *sentMessage, act string, answer func(string)) error {
	v, err := s.d.Tickets.View(ctx, u, sent.TicketID)
	if msg, ok := s.refusal(l, err); ok {
		answer(msg)
		return nil
	} else if err != nil {
		answer("")
		return err
	}
	kind, key := kindAskDone, "telegram.ask_resolution"
	allowed := v.Actions.Complete
	if act == actCancel {
		kind, key, allowed = kindAskCancel, "telegram.ask_reason", v.Actions.Cancel
	}
	if !allowed {
		answer(l.T("ticket.transition"))
		s.refresh(ctx, sent, u)
		return nil
	}
	answer("")
	msg, err := s.client.SendMessage(ctx, SendMessage{ChatID: q.Message.Chat.ID, Text: escape(l.T(key, "Number", v.Row.Number())), ParseMode: "HTML",
		ReplyToMessageID: q.Message.MessageID, ReplyMarkup: &ForceReply{ForceReply: true, InputFieldPlaceholder: l.T("telegram.ask_placeholder")}})
	if err != nil {
		s.d.Logger.Warn("telegram: a question was not sent", "err", err)
		return nil
	}
	return insertSent(ctx, s.d.DB.W, &sentMessage{ChatID: q.Message.Chat.ID, MessageID: msg.MessageID, TicketID: sent.TicketID, Kind: kind,
		UserID: u.ID, ButtonKey: randomToken(9)}, s.now())
}

// refreshTicketMessages re-renders the person's own assigned messages about a
// ticket after a change, so their buttons are the ones that now apply.
func (s *Service) refreshTicketMessages(ctx context.Context, u *users.User, ticketID int64) {
	rows, err := s.d.DB.R.QueryContext(ctx, "SELECT "+sentColumns+" FROM telegram_messages WHERE ticket_id = $1 AND user_id = $2 AND kind = $3",
		ticketID, u.ID, notify.KindAssigned)
	if err != nil {
		s.d.Logger.Warn("telegram: reading messages to refresh", "err", err)
		return
	}
	var list []sentMessage
	for rows.Next() {
		var m sentMessage
		if err := rows.Scan(&m.ID, &m.ChatID, &m.MessageID, &m.NotificationID, &m.TicketID, &m.Kind, &m.UserID, &m.DepartmentID, &m.ButtonKey); err == nil {
			list = append(list, m)
		}
	}
	rows.Close()
	for i := range list {
		s.refresh(ctx, &list[i], u)
	}
}

// refresh edits a sent message to the ticket's state now: for a person's
// message as they see it; for a department's, as its staff see it (who took it,
// and no Take once it is taken).
func (s *Service) refresh(ctx context.Context, sent *sentMessage, presser *users.User) {
	reader := presser
	if sent.DepartmentID != 0 {
		reader = &users.User{Active: true, Roles: []users.Role{users.RoleExecutor}, Departments: []users.Department{{ID: sent.DepartmentID}}}
	}
	v, err := s.d.Tickets.View(ctx, reader, sent.TicketID)
	if err != nil {
		return
	}
	lang := presser.Language
	if sent.UserID == 0 {
		lang = s.d.Catalog.Default()
	}
	l := s.localizer(lang)
	kind := sent.Kind
	if sent.DepartmentID != 0 && v.Row.AssigneeName != "" {
		kind = notify.KindTaken // no longer waiting
	}
	m := s.render(l, kind, v, "")
	m.Keyboard = keyboard(l, v.Actions, sent.ButtonKey, sent.DepartmentID != 0)
	if sent.DepartmentID != 0 && v.Row.AssigneeName != "" {
		m.head = append(m.head, escape(l.T("telegram.taken_by", "Name", v.Row.AssigneeName)))
	}
	if err := s.client.EditMessageText(ctx, EditMessageText{ChatID: sent.ChatID, MessageID: sent.MessageID, Text: m.html(), ParseMode: "HTML", ReplyMarkup: m.Keyboard}); err != nil {
		s.d.Logger.Warn("telegram: a message was not refreshed", "err", err)
	}
}
