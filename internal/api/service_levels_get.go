package api

import (
	"net/http"
	"sort"
)

// serviceLevels answers GET /api/v1/service-levels: the office's hours, its
// holidays and every target; staff may read them.
func (a *API) serviceLevels(w http.ResponseWriter, r *http.Request, c *caller) {
	st, err := a.SLA.Settings(r.Context(), c.user)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	loc := a.localizer(r)
	v := serviceLevelsView{TimeZone: st.Zone, RoundTheClock: st.RoundTheClock(), Hours: hoursOf(st.Week),
		Holidays: []holidayView{}, ProblemTypes: []problemTargetView{}, Rules: []ruleTargetView{}}
	for _, h := range st.Holidays {
		v.Holidays = append(v.Holidays, holidayView{Day: h.Day, Name: h.Name})
	}
	for _, p := range st.Problems {
		v.ProblemTypes = append(v.ProblemTypes, problemTargetView{ID: p.ID, Name: loc.Name(p.NameEN, p.NameRU), targetView: targetOf(p.Target)})
	}
	for id, t := range st.Rules {
		v.Rules = append(v.Rules, ruleTargetView{ID: id, targetView: targetOf(t)})
	}
	sort.Slice(v.Rules, func(i, j int) bool { return v.Rules[i].ID < v.Rules[j].ID })
	a.writeJSON(w, http.StatusOK, v)
}
