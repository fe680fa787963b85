package users

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"smartservice/internal/audit"
)

// record appends an audit entry for a change actor made, in the change's tx.
func (s *Service) record(ctx context.Context, tx *sql.Tx, actor *User, kind, subject string, before, after any) error {
	e := audit.Entry{At: s.now(), Kind: kind, Subject: subject, Before: before, After: after}
	if actor != nil {
		e.ActorID, e.ActorEmail = actor.ID, actor.Email
	}
	return audit.Record(ctx, tx, e)
}

// accessState is what the audit trail keeps of an account: what an admin changes.
type accessState struct {
	Roles       []Role   `json:"roles"`
	Departments []string `json:"departments"`
	Active      bool     `json:"active"`
	Available   bool     `json:"available"`
}

func accessOf(u *User) accessState {
	st := accessState{Roles: slices.Clone(u.Roles), Active: u.Active, Available: u.Available, Departments: []string{}}
	for _, d := range u.Departments {
		st.Departments = append(st.Departments, d.Code)
	}
	slices.Sort(st.Departments)
	return st
}

func userSubject(u *User) string { return fmt.Sprintf("user %d %s", u.ID, u.Email) }

// departmentState is what the audit trail keeps of a department.
type departmentState struct {
	Code           string `json:"code"`
	NameEN         string `json:"name_en"`
	NameRU         string `json:"name_ru"`
	TelegramChatID string `json:"telegram_chat_id,omitempty"`
}

func departmentOf(d Department) departmentState {
	return departmentState{Code: d.Code, NameEN: d.NameEN, NameRU: d.NameRU, TelegramChatID: d.TelegramChatID}
}

func departmentSubject(d Department) string { return "department " + d.Code }

// tokenState is what the audit trail keeps of a token: never its secret.
type tokenState struct {
	ID        int64  `json:"id"`
	Name      string `json:"name"`
	ExpiresAt string `json:"expires_at,omitempty"`
}
