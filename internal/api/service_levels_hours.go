package api

import (
	"net/http"
	"strconv"
	"time"

	"smartservice/internal/apperr"
	"smartservice/internal/sla"
)

// officeHoursInput replaces the week: the days listed are open, the rest closed;
// an empty list is "around the clock".
type officeHoursInput struct {
	Hours []dayHoursView `json:"hours"`
}

// setOfficeHours answers PUT /api/v1/service-levels/hours (administrators).
func (a *API) setOfficeHours(w http.ResponseWriter, r *http.Request, c *caller) {
	var in officeHoursInput
	if !a.decode(w, r, &in) {
		return
	}
	var week [7]sla.DayInput
	var f apperr.Fields
	seen := map[string]bool{}
	for i, d := range in.Hours {
		found := false
		for wd := time.Sunday; wd <= time.Saturday; wd++ {
			if weekdayName(wd) == d.Weekday && !seen[d.Weekday] {
				week[wd], found, seen[d.Weekday] = sla.DayInput{Opens: d.Opens, Closes: d.Closes}, true, true
			}
		}
		if !found {
			f.Add("hours["+strconv.Itoa(i)+"].weekday", "api.weekday")
		}
	}
	if err := f.Err(); err != nil {
		a.fail(w, r, err)
		return
	}
	out, err := a.SLA.SetHours(r.Context(), c.user, week)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, officeHoursInput{Hours: hoursOf(out)})
}
