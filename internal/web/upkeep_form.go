package web

import (
	"net/http"
	"strconv"
	"strings"

	"smartservice/internal/apperr"
	"smartservice/internal/i18n"
	"smartservice/internal/upkeep"
	"smartservice/internal/users"
)

// upkeepFormData is the plan form, new or existing.
type upkeepFormData struct {
	// ID is 0 for a new plan.
	ID                                int64
	Notice                            string
	Form                              *form
	Line                              *upkeepLine
	Devices, Types, Classes, Problems []option
	Weekdays                          []weekdayChoice
	Units                             []option
	// Started: the plan exists (its pause, run and delete buttons show).
	Started bool
}

// weekdayChoice is one weekday's checkbox.
type weekdayChoice struct {
	Value, Label string
	Checked      bool
}

// upkeepNew is /upkeep/new: an empty plan form; ?asset_id= (the device page's
// link) preselects that device.
func (s *Server) upkeepNew(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	f := newForm()
	f.Values["target"], f.Values["every"], f.Values["every_n"], f.Values["at"], f.Values["active"] = "type", "weeks", "1", "09:00", "1"
	f.Values["start"] = s.Now().In(s.office()).Format(dateLayout)
	f.Values["month_day"] = "1"
	if id := parseID(r.URL.Query().Get("asset_id")); id != 0 {
		f.Values["target"], f.Values["asset_id"] = "device", strconv.FormatInt(id, 10)
	}
	// A refused plan carried over by the language switch comes back filled in.
	if kept := s.draftFor(r, upkeepFormID); kept != nil {
		f = kept
	}
	s.renderUpkeepForm(w, r, u, http.StatusOK, 0, f, nil)
}

