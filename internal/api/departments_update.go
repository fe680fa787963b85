package api

import (
	"net/http"

	"smartservice/internal/apperr"
	"smartservice/internal/assets"
	"smartservice/internal/users"
)

// departmentPatch changes the fields it names; the code never changes. Names are
// written as on create (namesInput). A null or empty telegram_chat_id removes the
// chat.
type departmentPatch struct {
	namesInput
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
	var f apperr.Fields
	n := p.apply(assets.Names{EN: cur.NameEN, RU: cur.NameRU}, a.localizer(r).Lang(), &f)
	if f != nil {
		a.invalid(w, r, f)
		return
	}
	in := users.DepartmentInput{NameEN: n.EN, NameRU: n.RU, TelegramChatID: cur.TelegramChatID}
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
