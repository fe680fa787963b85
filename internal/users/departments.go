// Package users owns accounts, roles and departments: who may do what in Smart Service.
package users

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"smartservice/internal/cache"
	"smartservice/internal/db"
)

// Department is a team that does the work: office management, IT support, facilities…
type Department struct {
	ID int64
	// Code is the stable short name used by the directory and the rules table ("it").
	Code string
	// NameEN and NameRU are the names in the office's two languages; one may be empty.
	NameEN, NameRU string
	// TelegramChatID is the department's group chat, empty when it has none.
	TelegramChatID string
	CreatedAt      time.Time
}

// Store reads and writes the users module's tables.
type Store struct {
	db  *db.DB
	now func() time.Time
	// lists keeps ListDepartments under the request's catalogue version, which
	// departments move too (migration 00024): the journal's filter reads it on
	// every page.
	lists *cache.Map[int, []Department]
}

// NewStore returns a Store on d; now is the clock (time.Now in production).
func NewStore(d *db.DB, now func() time.Time) *Store {
	if now == nil {
		now = time.Now
	}
	return &Store{db: d, now: now, lists: cache.NewMap[int, []Department](1)}
}

const departmentColumns = "id, code, name_en, name_ru, COALESCE(telegram_chat_id, ''), created_at"

func scanDepartment(row interface{ Scan(...any) error }) (Department, error) {
	var d Department
	err := row.Scan(&d.ID, &d.Code, &d.NameEN, &d.NameRU, &d.TelegramChatID, &d.CreatedAt)
	return d, err
}

// ListDepartments returns every department ordered by code.
func (s *Store) ListDepartments(ctx context.Context) ([]Department, error) {
	return cache.Kept(ctx, s.lists, 0, slices.Clone, func() ([]Department, error) { return s.readDepartments(ctx) })
}

// readDepartments reads ListDepartments from the database.
func (s *Store) readDepartments(ctx context.Context) ([]Department, error) {
	rows, err := s.db.R.QueryContext(ctx, "SELECT "+departmentColumns+" FROM departments ORDER BY code")
	if err != nil {
		return nil, fmt.Errorf("users: unable to list departments: %w", err)
	}
	defer rows.Close()
	var out []Department
	for rows.Next() {
		d, err := scanDepartment(rows)
		if err != nil {
			return nil, fmt.Errorf("users: unable to read a department: %w", err)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// CreateDepartmentTx inserts a department inside the caller's transaction.
func (s *Store) CreateDepartmentTx(ctx context.Context, tx *sql.Tx, d Department) (Department, error) {
	d.CreatedAt = s.now().UTC()
	var chat any
	if d.TelegramChatID != "" {
		chat = d.TelegramChatID
	}
	err := tx.QueryRowContext(ctx,
		"INSERT INTO departments (code, name_en, name_ru, telegram_chat_id, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
		d.Code, d.NameEN, d.NameRU, chat, d.CreatedAt).Scan(&d.ID)
	if err != nil {
		return Department{}, fmt.Errorf("users: unable to create department %q: %w", d.Code, err)
	}
	return d, nil
}

func departmentByCode(ctx context.Context, q querier, code string) (Department, error) {
	return scanDepartment(q.QueryRowContext(ctx, "SELECT "+departmentColumns+" FROM departments WHERE code = $1", code))
}

func departmentByID(ctx context.Context, q querier, id int64) (Department, error) {
	return scanDepartment(q.QueryRowContext(ctx, "SELECT "+departmentColumns+" FROM departments WHERE id = $1", id))
}