// upkeepEdit is /upkeep/{id}: the plan's form, filled.
func (s *Server) upkeepEdit(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	p, err := s.Upkeep.Get(r.Context(), u, upkeepID(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	f := planForm(p)
	if kept := s.draftFor(r, upkeepFormID); kept != nil {
		f = kept
	}
	q := r.URL.Query()
	if filed, err := strconv.Atoi(q.Get("filed")); err == nil && filed >= 0 {
		skipped, _ := strconv.Atoi(q.Get("skipped"))
		f.Notice = s.localizer(r).T("upkeep.ran", "Count", filed)
		if skipped > 0 {
			f.Notice += " " + s.localizer(r).T("upkeep.ran_skipped", "Count", skipped)
		}
	}
	s.renderUpkeepForm(w, r, u, http.StatusOK, p.ID, f, p)
}

// planForm is a stored plan as form values.
func planForm(p *upkeep.Plan) *form {
	f := newForm()
	id := func(v int64) string {
		if v == 0 {
			return ""
		}
		return strconv.FormatInt(v, 10)
	}
	sc := p.Schedule
	f.Values = map[string]string{"name": p.Name, "target": string(p.Target), "asset_id": id(p.AssetID), "type_id": id(p.TypeID),
		"class_id": id(p.ClassID), "building": p.Building, "floor": p.Floor, "problem_type_id": id(p.ProblemID),
		"every": string(sc.Every), "every_n": strconv.Itoa(sc.N), "month_day": strconv.Itoa(max(sc.MonthDay, 1)), "at": sc.AtText(),
		"start": sc.Start.String(), "end": sc.End.String(), "note": p.Note}
	if p.Active {
		f.Values["active"] = "1"
	}
	for _, d := range upkeep.WeekdayOrder {
		if sc.Weekdays&(1<<uint(d)) != 0 {
			f.Values["wd_"+upkeep.WeekdayCode(d)] = "1"
		}
	}
	return f
}

// readPlanForm reads the posted form into the domain's input; malformed numbers,
// times and dates go into f under their field names.
func readPlanForm(r *http.Request, f *form, l *i18n.Localizer) upkeep.Input {
	keys := []string{"name", "target", "asset_id", "type_id", "class_id", "building", "floor", "problem_type_id", "every", "every_n",
		"month_day", "at", "start", "end", "note", "active"}
	for _, k := range keys {
		f.Values[k] = r.PostForm.Get(k)
	}
	in := upkeep.Input{Name: f.Values["name"], Target: upkeep.Target(f.Values["target"]), AssetID: parseID(f.Values["asset_id"]),
		TypeID: parseID(f.Values["type_id"]), ClassID: parseID(f.Values["class_id"]), Building: f.Values["building"], Floor: f.Values["floor"],
		ProblemID: parseID(f.Values["problem_type_id"]), Note: f.Values["note"], Active: f.Values["active"] == "1"}
	sc := &in.Schedule
	sc.Every = upkeep.Every(f.Values["every"])
	num := func(k, key string) int {
		v := strings.TrimSpace(f.Values[k])
		n, err := strconv.Atoi(v)
		if err != nil {
			f.fail(l, k, key)
		}
		return n
	}
	sc.N = num("every_n", "upkeep.err_n_number")
	if sc.Every == upkeep.EveryMonths {
		sc.MonthDay = num("month_day", "upkeep.err_month_day")
	}
	if sc.Every == upkeep.EveryWeeks {
		for _, d := range upkeep.WeekdayOrder {
			if k := "wd_" + upkeep.WeekdayCode(d); r.PostForm.Get(k) == "1" {
				f.Values[k] = "1"
				sc.Weekdays |= 1 << uint(d)
			}
		}
	}
	if sc.AtMinute = upkeep.ParseAt(f.Values["at"]); sc.AtMinute < 0 {
		f.fail(l, "at", "upkeep.err_at")
		sc.AtMinute = 0
	}
	var ok bool
	if sc.Start, ok = upkeep.ParseDate(strings.TrimSpace(f.Values["start"])); !ok {
		f.fail(l, "start", "upkeep.err_start")
	}
	if e := strings.TrimSpace(f.Values["end"]); e != "" {
		if sc.End, ok = upkeep.ParseDate(e); !ok {
			f.fail(l, "end", "upkeep.err_end")
		}
	}
	return in
}

// renderUpkeepForm shows the plan form with its choices; p is the stored plan
// (nil for a new one).
func (s *Server) renderUpkeepForm(w http.ResponseWriter, r *http.Request, u *users.User, status int, id int64, f *form, p *upkeep.Plan) {
	ch, err := s.Upkeep.Choices(r.Context(), u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	l := s.localizer(r)
	d := &upkeepFormData{ID: id, Notice: s.popNotice(r), Form: f, Started: p != nil}
	if p != nil {
		line := s.upkeepLine(l, p)
		d.Line = &line
	}
	opts := func(list []upkeep.Choice, selected string, withExtra bool) []option {
		var out []option
		for _, c := range list {
			v := strconv.FormatInt(c.ID, 10)
			label := l.Name(c.EN, c.RU)
			if extra := strings.Join(strings.Fields(c.Extra), " "); withExtra && extra != "" {
				label += " · " + extra
			}
			out = append(out, option{Value: v, Label: label, Selected: v == selected})
		}
		return out
	}
	d.Devices = opts(ch.Devices, f.Get("asset_id"), true)
	d.Types = opts(ch.Types, f.Get("type_id"), false)
	d.Classes = opts(ch.Classes, f.Get("class_id"), false)
	d.Problems = opts(ch.Problems, f.Get("problem_type_id"), false)
	for _, u := range []upkeep.Every{upkeep.EveryDays, upkeep.EveryWeeks, upkeep.EveryMonths} {
		d.Units = append(d.Units, option{Value: string(u), Label: l.T("upkeep.unit_" + string(u)), Selected: f.Get("every") == string(u)})
	}
	for _, wd := range upkeep.WeekdayOrder {
		c := upkeep.WeekdayCode(wd)
		d.Weekdays = append(d.Weekdays, weekdayChoice{Value: c, Label: l.T("upkeep.wd_" + c), Checked: f.Get("wd_"+c) == "1"})
	}
	title := "upkeep.new_title"
	if id != 0 {
		title = "upkeep.edit_title"
	}
	s.render(w, r, status, "upkeep_form", title, d)
}

// fillUpkeep puts a domain error into f; ok is false for an internal error.
func fillUpkeep(f *form, l *i18n.Localizer, err error) (int, bool) {
	st, ok := fill(f, l, err)
	if e := apperr.As(err); ok && e != nil && e.Code == apperr.Invalid {
		f.fail(l, "", "error.invalid_input")
	}
	return st, ok
}

// upkeepFormID is the plan form's element id: the language switch carries a
// refused plan over to its page.
const upkeepFormID = "upkeep-form"

// upkeepPath is the page of plan id, /upkeep/new for a new one (0).
func upkeepPath(id int64) string {
	if id == 0 {
		return "/upkeep/new"
	}
	return "/upkeep/" + strconv.FormatInt(id, 10)
}
