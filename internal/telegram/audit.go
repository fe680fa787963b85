package telegram

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"smartservice/internal/audit"
)

// recordBound writes the audit entry of a group bound to department deptID by a
// /link code, in the binding's transaction. The code was made by an admin (its
// own entry), but whoever types it decides which group receives the
// department's tickets, so the entry names them: their account when their
// private chat is linked, else no account, and the Telegram user in any case.
// It reads the link and the department's code through tx (the users' and
// departments' tables, read-only: the users service takes no transaction).
func (s *Service) recordBound(ctx context.Context, tx *sql.Tx, m *Message, deptID int64, before *DepartmentChat) error {
	e := audit.Entry{At: s.now(), Kind: audit.TelegramBound}
	err := tx.QueryRowContext(ctx, `SELECT u.id, u.email FROM telegram_links l JOIN users u ON u.id = l.user_id
	WHERE l.chat_id = $1 AND l.dead_at IS NULL`, m.From.ID).Scan(&e.ActorID, &e.ActorEmail)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("telegram: unable to read who linked a group: %w", err)
	}
	var code string
	if err := tx.QueryRowContext(ctx, "SELECT code FROM departments WHERE id = $1", deptID).Scan(&code); err != nil {
		return fmt.Errorf("telegram: unable to read a department: %w", err)
	}
	e.Subject = "department " + code
	if before != nil {
		e.Before = chatState(before)
	}
	after := chatState(&DepartmentChat{ChatID: m.Chat.ID, Title: m.Chat.Title})
	after["telegram_user_id"] = m.From.ID
	if m.From.Username != "" {
		after["telegram_username"] = m.From.Username
	}
	e.After = after
	return audit.Record(ctx, tx, e)
}
