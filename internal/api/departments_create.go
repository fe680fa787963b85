package api

import (
	"fmt"
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/users"
)

// departmentInput is a new department. Its names are written as every named
// resource's are (namesInput): name_en and name_ru, or name for the one in the
// request's language; name and a different name_<lang> together are a 422.
type departmentInput struct {
	Code string `json:"code"`
	namesInput
	TelegramChatID *string `json:"telegram_chat_id"`
}

// createDepartment answers POST /api/v1/departments (admin) with 201 and the department.
func (a *API) createDepartment(w http.ResponseWriter, r *http.Request, c *caller) {
	var in departmentInput
	if !a.decode(w, r, &in) {
		return
	}
	var f apperr.Fields
	n := in.apply(assets.Names{}, a.localizer(r).Lang(), &f)
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	d, err := a.Accounts.CreateDepartment(r.Context(), c.user, users.DepartmentInput{
		Code: in.Code, NameEN: n.EN, NameRU: n.RU, TelegramChatID: deref(in.TelegramChatID),
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
