package web

import (
	"net/http"
	"strings"
	"time"

	"smartservice/internal/sla"
	"smartservice/internal/users"
)

// slaPageData is /admin/service-levels: the office's hours, its holidays and the
// targets per problem type and per routing rule. Staff read it; administrators
// get the forms (the domain refuses anyone else's post anyway).
type slaPageData struct {
	Notice        string
	Admin         bool
	Zone          string
	RoundTheClock bool
	Days          []slaDay
	Holidays      []sla.Holiday
	Problems      []slaTargetRow
	Rules         []slaTargetRow
	// Hours and Holiday are the two forms (a refused post's values and errors).
	Hours, Holiday *form
}

// slaDay is one weekday's row of the hours form.
type slaDay struct {
	Key, Name, Opens, Closes, Err string
}

// slaTargetRow is a problem type's or a rule's target with its form.
type slaTargetRow struct {
	ID         int64
	Name, Href string
	Form       *form
}

// slaFailed names a refused post, so its form shows the refusal.
type slaFailed struct {
	kind string // "hours", "holiday", "problem", "rule"
	id   int64
	form *form
}

// adminSLA is GET /admin/service-levels.
func (s *Server) adminSLA(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	// A refused form carried over by the language switch comes back filled in.
	var failed *slaFailed
	if id, f := s.takeFormDraft(r); f != nil {
		for _, kind := range []string{"hours", "holiday", "problem", "rule"} {
			n := parseID(strings.TrimPrefix(id, kind+"-"))
			if (&slaFailed{kind: kind, id: n}).formID() == id {
				failed = &slaFailed{kind: kind, id: n, form: f}
			}
		}
	}
	s.renderSLA(w, r, u, http.StatusOK, failed)
}

// formID is the element id of the failed form: the language switch carries it
// over to the page.
func (f *slaFailed) formID() string {
	if f.kind == "hours" || f.kind == "holiday" {
		return "sla-" + f.kind + "-form"
	}
	return f.kind + "-" + itoa(f.id)
}

// renderSLA renders the page; failed (may be nil) stands in for the stored values
// of its form.
func (s *Server) renderSLA(w http.ResponseWriter, r *http.Request, u *users.User, status int, failed *slaFailed) {
	st, err := s.SLA.Settings(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	loc := s.localizer(r)
	d := &slaPageData{Notice: s.popNotice(r), Admin: u.IsAdmin(), Zone: st.Zone, RoundTheClock: st.RoundTheClock(),
		Holidays: st.Holidays, Hours: newForm(), Holiday: newForm()}
	pick := func(kind string, id int64, fresh *form) *form {
		if failed != nil && failed.kind == kind && failed.id == id {
			return failed.form
		}
		return fresh
	}
	hours := newForm()
	for i := 1; i <= 7; i++ {
		wd := time.Weekday(i % 7)
		key := weekdayKey(wd)
		if h := st.Week[wd]; h.Open() {
			hours.Values[key+"_opens"], hours.Values[key+"_closes"] = sla.FormatClock(h.Opens), sla.FormatClock(h.Closes)
		}
	}
	d.Hours = pick("hours", 0, hours)
	d.Holiday = pick("holiday", 0, d.Holiday)
	for i := 1; i <= 7; i++ {
		wd := time.Weekday(i % 7)
		key := weekdayKey(wd)
		d.Days = append(d.Days, slaDay{Key: key, Name: loc.T("sla.day." + itoa(int64(wd))), Opens: d.Hours.Get(key + "_opens"),
			Closes: d.Hours.Get(key + "_closes"), Err: d.Hours.Err("hours." + key)})
	}
	targetForm := func(t sla.Target) *form {
		f := newForm()
		f.Values["take"], f.Values["done"] = sla.FormatTarget(t.TakeMinutes), sla.FormatTarget(t.DoneMinutes)
		return f
	}
	for _, p := range st.Problems {
		d.Problems = append(d.Problems, slaTargetRow{ID: p.ID, Name: loc.Name(p.NameEN, p.NameRU), Form: pick("problem", p.ID, targetForm(p.Target))})
	}
	rules, err := s.Rules.List(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, rule := range rules {
		rr := s.ruleRow(loc, rule)
		name := rr.Class + " · " + rr.Type + " · " + rr.Problem + " → " + rr.Department
		d.Rules = append(d.Rules, slaTargetRow{ID: rule.ID, Name: name, Form: pick("rule", rule.ID, targetForm(st.Rules[rule.ID]))})
	}
	s.render(w, r, status, "admin_sla", "sla.title", d)
}

// weekdayKey is a weekday's form key: "monday".
func weekdayKey(wd time.Weekday) string {
	return map[time.Weekday]string{time.Sunday: "sunday", time.Monday: "monday", time.Tuesday: "tuesday", time.Wednesday: "wednesday",
		time.Thursday: "thursday", time.Friday: "friday", time.Saturday: "saturday"}[wd]
}

// slaRefused re-renders the page with failed's refusal, or answers err itself
// when no form can show it.
func (s *Server) slaRefused(w http.ResponseWriter, r *http.Request, u *users.User, failed *slaFailed, err error) {
	status, ok := fill(failed.form, s.localizer(r), err)
	if !ok || status == http.StatusForbidden || status == http.StatusNotFound {
		s.fail(w, r, err)
		return
	}
	s.renderSLA(w, keepOnSwitch(r, failed.formID(), "/admin/service-levels", failed.form), u, status, failed)
}
