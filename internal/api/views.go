package api

import (
	"smartservice/internal/i18n"
	"smartservice/internal/users"
)

// userView is a person as the API shows them: to themselves (GET /me, login) and
// to admins (the users list).
type userView struct {
	ID          int64           `json:"id"`
	Email       string          `json:"email"`
	FullName    string          `json:"full_name"`
	Position    string          `json:"position"`
	Roles       []string        `json:"roles"`
	Departments []departmentRef `json:"departments"`
	Language    string          `json:"language"`
	Active      bool            `json:"active"`
	// Available executors receive tickets.
	Available bool `json:"available"`
	// TelegramLinked tells whether the person gets messages in Telegram (a live link).
	TelegramLinked bool    `json:"telegram_linked"`
	CreatedAt      string  `json:"created_at"`
	LastLoginAt    *string `json:"last_login_at"`
}

// departmentRef is a department referred to from another resource.
type departmentRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// departmentView is a department in full; Name is in the reader's language.
type departmentView struct {
	ID             int64   `json:"id"`
	Code           string  `json:"code"`
	Name           string  `json:"name"`
	NameEN         string  `json:"name_en"`
	NameRU         string  `json:"name_ru"`
	TelegramChatID *string `json:"telegram_chat_id"`
	CreatedAt      string  `json:"created_at"`
}

// tokenView is a personal API token without its secret.
type tokenView struct {
	ID         int64   `json:"id"`
	Name       string  `json:"name"`
	CreatedAt  string  `json:"created_at"`
	ExpiresAt  string  `json:"expires_at"`
	LastUsedAt *string `json:"last_used_at"`
	RevokedAt  *string `json:"revoked_at"`
}

func (a *API) userView(loc *i18n.Localizer, u *users.User) userView {
	v := userView{
		ID: u.ID, Email: u.Email, FullName: u.FullName, Position: u.Position, Language: u.Language,
		Active: u.Active, Available: u.Available, Roles: []string{}, Departments: []departmentRef{},
		CreatedAt: a.timestamp(u.CreatedAt), LastLoginAt: a.optTimestamp(u.LastLoginAt),
	}
	for _, r := range users.Roles { // display order, not the storage's
		if u.Has(r) {
			v.Roles = append(v.Roles, string(r))
		}
	}
	for _, d := range u.Departments {
		v.Departments = append(v.Departments, departmentRef{ID: d.ID, Name: loc.Name(d.NameEN, d.NameRU)})
	}
	return v
}

func (a *API) departmentView(loc *i18n.Localizer, d users.Department) departmentView {
	v := departmentView{ID: d.ID, Code: d.Code, Name: loc.Name(d.NameEN, d.NameRU), NameEN: d.NameEN, NameRU: d.NameRU,
		CreatedAt: a.timestamp(d.CreatedAt)}
	if d.TelegramChatID != "" {
		v.TelegramChatID = &d.TelegramChatID
	}
	return v
}

func (a *API) tokenView(t users.Token) tokenView {
	return tokenView{ID: t.ID, Name: t.Name, CreatedAt: a.timestamp(t.CreatedAt), ExpiresAt: a.timestamp(t.ExpiresAt),
		LastUsedAt: a.optTimestamp(t.LastUsedAt), RevokedAt: a.optTimestamp(t.RevokedAt)}
}
