package web

import (
	"net/http"

	"smartservice/internal/users"
)

// departmentTelegram is a department's Telegram group as its row shows it.
type departmentTelegram struct {
	// Title and Since describe the bound group; empty when none.
	Title, Since string
	// Code is a one-time code made by this very request, with its expiry.
	Code, Expires string
}

// telegramRows fills each row's Telegram group for an administrator, when the bot is on.
func (s *Server) telegramRows(r *http.Request, u *users.User, d *adminDepartmentsData) error {
	if !s.Telegram.Enabled() || u == nil {
		return nil
	}
	d.TelegramOn = true
	chats, err := s.Telegram.DepartmentChats(r.Context(), u)
	if err != nil {
		return err
	}
	for i := range d.Rows {
		row := &d.Rows[i]
		row.Telegram = &departmentTelegram{}
		if c, ok := chats[row.ID]; ok {
			row.Telegram.Title, row.Telegram.Since = c.Title, s.stamp(&c.LinkedAt)
			if row.Telegram.Title == "" {
				row.Telegram.Title = "Telegram"
			}
		}
		if row.ID == d.codeFor {
			row.Telegram.Code, row.Telegram.Expires = d.code, d.codeExpires
		}
	}
	return nil
}

// adminDepartmentTelegramCode makes a one-time code that binds a group chat to
// the department ("/link CODE" in the group). The code is in this response only.
func (s *Server) adminDepartmentTelegramCode(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := pathID(r)
	if !ok {
		s.errorPage(w, r, http.StatusNotFound)
		return
	}
	code, expires, err := s.Telegram.NewDepartmentCode(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	s.renderDepartments(w, r, http.StatusOK, &adminDepartmentsData{codeFor: id, code: code, codeExpires: s.stamp(&expires)}, 0, nil)
}
