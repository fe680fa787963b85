package api

import "net/http"

// holidayInput names a holiday.
type holidayInput struct {
	Name string `json:"name"`
}

// putHoliday answers PUT /api/v1/service-levels/holidays/{day} (administrators):
// the date is closed; putting it again renames it.
func (a *API) putHoliday(w http.ResponseWriter, r *http.Request, c *caller) {
	var in holidayInput
	if !a.decode(w, r, &in) {
		return
	}
	h, err := a.SLA.AddHoliday(r.Context(), c.user, r.PathValue("day"), in.Name)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, holidayView{Day: h.Day, Name: h.Name})
}
