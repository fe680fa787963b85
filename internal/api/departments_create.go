package api

import (
	"fmt"
	"net/http"

	"smartservice/internal/users"
)

type departmentInput struct {
	Code           string  `json:"code"`
	NameEN         string  `json:"name_en"`
	NameRU         string  `json:"name_ru"`
	TelegramChatID *string `json:"telegram_chat_id"`
}

// createDepartment answers POST /api/v1/departments (admin) with 201 and the department.
func (a *API) createDepartment(w http.ResponseWriter, r *http.Request, c *caller) {
	var in departmentInput
	if !a.decode(w, r, &in) {
		return
	}
	d, err := a.Accounts.CreateDepartment(r.Context(), c.user, users.DepartmentInput{
		Code: in.Code, NameEN: in.NameEN, NameRU: in.NameRU, TelegramChatID: deref(in.TelegramChatID),
	})
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("/api/v1/departments/%d", d.ID))
	a.writeJSON(w, http.StatusCreated, a.departmentView(a.localizer(r), d))
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
