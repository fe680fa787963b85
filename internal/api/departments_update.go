package api

import (
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/users"
)

// departmentPatch changes the fields it names; the code never changes. A null or
// empty telegram_chat_id removes the chat.
type departmentPatch struct {
	NameEN         *string   `json:"name_en"`
	NameRU         *string   `json:"name_ru"`
	TelegramChatID optString `json:"telegram_chat_id"`
}

// updateDepartment answers PATCH /api/v1/departments/{id} (admin).
func (a *API) updateDepartment(w http.ResponseWriter, r *http.Request, c *caller) {
	id, ok := pathID(r)
	if !ok {
		a.fail(w, r, apperr.New(apperr.NotFound, "error.not_found"))
		return
	}
	var p departmentPatch
	if !a.decode(w, r, &p) {
		return
	}
	cur, err := a.Accounts.Department(r.Context(), c.user, id)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	in := users.DepartmentInput{NameEN: cur.NameEN, NameRU: cur.NameRU, TelegramChatID: cur.TelegramChatID}
	if p.NameEN != nil {
		in.NameEN = *p.NameEN
	}
	if p.NameRU != nil {
		in.NameRU = *p.NameRU
	}
	if p.TelegramChatID.set {
		in.TelegramChatID = p.TelegramChatID.value
	}
	d, err := a.Accounts.UpdateDepartment(r.Context(), c.user, id, in)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, a.departmentView(a.localizer(r), d))
}
