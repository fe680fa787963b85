package telegram

// The SQL on the telegram_* tables (migration 00013). One text serves both
// databases; times come from the injected clock in UTC.

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Link is a person's Telegram chat.
type Link struct {
	UserID   int64
	ChatID   int64
	Username string
	LinkedAt time.Time
	// DeadAt is set when Telegram refused to deliver (the user blocked the bot, the
	// chat is gone); DeadReason says which, as Telegram put it.
	DeadAt     *time.Time
	DeadReason string
}

// DepartmentChat is a department's group chat.
type DepartmentChat struct {
	DepartmentID int64
	ChatID       int64
	Title        string
	LinkedAt     time.Time
}

// sentMessage is a row of telegram_messages.
type sentMessage struct {
	ID, ChatID, MessageID, NotificationID, TicketID int64
	Kind                                            string
	UserID, DepartmentID                            int64
	ButtonKey                                       string
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// hashToken is how one-time tokens and codes are stored.
func hashToken(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// randomToken is n random bytes, base64url without padding (the alphabet
// Telegram's /start parameter and callback data accept).
func randomToken(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

const linkColumns = "user_id, chat_id, username, linked_at, dead_at, dead_reason"

func scanLink(row *sql.Row) (*Link, error) {
	var l Link
	var dead sql.NullTime
	err := row.Scan(&l.UserID, &l.ChatID, &l.Username, &l.LinkedAt, &dead, &l.DeadReason)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("telegram: unable to read a link: %w", err)
	}
	if dead.Valid {
		l.DeadAt = &dead.Time
	}
	return &l, nil
}

func linkOfUser(ctx context.Context, q querier, userID int64) (*Link, error) {
	return scanLink(q.QueryRowContext(ctx, "SELECT "+linkColumns+" FROM telegram_links WHERE user_id = $1", userID))
}

func linkOfChat(ctx context.Context, q querier, chatID int64) (*Link, error) {
	return scanLink(q.QueryRowContext(ctx, "SELECT "+linkColumns+" FROM telegram_links WHERE chat_id = $1", chatID))
}

// setLink links userID to chatID, replacing the user's old chat and the chat's old user.
func setLink(ctx context.Context, tx *sql.Tx, userID, chatID int64, username string, now time.Time) error {
	if _, err := tx.ExecContext(ctx, "DELETE FROM telegram_links WHERE user_id = $1 OR chat_id = $2", userID, chatID); err != nil {
		return fmt.Errorf("telegram: unable to replace a link: %w", err)
	}
	_, err := tx.ExecContext(ctx, "INSERT INTO telegram_links (user_id, chat_id, username, linked_at, dead_at, dead_reason) VALUES ($1, $2, $3, $4, NULL, '')",
		userID, chatID, username, now)
	if err != nil {
		return fmt.Errorf("telegram: unable to store a link: %w", err)
	}
	return nil
}

func deleteLinkOfUser(ctx context.Context, q querier, userID int64) (bool, error) {
	res, err := q.ExecContext(ctx, "DELETE FROM telegram_links WHERE user_id = $1", userID)
	if err != nil {
		return false, fmt.Errorf("telegram: unable to unlink: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

func markDead(ctx context.Context, q querier, chatID int64, reason string, now time.Time) error {
	_, err := q.ExecContext(ctx, "UPDATE telegram_links SET dead_at = $1, dead_reason = $2 WHERE chat_id = $3 AND dead_at IS NULL", now, reason, chatID)
	if err != nil {
		return fmt.Errorf("telegram: unable to mark a link dead: %w", err)
	}
	return nil
}

// revive clears a dead mark: the person wrote to the bot again, so the chat works.
func revive(ctx context.Context, q querier, chatID int64) error {
	_, err := q.ExecContext(ctx, "UPDATE telegram_links SET dead_at = NULL, dead_reason = '' WHERE chat_id = $1 AND dead_at IS NOT NULL", chatID)
	if err != nil {
		return fmt.Errorf("telegram: unable to revive a link: %w", err)
	}
	return nil
}

func insertLinkToken(ctx context.Context, q querier, userID int64, token string, expires time.Time) error {
	_, err := q.ExecContext(ctx, "INSERT INTO telegram_link_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, $3)", hashToken(token), userID, expires)
	if err != nil {
		return fmt.Errorf("telegram: unable to store a link token: %w", err)
	}
	return nil
}

// spendLinkToken marks token used and returns its user; 0 when it is unknown,
// used or expired. The conditional UPDATE makes two racing /start one winner.
func spendLinkToken(ctx context.Context, tx *sql.Tx, token string, now time.Time) (int64, error) {
	var userID int64
	err := tx.QueryRowContext(ctx, `UPDATE telegram_link_tokens SET used_at = $1
WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING user_id`, now, hashToken(token)).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("telegram: unable to spend a link token: %w", err)
	}
	return userID, nil
}

const departmentChatColumns = "department_id, chat_id, title, linked_at"

func departmentChat(ctx context.Context, q querier, deptID int64) (*DepartmentChat, error) {
	var c DepartmentChat
	err := q.QueryRowContext(ctx, "SELECT "+departmentChatColumns+" FROM telegram_department_chats WHERE department_id = $1", deptID).
		Scan(&c.DepartmentID, &c.ChatID, &c.Title, &c.LinkedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("telegram: unable to read a department chat: %w", err)
	}
	return &c, nil
}

func departmentChats(ctx context.Context, d *sql.DB) (map[int64]DepartmentChat, error) {
	rows, err := d.QueryContext(ctx, "SELECT "+departmentChatColumns+" FROM telegram_department_chats")
	if err != nil {
		return nil, fmt.Errorf("telegram: unable to list department chats: %w", err)
	}
	defer rows.Close()
	out := map[int64]DepartmentChat{}
	for rows.Next() {
		var c DepartmentChat
		if err := rows.Scan(&c.DepartmentID, &c.ChatID, &c.Title, &c.LinkedAt); err != nil {
			return nil, fmt.Errorf("telegram: unable to read a department chat: %w", err)
		}
		out[c.DepartmentID] = c
	}
	return out, rows.Err()
}

func insertDepartmentCode(ctx context.Context, q querier, deptID int64, code string, expires time.Time) error {
	_, err := q.ExecContext(ctx, "INSERT INTO telegram_department_codes (code_hash, department_id, expires_at) VALUES ($1, $2, $3)", hashToken(code), deptID, expires)
	if err != nil {
		return fmt.Errorf("telegram: unable to store a department code: %w", err)
	}
	return nil
}

// bindDepartment spends code and binds chatID to its department, replacing the
// department's old chat (returned, for the audit trail; nil when none) and the
// chat's old department; 0 when the code is unknown, used or expired.
func bindDepartment(ctx context.Context, tx *sql.Tx, code string, chatID int64, title string, now time.Time) (int64, *DepartmentChat, error) {
	var deptID int64
	err := tx.QueryRowContext(ctx, `UPDATE telegram_department_codes SET used_at = $1
WHERE code_hash = $2 AND used_at IS NULL AND expires_at > $1 RETURNING department_id`, now, hashToken(code)).Scan(&deptID)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("telegram: unable to spend a department code: %w", err)
	}
	before, err := departmentChat(ctx, tx, deptID)
	if err != nil {
		return 0, nil, err
	}
	if _, err := tx.ExecContext(ctx, "DELETE FROM telegram_department_chats WHERE department_id = $1 OR chat_id = $2", deptID, chatID); err != nil {
		return 0, nil, fmt.Errorf("telegram: unable to replace a department chat: %w", err)
	}
	if _, err := tx.ExecContext(ctx, "INSERT INTO telegram_department_chats (department_id, chat_id, title, linked_at) VALUES ($1, $2, $3, $4)",
		deptID, chatID, title, now); err != nil {
		return 0, nil, fmt.Errorf("telegram: unable to bind a department chat: %w", err)
	}
	return deptID, before, nil
}

func unbindDepartment(ctx context.Context, q querier, deptID int64) error {
	if _, err := q.ExecContext(ctx, "DELETE FROM telegram_department_chats WHERE department_id = $1", deptID); err != nil {
		return fmt.Errorf("telegram: unable to unbind a department chat: %w", err)
	}
	return nil
}

func unbindChat(ctx context.Context, q querier, chatID int64) error {
	if _, err := q.ExecContext(ctx, "DELETE FROM telegram_department_chats WHERE chat_id = $1", chatID); err != nil {
		return fmt.Errorf("telegram: unable to unbind a chat: %w", err)
	}
	return nil
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func insertSent(ctx context.Context, q querier, m *sentMessage, now time.Time) error {
	_, err := q.ExecContext(ctx, `INSERT INTO telegram_messages (chat_id, message_id, notification_id, ticket_id, kind, user_id, department_id, button_key, sent_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`, m.ChatID, m.MessageID, m.NotificationID, m.TicketID, m.Kind, nullID(m.UserID), nullID(m.DepartmentID), m.ButtonKey, now)
	if err != nil {
		return fmt.Errorf("telegram: unable to record a sent message: %w", err)
	}
	return nil
}

const sentColumns = "id, chat_id, message_id, notification_id, ticket_id, kind, COALESCE(user_id, 0), COALESCE(department_id, 0), button_key"

func scanSent(row *sql.Row) (*sentMessage, error) {
	var m sentMessage
	err := row.Scan(&m.ID, &m.ChatID, &m.MessageID, &m.NotificationID, &m.TicketID, &m.Kind, &m.UserID, &m.DepartmentID, &m.ButtonKey)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("telegram: unable to read a sent message: %w", err)
	}
	return &m, nil
}

func sentForNotification(ctx context.Context, q querier, id int64) (*sentMessage, error) {
	return scanSent(q.QueryRowContext(ctx, "SELECT "+sentColumns+" FROM telegram_messages WHERE notification_id = $1 AND notification_id <> 0 ORDER BY id LIMIT 1", id))
}

func sentByMessage(ctx context.Context, q querier, chatID, messageID int64) (*sentMessage, error) {
	return scanSent(q.QueryRowContext(ctx, "SELECT "+sentColumns+" FROM telegram_messages WHERE chat_id = $1 AND message_id = $2", chatID, messageID))
}

func sentByKey(ctx context.Context, q querier, key string) (*sentMessage, error) {
	return scanSent(q.QueryRowContext(ctx, "SELECT "+sentColumns+" FROM telegram_messages WHERE button_key = $1", key))
}

// liveLinks reads which of ids have a link that is not dead. The ids come from
// one page of the users list (at most a few hundred), passed as parameters.
func liveLinks(ctx context.Context, q *sql.DB, ids []int64) (map[int64]bool, error) {
	out := make(map[int64]bool, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i] = "$" + strconv.Itoa(i+1)
		args[i] = id
	}
	rows, err := q.QueryContext(ctx, "SELECT user_id FROM telegram_links WHERE dead_at IS NULL AND user_id IN ("+strings.Join(ph, ", ")+")", args...)
	if err != nil {
		return nil, fmt.Errorf("telegram: unable to read links: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("telegram: unable to read links: %w", err)
		}
		out[id] = true
	}
	return out, rows.Err()
}
