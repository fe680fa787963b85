package users

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"smartservice/internal/apperr"
	"smartservice/internal/audit"
)

// DepartmentInput is a department as an admin creates or edits it.
type DepartmentInput struct {
	Code           string
	NameEN, NameRU string
	TelegramChatID string
}

var departmentCodeRe = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]{0,39}$`)
var telegramChatRe = regexp.MustCompile(`^-?[0-9]{1,20}$|^@[A-Za-z0-9_]{5,32}$`)

func (in *DepartmentInput) validate(withCode bool) error {
	var f apperr.Fields
	in.Code = strings.ToLower(strings.TrimSpace(in.Code))
	in.NameEN, in.NameRU = strings.TrimSpace(in.NameEN), strings.TrimSpace(in.NameRU)
	in.TelegramChatID = strings.TrimSpace(in.TelegramChatID)
	if withCode && !departmentCodeRe.MatchString(in.Code) {
		f.Add("code", "validation.department_code")
	}
	if in.NameEN == "" && in.NameRU == "" {
		f.Add("name_en", "validation.name_required")
	}
	for field, v := range map[string]string{"name_en": in.NameEN, "name_ru": in.NameRU} {
		if !utf8.ValidString(v) || utf8.RuneCountInString(v) > 100 {
			f.Add(field, "validation.name_long", "Max", 100)
		}
	}
	if in.TelegramChatID != "" && !telegramChatRe.MatchString(in.TelegramChatID) {
		f.Add("telegram_chat_id", "validation.telegram_chat")
	}
	return f.Err()
}

// Department returns one department; anyone logged in may read them.
func (s *Service) Department(ctx context.Context, actor *User, id int64) (Department, error) {
	if actor == nil {
		return Department{}, apperr.New(apperr.Unauthenticated, "login.required")
	}
	d, err := departmentByID(ctx, s.db.R, id)
	if errors.Is(err, sql.ErrNoRows) {
		return Department{}, apperr.New(apperr.NotFound, "error.not_found")
	}
	return d, err
}

// CreateDepartment adds a department (admin).
func (s *Service) CreateDepartment(ctx context.Context, actor *User, in DepartmentInput) (Department, error) {
	if err := requireAdmin(actor); err != nil {
		return Department{}, err
	}
	if err := in.validate(true); err != nil {
		return Department{}, err
	}
	var d Department
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		var err error
		d, err = s.store.CreateDepartmentTx(ctx, tx, Department{Code: in.Code, NameEN: in.NameEN, NameRU: in.NameRU, TelegramChatID: in.TelegramChatID})
		if err != nil {
			return err
		}
		return s.record(ctx, tx, actor, audit.DepartmentCreated, departmentSubject(d), nil, departmentOf(d))
	})
	if isUnique(err) {
		return Department{}, &apperr.Error{Code: apperr.Conflict, Key: "departments.code_taken", Fields: []apperr.FieldError{{Field: "code", Key: "departments.code_taken"}}}
	}
	return d, err
}

// UpdateDepartment renames a department or changes its chat (admin); the code stays.
func (s *Service) UpdateDepartment(ctx context.Context, actor *User, id int64, in DepartmentInput) (Department, error) {
	if err := requireAdmin(actor); err != nil {
		return Department{}, err
	}
	if err := in.validate(false); err != nil {
		return Department{}, err
	}
	var chat any
	if in.TelegramChatID != "" {
		chat = in.TelegramChatID
	}
	var after Department
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := departmentByID(ctx, tx, id)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "UPDATE departments SET name_en = $1, name_ru = $2, telegram_chat_id = $3 WHERE id = $4",
			in.NameEN, in.NameRU, chat, id); err != nil {
			return fmt.Errorf("users: unable to update department: %w", err)
		}
		if after, err = departmentByID(ctx, tx, id); err != nil {
			return err
		}
		if departmentOf(before) == departmentOf(after) {
			return nil
		}
		return s.record(ctx, tx, actor, audit.DepartmentUpdated, departmentSubject(before), departmentOf(before), departmentOf(after))
	})
	if err != nil {
		return Department{}, err
	}
	return after, nil
}

// DeleteDepartment removes a department nobody belongs to (admin); one in use is
// refused with the reason.
func (s *Service) DeleteDepartment(ctx context.Context, actor *User, id int64) error {
	if err := requireAdmin(actor); err != nil {
		return err
	}
	err := s.db.InTx(ctx, func(tx *sql.Tx) error {
		before, err := departmentByID(ctx, tx, id)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "error.not_found")
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, "DELETE FROM departments WHERE id = $1", id); err != nil {
			return err
		}
		return s.record(ctx, tx, actor, audit.DepartmentDeleted, departmentSubject(before), departmentOf(before), nil)
	})
	if isForeignKey(err) {
		return apperr.New(apperr.Conflict, "departments.in_use")
	}
	var ae *apperr.Error
	if err != nil && !errors.As(err, &ae) {
		return fmt.Errorf("users: unable to delete department: %w", err)
	}
	return err
}
